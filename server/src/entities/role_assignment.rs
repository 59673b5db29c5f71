use sea_orm::entity::prelude::*;

/// A role of an account, scoped to a unit and its subtree (`unit_id` absent: the whole city).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "role_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub account_id: Uuid,
    /// `admin`, `manager`, `leader` or `viewer`.
    pub role: String,
    pub unit_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
