//! Organisation units, surveys with immutable published versions, waves, responses and the sharded
//! aggregate counters reports read (docs/design.md invariants 2 and 3), with the queue of responses the counter
//! folder has yet to add.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
    ParentId,
    Code,
    Name,
    Kind,
    Sector,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Surveys {
    Table,
    Id,
    Title,
    Template,
    Draft,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SurveyVersions {
    Table,
    Id,
    SurveyId,
    Version,
    Definition,
    PublishedAt,
}

#[derive(DeriveIden)]
enum Waves {
    Table,
    Id,
    SurveyId,
    SurveyVersionId,
    Name,
    Slug,
    OpensAt,
    ClosesAt,
    Anonymity,
    MinGroupSize,
    MinCommentGroupSize,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Counters {
    Table,
    WaveId,
    UnitId,
    Key,
    Bucket,
    Shard,
    Count,
    Sum,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrgUnits::Table)
                    .if_not_exists()
                    .col(pk_uuid(OrgUnits::Id))
                    .col(uuid_null(OrgUnits::ParentId))
                    .col(string_len_uniq(OrgUnits::Code, 40))
                    .col(string_len(OrgUnits::Name, 200))
                    .col(string_len(OrgUnits::Kind, 40))
                    .col(string_len_null(OrgUnits::Sector, 40))
                    .col(timestamp_with_time_zone(OrgUnits::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrgUnits::Table, OrgUnits::ParentId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Surveys::Table)
                    .if_not_exists()
                    .col(pk_uuid(Surveys::Id))
                    .col(string_len(Surveys::Title, 300))
                    .col(string_len_null(Surveys::Template, 40))
                    .col(json(Surveys::Draft))
                    .col(timestamp_with_time_zone(Surveys::CreatedAt))
                    .col(timestamp_with_time_zone(Surveys::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SurveyVersions::Table)
                    .if_not_exists()
                    .col(pk_uuid(SurveyVersions::Id))
                    .col(uuid(SurveyVersions::SurveyId))
                    .col(integer(SurveyVersions::Version))
                    .col(json(SurveyVersions::Definition))
                    .col(timestamp_with_time_zone(SurveyVersions::PublishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SurveyVersions::Table, SurveyVersions::SurveyId)
                            .to(Surveys::Table, Surveys::Id),
                    )
                    .index(
                        Index::create()
                            .name("uq_survey_versions_number")
                            .col(SurveyVersions::SurveyId)
                            .col(SurveyVersions::Version)
                            .unique(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Waves::Table)
                    .if_not_exists()
                    .col(pk_uuid(Waves::Id))
                    .col(uuid(Waves::SurveyId))
                    .col(uuid(Waves::SurveyVersionId))
                    .col(string_len(Waves::Name, 200))
                    .col(string_len_uniq(Waves::Slug, 80))
                    .col(timestamp_with_time_zone(Waves::OpensAt))
                    .col(timestamp_with_time_zone(Waves::ClosesAt))
                    .col(string_len(Waves::Anonymity, 16))
                    .col(integer(Waves::MinGroupSize))
                    .col(integer(Waves::MinCommentGroupSize))
                    .col(timestamp_with_time_zone(Waves::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Waves::Table, Waves::SurveyId)
                            .to(Surveys::Table, Surveys::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Waves::Table, Waves::SurveyVersionId)
                            .to(SurveyVersions::Table, SurveyVersions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Responses carry no exact time and, on SQLite, no rowid: nothing orders them by arrival
        // (anonymous waves must not be correlatable with invitation use). The id is random.
        let responses = match manager.get_database_backend() {
            DbBackend::Sqlite => {
                "CREATE TABLE IF NOT EXISTS responses (
                    id BLOB NOT NULL PRIMARY KEY,
                    submission_id BLOB NOT NULL UNIQUE,
                    body_hash TEXT NOT NULL,
                    wave_id BLOB NOT NULL REFERENCES waves (id),
                    survey_version_id BLOB NOT NULL REFERENCES survey_versions (id),
                    unit_id BLOB NOT NULL REFERENCES org_units (id),
                    answers TEXT NOT NULL,
                    received_on TEXT NOT NULL,
                    receipt_code TEXT NOT NULL
                ) WITHOUT ROWID"
            }
            _ => {
                "CREATE TABLE IF NOT EXISTS responses (
                    id UUID NOT NULL PRIMARY KEY,
                    submission_id UUID NOT NULL UNIQUE,
                    body_hash TEXT NOT NULL,
                    wave_id UUID NOT NULL REFERENCES waves (id),
                    survey_version_id UUID NOT NULL REFERENCES survey_versions (id),
                    unit_id UUID NOT NULL REFERENCES org_units (id),
                    answers JSON NOT NULL,
                    received_on TEXT NOT NULL,
                    receipt_code TEXT NOT NULL
                )"
            }
        };
        manager
            .get_connection()
            .execute_unprepared(responses)
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS idx_responses_wave ON responses (wave_id, unit_id)",
            )
            .await?;
        // Responses the counter folder has yet to add: written with the response, deleted when folded, so it
        // only ever holds about a second's worth. Responses themselves are never rewritten.
        let queue = match manager.get_database_backend() {
            DbBackend::Sqlite => {
                "CREATE TABLE IF NOT EXISTS fold_queue (response_id BLOB NOT NULL PRIMARY KEY) WITHOUT ROWID"
            }
            _ => "CREATE TABLE IF NOT EXISTS fold_queue (response_id UUID NOT NULL PRIMARY KEY)",
        };
        manager.get_connection().execute_unprepared(queue).await?;
        if manager.get_database_backend() == DbBackend::Sqlite {
            // SQLite has no data-modifying CTEs: a trigger queues each inserted response in the same
            // statement. (PostgreSQL does both in one `WITH ... INSERT` statement.)
            manager
                .get_connection()
                .execute_unprepared(
                    "CREATE TRIGGER IF NOT EXISTS responses_fold_queue AFTER INSERT ON responses
                     BEGIN INSERT INTO fold_queue (response_id) VALUES (NEW.id); END",
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Counters::Table)
                    .if_not_exists()
                    .col(uuid(Counters::WaveId))
                    .col(uuid(Counters::UnitId))
                    .col(string_len(Counters::Key, 100))
                    .col(string_len(Counters::Bucket, 100))
                    .col(small_integer(Counters::Shard))
                    .col(big_integer(Counters::Count))
                    .col(double(Counters::Sum))
                    .primary_key(
                        Index::create()
                            .col(Counters::WaveId)
                            .col(Counters::UnitId)
                            .col(Counters::Key)
                            .col(Counters::Bucket)
                            .col(Counters::Shard),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "counters",
            "responses",
            "waves",
            "survey_versions",
            "surveys",
            "org_units",
        ] {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP TABLE IF EXISTS {table}"))
                .await?;
        }
        Ok(())
    }
}
