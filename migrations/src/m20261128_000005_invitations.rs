//! Personal invitations to waves and their reminders.
//!
//! Anonymity (docs/design.md invariant 4): answering an invitation deletes its row in `unanswered_invitations` and
//! writes nothing else about the invitation: `invitations` rows are never touched by a response, so neither
//! a column nor a row's write time links an invitation to a response. Only identified and confidential
//! waves record the link, in `invitation_responses`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    WaveId,
    PersonId,
    UnitId,
    CreatedAt,
    ExpiresAt,
    RemindersSent,
    NextReminderAt,
    LastMessageId,
}

#[derive(DeriveIden)]
enum InvitationLinks {
    Table,
    TokenHash,
    InvitationId,
}

#[derive(DeriveIden)]
enum UnansweredInvitations {
    Table,
    InvitationId,
}

#[derive(DeriveIden)]
enum InvitationResponses {
    Table,
    InvitationId,
    ResponseId,
}

#[derive(DeriveIden)]
enum ReminderPolicies {
    Table,
    WaveId,
    IntervalHours,
    MaxReminders,
}

#[derive(DeriveIden)]
enum Waves {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Responses {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .if_not_exists()
                    .col(pk_uuid(Invitations::Id))
                    .col(uuid(Invitations::WaveId))
                    .col(uuid(Invitations::PersonId))
                    .col(uuid(Invitations::UnitId))
                    .col(timestamp_with_time_zone(Invitations::CreatedAt))
                    .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                    .col(integer(Invitations::RemindersSent).default(0))
                    .col(timestamp_with_time_zone_null(Invitations::NextReminderAt))
                    .col(string_len(Invitations::LastMessageId, 200))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::WaveId)
                            .to(Waves::Table, Waves::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::PersonId)
                            .to(People::Table, People::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::UnitId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_wave_person")
                    .table(Invitations::Table)
                    .col(Invitations::WaveId)
                    .col(Invitations::PersonId)
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_next_reminder")
                    .table(Invitations::Table)
                    .col(Invitations::NextReminderAt)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        // One row per email sent (invitation and each reminder): the SHA-256 of its link's token. The
        // token itself is never stored.
        manager
            .create_table(
                Table::create()
                    .table(InvitationLinks::Table)
                    .if_not_exists()
                    .col(string_len(InvitationLinks::TokenHash, 64).primary_key())
                    .col(uuid(InvitationLinks::InvitationId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(InvitationLinks::Table, InvitationLinks::InvitationId)
                            .to(Invitations::Table, Invitations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UnansweredInvitations::Table)
                    .if_not_exists()
                    .col(pk_uuid(UnansweredInvitations::InvitationId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                UnansweredInvitations::Table,
                                UnansweredInvitations::InvitationId,
                            )
                            .to(Invitations::Table, Invitations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InvitationResponses::Table)
                    .if_not_exists()
                    .col(pk_uuid(InvitationResponses::InvitationId))
                    .col(uuid_uniq(InvitationResponses::ResponseId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                InvitationResponses::Table,
                                InvitationResponses::InvitationId,
                            )
                            .to(Invitations::Table, Invitations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(InvitationResponses::Table, InvitationResponses::ResponseId)
                            .to(Responses::Table, Responses::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReminderPolicies::Table)
                    .if_not_exists()
                    .col(pk_uuid(ReminderPolicies::WaveId))
                    .col(integer(ReminderPolicies::IntervalHours))
                    .col(integer(ReminderPolicies::MaxReminders))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReminderPolicies::Table, ReminderPolicies::WaveId)
                            .to(Waves::Table, Waves::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReminderPolicies::Table.into_iden(),
            InvitationResponses::Table.into_iden(),
            UnansweredInvitations::Table.into_iden(),
            InvitationLinks::Table.into_iden(),
            Invitations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
