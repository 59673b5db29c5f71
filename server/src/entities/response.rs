use sea_orm::entity::prelude::*;

/// A stored response. No exact time, no person, no device: `received_on` is a WIB date.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "responses")]
pub struct Model {
    /// Random; says nothing about arrival order.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Client-generated; makes retries idempotent.
    pub submission_id: Uuid,
    /// SHA-256 of the canonical submitted body (unit and answers): a replay must match it.
    pub body_hash: String,
    pub wave_id: Uuid,
    pub survey_version_id: Uuid,
    pub unit_id: Uuid,
    pub answers: Json,
    pub received_on: String,
    pub receipt_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
