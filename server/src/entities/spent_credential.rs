use sea_orm::entity::prelude::*;

/// A credential used for a response: the SHA-256 (hex) of its message. Unique, so a credential is spent
/// once. Written in the response's transaction; it names no invitation.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "spent_credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub message_hash: String,
    pub wave_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
