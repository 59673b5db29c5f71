use sea_orm::entity::prelude::*;

/// The blind-signature key of one (wave, unit) of an anonymous wave: the secret key (PKCS#1 DER, hex) and
/// the public modulus and exponent (hex), created when the unit's first invitee opens their link.
#[derive(Clone, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "credential_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub wave_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: Uuid,
    pub secret_key: String,
    pub modulus: String,
    pub exponent: String,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("credential_key")
            .field("wave_id", &self.wave_id)
            .field("unit_id", &self.unit_id)
            .field("secret_key", &"***")
            .finish()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
