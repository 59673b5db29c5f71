//! The server as a real child process for the fault tests (`tests/it/faults/server_killed.rs`):
//! configured from the environment and run exactly as `serap-server serve` runs it, so a test can SIGKILL
//! it and start it again on the same database. Prints `listening on <address>` once bound.

use std::process::ExitCode;

use serap_server::{Application, Settings, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("serap-test-server: configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("serap-test-server: cannot start: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", app.address());
    let stop = async {
        if let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            term.recv().await;
        }
    };
    match app.run_until_stopped(stop).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("serap-test-server: {err:#}");
            ExitCode::FAILURE
        }
    }
}
