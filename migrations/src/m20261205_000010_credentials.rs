//! One-time credentials for anonymous waves (RSA blind signatures, RFC 9474).
//!
//! A personal link of an anonymous wave no longer proves anything at submission time. When the respondent
//! opens it, the client sends a blinded random message; the server signs it with the key of the
//! invitation's (wave, unit), and records only that the invitation was issued its credential
//! (`credential_issuances`, the SHA-256 of the blinded message, so that a retry gets the same signature).
//! The response is later submitted without the token, with the unblinded message and its signature; the
//! server checks the signature and stores the SHA-256 of the message in `spent_credentials` in the
//! response's own transaction. No row written at issuance names a response, and no row written with a
//! response names an invitation. `waves.open_link_with_audience` lets an admin keep the open link of a wave
//! with invitations working (off by default).

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CredentialKeys {
    Table,
    WaveId,
    UnitId,
    SecretKey,
    Modulus,
    Exponent,
}

#[derive(DeriveIden)]
enum CredentialIssuances {
    Table,
    InvitationId,
    BlindMessageHash,
}

#[derive(DeriveIden)]
enum Waves {
    Table,
    Id,
    OpenLinkWithAudience,
}

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if !manager
            .has_column("waves", "open_link_with_audience")
            .await?
        {
            manager
                .alter_table(
                    Table::alter()
                        .table(Waves::Table)
                        .add_column(boolean(Waves::OpenLinkWithAudience).default(false))
                        .to_owned(),
                )
                .await?;
        }
        // The signing key of each (wave, unit), created when the unit's first invitee opens their link.
        manager
            .create_table(
                Table::create()
                    .table(CredentialKeys::Table)
                    .if_not_exists()
                    .col(uuid(CredentialKeys::WaveId))
                    .col(uuid(CredentialKeys::UnitId))
                    .col(text(CredentialKeys::SecretKey))
                    .col(text(CredentialKeys::Modulus))
                    .col(string_len(CredentialKeys::Exponent, 16))
                    .primary_key(
                        Index::create()
                            .col(CredentialKeys::WaveId)
                            .col(CredentialKeys::UnitId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CredentialKeys::Table, CredentialKeys::WaveId)
                            .to(Waves::Table, Waves::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CredentialKeys::Table, CredentialKeys::UnitId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // "Opened": the invitation was issued a credential. No time, no response.
        manager
            .create_table(
                Table::create()
                    .table(CredentialIssuances::Table)
                    .if_not_exists()
                    .col(pk_uuid(CredentialIssuances::InvitationId))
                    .col(string_len(CredentialIssuances::BlindMessageHash, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                CredentialIssuances::Table,
                                CredentialIssuances::InvitationId,
                            )
                            .to(Invitations::Table, Invitations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Spent credentials: the SHA-256 of each message used, unique. On SQLite without a rowid, so that
        // storage order says nothing about arrival order (as for `responses`).
        let spent = match manager.get_database_backend() {
            DbBackend::Sqlite => {
                "CREATE TABLE IF NOT EXISTS spent_credentials (
                    message_hash TEXT NOT NULL PRIMARY KEY,
                    wave_id BLOB NOT NULL REFERENCES waves (id)
                ) WITHOUT ROWID"
            }
            _ => {
                "CREATE TABLE IF NOT EXISTS spent_credentials (
                    message_hash TEXT NOT NULL PRIMARY KEY,
                    wave_id UUID NOT NULL REFERENCES waves (id)
                )"
            }
        };
        manager.get_connection().execute_unprepared(spent).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE IF EXISTS spent_credentials")
            .await?;
        for table in [
            CredentialIssuances::Table.into_iden(),
            CredentialKeys::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Waves::Table)
                    .drop_column(Waves::OpenLinkWithAudience)
                    .to_owned(),
            )
            .await
    }
}
