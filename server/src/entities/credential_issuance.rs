use sea_orm::entity::prelude::*;

/// An invitation of an anonymous wave that was issued its credential ("opened"): the SHA-256 (hex) of the
/// blinded message it was issued for, so that a retry of the same message gets the same signature.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "credential_issuances")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub invitation_id: Uuid,
    pub blind_message_hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
