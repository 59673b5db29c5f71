use sea_orm::entity::prelude::*;

/// A digest period claimed for a subscription (`daily:2026-11-30`, `weekly:2026-W49`, `close:<wave id>`),
/// inserted in the transaction that queues its email: the key makes each digest go out once.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "digest_periods")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subscription_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    /// The Message-Id of the queued email (its delivery status is in the outbox).
    pub message_id: String,
    /// The figures sent, `{"<wave id>": respondents}`, for the change shown in the next digest.
    pub figures: Json,
    pub claimed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
