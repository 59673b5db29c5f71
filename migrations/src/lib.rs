//! Serap's schema, as an ordered list of sea-orm migrations. The server runs `Migrator::up` at start;
//! the `serap-migrate` binary runs them by hand.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_outbox;
mod m20261128_000002_surveys;
mod m20261128_000003_people;
mod m20261128_000004_accounts;
mod m20261128_000005_invitations;
mod m20261128_000006_password_resets;
mod m20261128_000007_comments;
mod m20261128_000008_digests;
mod m20261205_000009_release;
mod m20261205_000010_credentials;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_outbox::Migration),
            Box::new(m20261128_000002_surveys::Migration),
            Box::new(m20261128_000003_people::Migration),
            Box::new(m20261128_000004_accounts::Migration),
            Box::new(m20261128_000005_invitations::Migration),
            Box::new(m20261128_000006_password_resets::Migration),
            Box::new(m20261128_000007_comments::Migration),
            Box::new(m20261128_000008_digests::Migration),
            Box::new(m20261205_000009_release::Migration),
            Box::new(m20261205_000010_credentials::Migration),
        ]
    }
}
