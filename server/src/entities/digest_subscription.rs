use sea_orm::entity::prelude::*;

/// A leader's digest subscription: who receives it, which units (with subtrees; empty = the whole city),
/// which cadences and in which language.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "digest_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The leader's account, when the subscriber has one: the digest never covers more than its scope.
    pub account_id: Option<Uuid>,
    pub email: String,
    pub name: String,
    /// JSON array of unit ids.
    pub unit_ids: Json,
    pub daily: bool,
    pub weekly: bool,
    pub on_close: bool,
    /// `id` or `en`.
    pub lang: String,
    pub active: bool,
    /// Periods that began before this instant are not sent (creation, or the last change of cadence).
    pub since: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
