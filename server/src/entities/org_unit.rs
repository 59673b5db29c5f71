use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "org_units")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub sector: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for serap_shared::api::Unit {
    fn from(m: Model) -> Self {
        serap_shared::api::Unit {
            id: m.id,
            code: m.code,
            name: m.name,
            kind: m.kind,
            sector: m.sector,
            parent_id: m.parent_id,
        }
    }
}
