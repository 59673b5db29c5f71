//! Figures released in steps of k (the reporting threshold kept over time): `released_counters` holds what
//! reports may read, per atom holder unit, with the atoms' members as `_member` rows; a comment carries the
//! atom it was released to (`atom_id`, NULL while held back); on SQLite the comments table is made anew
//! without a rowid. Every response counts anew: counters now
//! include each release group's `_base`, so the existing counters and comments are dropped and every stored
//! response is queued for the folder again.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReleasedCounters {
    Table,
    WaveId,
    UnitId,
    Key,
    Bucket,
    Count,
    Sum,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    AtomId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReleasedCounters::Table)
                    .if_not_exists()
                    .col(uuid(ReleasedCounters::WaveId))
                    .col(uuid(ReleasedCounters::UnitId))
                    .col(string_len(ReleasedCounters::Key, 100))
                    .col(string_len(ReleasedCounters::Bucket, 100))
                    .col(big_integer(ReleasedCounters::Count))
                    .col(double(ReleasedCounters::Sum))
                    .primary_key(
                        Index::create()
                            .col(ReleasedCounters::WaveId)
                            .col(ReleasedCounters::UnitId)
                            .col(ReleasedCounters::Key)
                            .col(ReleasedCounters::Bucket),
                    )
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DbBackend::Sqlite
            && !manager.has_column("comments", "atom_id").await?
        {
            // Without a rowid, as `responses`: storage order says nothing about arrival order.
            let db = manager.get_connection();
            db.execute_unprepared("DROP INDEX IF EXISTS comments_wave_unit")
                .await?;
            db.execute_unprepared("DROP TABLE comments").await?;
            db.execute_unprepared(
                "CREATE TABLE comments (
                    id BLOB NOT NULL PRIMARY KEY,
                    wave_id BLOB NOT NULL,
                    unit_id BLOB NOT NULL,
                    question_id TEXT NOT NULL,
                    body TEXT NOT NULL,
                    received_on TEXT NOT NULL,
                    atom_id BLOB NULL
                ) WITHOUT ROWID",
            )
            .await?;
            db.execute_unprepared(
                "CREATE INDEX IF NOT EXISTS comments_wave_unit ON comments (wave_id, unit_id)",
            )
            .await?;
        }
        if !manager.has_column("comments", "atom_id").await? {
            manager
                .alter_table(
                    Table::alter()
                        .table(Comments::Table)
                        .add_column(uuid_null(Comments::AtomId))
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM counters").await?;
        db.execute_unprepared("DELETE FROM comments").await?;
        db.execute_unprepared(
            "INSERT INTO fold_queue (response_id)
             SELECT id FROM responses WHERE id NOT IN (SELECT response_id FROM fold_queue)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(ReleasedCounters::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
