//! `serap-server`: reads configuration from the environment, sets up logging, builds and runs Serap.
//! `serap-server rebuild-counters [WAVE_ID]` recomputes the report counters from the stored responses.
//! `serap-server create-admin EMAIL NAME` creates an admin account (password from `SERAP_ADMIN_PASSWORD`,
//! or generated and printed once).

use std::process::ExitCode;

use serap_server::{Application, Settings, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("serap: configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") => {}
        Some("rebuild-counters") => return rebuild(settings, args.get(1)).await,
        Some("create-admin") => return create_admin(settings, &args[1..]).await,
        Some(other) => {
            eprintln!(
                "serap: unknown command {other:?}; use `serve` (default), `create-admin EMAIL NAME` or `rebuild-counters [WAVE_ID]`"
            );
            return ExitCode::from(2);
        }
    }
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("serap: cannot start: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    let host = match app.address().ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        ip => ip.to_string(),
    };
    println!("Serap is running at http://{host}:{}/", app.port());
    match app.run_until_stopped(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("serap: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn rebuild(settings: Settings, wave: Option<&String>) -> ExitCode {
    let wave = match wave.map(|w| w.parse::<uuid::Uuid>()).transpose() {
        Ok(wave) => wave,
        Err(err) => {
            eprintln!("serap: not a wave id: {err}");
            return ExitCode::from(2);
        }
    };
    let result = async {
        let db = serap_server::infra::db::connect(&settings).await?;
        let versions = serap_server::surveys::VersionCache::default();
        serap_server::reports::counters::rebuild_counters(&db, &versions, wave)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
    .await;
    match result {
        Ok(n) => {
            println!("rebuilt counters from {n} responses");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("serap: rebuild failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn create_admin(settings: Settings, args: &[String]) -> ExitCode {
    let (Some(email), Some(name)) = (args.first(), args.get(1)) else {
        eprintln!("serap: usage: serap-server create-admin EMAIL NAME");
        return ExitCode::from(2);
    };
    let email = match serap_shared::domain::EmailAddress::parse(email) {
        Ok(email) => email,
        Err(err) => {
            eprintln!("serap: {err}");
            return ExitCode::from(2);
        }
    };
    let (password, generated) = match std::env::var("SERAP_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => (
            serap_server::infra::tokens::random_token()[..16].to_string(),
            true,
        ),
    };
    let result = async {
        let db = serap_server::infra::db::connect(&settings).await?;
        serap_server::accounts::create_account(
            &db,
            &email,
            name,
            &password,
            &[(serap_shared::domain::Role::Admin, None)],
        )
        .await
    }
    .await;
    match result {
        Ok(_) => {
            if generated {
                println!("created admin {email} / password: {password}");
            } else {
                println!("created admin {email}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("serap: cannot create the admin: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
