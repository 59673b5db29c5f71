//! Leader email digests: subscriptions (who, which units, which cadences, which language) and the periods
//! claimed for each. The primary key (subscription, period) is what makes a digest go out once: an instance
//! inserts the period row in the transaction that queues the email, and an instance that finds the row there
//! already queues nothing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DigestSubscriptions {
    Table,
    Id,
    AccountId,
    Email,
    Name,
    UnitIds,
    Daily,
    Weekly,
    OnClose,
    Lang,
    Active,
    Since,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DigestPeriods {
    Table,
    SubscriptionId,
    Period,
    MessageId,
    Figures,
    ClaimedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DigestSubscriptions::Table)
                    .if_not_exists()
                    .col(uuid(DigestSubscriptions::Id).primary_key())
                    .col(uuid_null(DigestSubscriptions::AccountId))
                    .col(string_len(DigestSubscriptions::Email, 320))
                    .col(string_len(DigestSubscriptions::Name, 200))
                    .col(json(DigestSubscriptions::UnitIds))
                    .col(boolean(DigestSubscriptions::Daily))
                    .col(boolean(DigestSubscriptions::Weekly))
                    .col(boolean(DigestSubscriptions::OnClose))
                    .col(string_len(DigestSubscriptions::Lang, 2))
                    .col(boolean(DigestSubscriptions::Active))
                    .col(timestamp_with_time_zone(DigestSubscriptions::Since))
                    .col(timestamp_with_time_zone(DigestSubscriptions::CreatedAt))
                    .col(timestamp_with_time_zone(DigestSubscriptions::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DigestPeriods::Table)
                    .if_not_exists()
                    .col(uuid(DigestPeriods::SubscriptionId))
                    .col(string_len(DigestPeriods::Period, 80))
                    .col(string_len(DigestPeriods::MessageId, 200))
                    .col(json(DigestPeriods::Figures))
                    .col(timestamp_with_time_zone(DigestPeriods::ClaimedAt))
                    .primary_key(
                        Index::create()
                            .col(DigestPeriods::SubscriptionId)
                            .col(DigestPeriods::Period),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DigestPeriods::Table, DigestPeriods::SubscriptionId)
                            .to(DigestSubscriptions::Table, DigestSubscriptions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_digest_periods_claimed")
                    .table(DigestPeriods::Table)
                    .col(DigestPeriods::SubscriptionId)
                    .col(DigestPeriods::ClaimedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(DigestPeriods::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(DigestSubscriptions::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
