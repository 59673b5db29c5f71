//! The staff roster. NIP is personal data: it lives here, apart from answers, and is never logged.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
    Nip,
    Name,
    Email,
    UnitId,
    JobLevel,
    EmploymentType,
    Golongan,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(People::Table)
                    .if_not_exists()
                    .col(pk_uuid(People::Id))
                    .col(string_len_uniq(People::Nip, 18))
                    .col(string_len(People::Name, 200))
                    .col(string_len_null(People::Email, 254))
                    .col(uuid(People::UnitId))
                    .col(string_len(People::JobLevel, 20))
                    .col(string_len(People::EmploymentType, 4))
                    .col(string_len_null(People::Golongan, 10))
                    .col(timestamp_with_time_zone(People::CreatedAt))
                    .col(timestamp_with_time_zone(People::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(People::Table, People::UnitId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(People::Table).to_owned())
            .await
    }
}
