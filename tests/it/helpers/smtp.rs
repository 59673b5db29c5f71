//! A real SMTP server for the tests to send to (Python aiosmtpd, `tests/smtp_sink.py`), and reading the
//! messages it or the server's file outbox stored.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::api::eventually;
use super::app::workspace_root;

/// A real SMTP server (Python aiosmtpd) storing each received message as a file.
pub struct SmtpSink {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        Self::start_on(0).await
    }

    /// Starts on `port` (0: any free port).
    pub async fn start_on(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = workspace_root().join("tests/smtp_sink.py");
        let mut child =
            Command::new(std::env::var("SERAP_TEST_PYTHON").unwrap_or("python3".into()))
                .arg(&script)
                .arg(dir.path())
                .arg(port.to_string())
                .stdout(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .expect("start the SMTP sink (python3 with aiosmtpd)");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        tokio::time::timeout(
            Duration::from_secs(20),
            BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .expect("SMTP sink reports its port")
        .expect("read port");
        let port = line.trim().parse().unwrap_or_else(|_| {
            panic!("SMTP sink did not start (is aiosmtpd installed?): {line:?}")
        });
        SmtpSink { port, dir, child }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Raw messages received so far.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        read_eml_dir(self.dir.path())
    }

    pub async fn wait_for(&self, count: usize) -> Vec<Vec<u8>> {
        eventually(
            Duration::from_secs(20),
            "mail at the SMTP server",
            || async {
                let messages = self.messages();
                (messages.len() >= count).then_some(messages)
            },
        )
        .await
    }

    /// Kills the server and waits until it is gone (its port refuses connections).
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
        let _ = self.child.wait().await;
    }
}

/// Every complete `.eml` file in `dir`.
pub fn read_eml_dir(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}
