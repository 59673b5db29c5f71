//! Free-text comments, copied out of responses by the counter folder so reports can list them without
//! reading responses (docs/design.md invariant 2). A comment row names its wave, unit, question and WIB date only:
//! no response id, so it cannot be joined back to the rest of a response's answers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    WaveId,
    UnitId,
    QuestionId,
    Body,
    ReceivedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .if_not_exists()
                    .col(pk_uuid(Comments::Id))
                    .col(uuid(Comments::WaveId))
                    .col(uuid(Comments::UnitId))
                    .col(string_len(Comments::QuestionId, 100))
                    .col(text(Comments::Body))
                    .col(string_len(Comments::ReceivedOn, 10))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("comments_wave_unit")
                    .table(Comments::Table)
                    .col(Comments::WaveId)
                    .col(Comments::UnitId)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Comments::Table).if_exists().to_owned())
            .await
    }
}
