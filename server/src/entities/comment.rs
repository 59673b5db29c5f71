use sea_orm::entity::prelude::*;

/// A free-text answer copied out of a response by the counter folder (no response id).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub wave_id: Uuid,
    pub unit_id: Uuid,
    pub question_id: String,
    pub body: String,
    /// WIB date of the response, `YYYY-MM-DD`.
    pub received_on: String,
    /// The holder unit of the atom it was released to; `None` while held back.
    pub atom_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
