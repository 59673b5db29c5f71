use sea_orm::entity::prelude::*;

/// A member of staff (ASN) from the roster. `nip` is personal data: never logged, never in responses.
#[derive(Clone, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// 18 digits, NIP (PNS) or NI PPPK.
    pub nip: String,
    pub name: String,
    pub email: Option<String>,
    pub unit_id: Uuid,
    /// `JobLevel` id, e.g. `pelaksana`.
    pub job_level: String,
    /// `pns` or `pppk`.
    pub employment_type: String,
    pub golongan: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person")
            .field("id", &self.id)
            .field("nip", &"***")
            .field("unit_id", &self.unit_id)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
