//! A server's state on its own SQLite database in a temporary directory (removed when dropped), without
//! serving: for tests of the domain functions of access, accounts, roster and reports.

use std::path::PathBuf;

use crate::infra::config::Settings;
use crate::state::AppState;

pub(crate) struct TestState {
    pub state: AppState,
    dir: PathBuf,
}

impl Drop for TestState {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) async fn state() -> TestState {
    let dir = std::env::temp_dir().join(format!("serap-unit-{}", uuid::Uuid::new_v4().simple()));
    let data_dir = dir.display().to_string();
    let settings = Settings::from_lookup(|name| match name {
        "SERAP_DATA_DIR" => Some(data_dir.clone()),
        "SERAP_BIND" => Some("127.0.0.1:0".into()),
        "SERAP_DEMO_DATA" => Some("off".into()),
        "SERAP_DIST_DIR" => Some(format!("{data_dir}/no-client")),
        "SERAP_BASE_URL" => Some("https://serap.serangkota.go.id".into()),
        _ => None,
    })
    .unwrap();
    let app = crate::Application::build(settings).await.unwrap();
    TestState {
        state: app.state().clone(),
        dir,
    }
}
