//! The email outbox (docs/design.md invariant 7): messages are written here in the same transaction as the event that
//! causes them and sent by the dispatcher, which claims, retries with backoff and records the Message-Id.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    Id,
    Kind,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    Headers,
    MessageId,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    LastError,
    CreatedAt,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxMessages::Table)
                    .if_not_exists()
                    .col(pk_uuid(OutboxMessages::Id))
                    .col(string_len(OutboxMessages::Kind, 40))
                    .col(string_len(OutboxMessages::Recipient, 320))
                    .col(string_len(OutboxMessages::Subject, 400))
                    .col(text(OutboxMessages::BodyText))
                    .col(text(OutboxMessages::BodyHtml))
                    .col(json(OutboxMessages::Headers))
                    .col(string_len_uniq(OutboxMessages::MessageId, 200))
                    .col(string_len(OutboxMessages::Status, 16))
                    .col(integer(OutboxMessages::Attempts).default(0))
                    .col(timestamp_with_time_zone(OutboxMessages::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(OutboxMessages::ClaimedUntil))
                    .col(text_null(OutboxMessages::LastError))
                    .col(timestamp_with_time_zone(OutboxMessages::CreatedAt))
                    .col(timestamp_with_time_zone_null(OutboxMessages::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(OutboxMessages::Table)
                    .col(OutboxMessages::Status)
                    .col(OutboxMessages::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OutboxMessages::Table).to_owned())
            .await
    }
}
