use sea_orm::entity::prelude::*;

/// A personal invitation to a wave. Never written by a response (see the migration's notes on anonymity).
#[derive(Clone, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub wave_id: Uuid,
    pub person_id: Uuid,
    /// The person's unit when invited: the unit their response is counted under.
    pub unit_id: Uuid,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub reminders_sent: i32,
    pub next_reminder_at: Option<DateTimeUtc>,
    /// Message-Id of the latest email (invitation or reminder), for its delivery status.
    pub last_message_id: String,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invitation")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
