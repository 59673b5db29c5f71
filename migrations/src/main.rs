//! `serap-migrate [up|down [N]|status|fresh]`: runs Serap's migrations against `SERAP_DATABASE_URL`
//! (default: the SQLite file under `SERAP_DATA_DIR`, itself default `./data`).

use sea_orm_migration::MigratorTrait;
use sea_orm_migration::sea_orm::Database;
use serap_migrations::Migrator;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if let Err(message) = run().await {
        eprintln!("serap-migrate: {message}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = std::env::var("SERAP_DATABASE_URL").unwrap_or_else(|_| {
        let dir = std::env::var("SERAP_DATA_DIR").unwrap_or_else(|_| "./data".into());
        format!("sqlite://{dir}/serap.db?mode=rwc")
    });
    let db = Database::connect(&url)
        .await
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    let steps = |i: usize| -> Result<Option<u32>, String> {
        args.get(i)
            .map(|n| n.parse().map_err(|_| format!("not a number of steps: {n}")))
            .transpose()
    };
    match args.first().map(String::as_str).unwrap_or("up") {
        "up" => Migrator::up(&db, steps(1)?).await,
        "down" => Migrator::down(&db, Some(steps(1)?.unwrap_or(1))).await,
        "fresh" => Migrator::fresh(&db).await,
        "status" => Migrator::status(&db).await,
        other => {
            return Err(format!(
                "unknown command {other:?}; use up [N], down [N], status or fresh"
            ));
        }
    }
    .map_err(|e| e.to_string())
}
