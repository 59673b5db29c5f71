use sea_orm::entity::prelude::*;

/// A released counter: what reports read (see `serap_shared::report::release`). Keyed by the holder unit of
/// an atom; `_member` rows name the atom's members.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "released_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub wave_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub bucket: String,
    pub count: i64,
    pub sum: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
