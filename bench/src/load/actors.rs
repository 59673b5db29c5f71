//! The load's clients: respondents (form, then submit, in a closed loop) and unit managers (the report
//! every second and a live stream), each request to the next instance in turn.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serap_tests::SignedIn;
use serde_json::json;
use tokio::time::sleep_until;
use uuid::Uuid;

use super::args::Options;
use super::stats::{StreamStats, Tally, Window};

/// The next URL, in turn, over every request of every client.
pub(super) struct RoundRobin {
    pub(super) urls: Vec<String>,
    pub(super) next: AtomicUsize,
}

impl RoundRobin {
    fn next(&self) -> &str {
        &self.urls[self.next.fetch_add(1, Ordering::Relaxed) % self.urls.len()]
    }
}

/// Sends a request and reads the whole body; any failure or non-2xx status is an error.
async fn exchange(request: reqwest::RequestBuilder) -> Result<(), String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!(
            "{status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        ))
    }
}

/// What every client of one run shares.
pub(super) struct Shared {
    pub(super) http: reqwest::Client,
    pub(super) urls: RoundRobin,
    pub(super) slug: String,
    pub(super) window: Window,
    /// Pre-serialised answer sets (valid for the form).
    pub(super) answers: Vec<String>,
    pub(super) units: Vec<Uuid>,
}

/// A respondent: loads the form and submits a response, over and over, until the window ends.
pub(super) async fn respondent(shared: Arc<Shared>, client: usize) -> Tally {
    let mut tally = Tally::default();
    let mut n = client;
    while Instant::now() < shared.window.to {
        let started = Instant::now();
        let url = format!("{}/api/v1/forms/{}", shared.urls.next(), shared.slug);
        let outcome = exchange(
            shared
                .http
                .get(url)
                .header("accept-encoding", "gzip, deflate, br"),
        )
        .await;
        let loaded = outcome.is_ok();
        tally.form.record(&shared.window, started, outcome);
        if !loaded {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        let body = format!(
            r#"{{"submission_id":"{}","unit_id":"{}","answers":{}}}"#,
            Uuid::new_v4(),
            shared.units[n % shared.units.len()],
            shared.answers[n % shared.answers.len()],
        );
        n += 7;
        let started = Instant::now();
        let url = format!(
            "{}/api/v1/forms/{}/responses",
            shared.urls.next(),
            shared.slug
        );
        let outcome = exchange(
            shared
                .http
                .post(url)
                .header("content-type", "application/json")
                .body(body),
        )
        .await;
        tally.submit.record(&shared.window, started, outcome);
    }
    tally
}

/// Counts `event:` lines of an SSE body arriving in chunks.
#[derive(Default)]
struct EventCounter {
    partial: String,
}

impl EventCounter {
    fn feed(&mut self, chunk: &[u8], stats: &mut StreamStats) {
        self.partial.push_str(&String::from_utf8_lossy(chunk));
        while let Some(end) = self.partial.find('\n') {
            let line: String = self.partial.drain(..=end).collect();
            match line.trim_end().strip_prefix("event:").map(str::trim) {
                Some("ready") => stats.ready += 1,
                Some("updated") => stats.updated += 1,
                _ => {}
            }
        }
    }
}

/// Holds one live stream until `until`, reconnecting (to the next instance) if it ends.
async fn hold_stream(shared: Arc<Shared>, cookie: String, until: Instant) -> StreamStats {
    let mut stats = StreamStats::default();
    while Instant::now() < until {
        let url = format!("{}/api/v1/waves/{}/live", shared.urls.next(), shared.slug);
        let request = shared
            .http
            .get(url)
            .header("cookie", &cookie)
            .header("accept", "text/event-stream")
            .send();
        let mut response = tokio::select! {
            r = request => match r {
                Ok(r) if r.status().is_success() => r,
                _ => {
                    stats.failed += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            },
            _ = sleep_until(until.into()) => break,
        };
        stats.opened += 1;
        let mut counter = EventCounter::default();
        loop {
            tokio::select! {
                chunk = response.chunk() => match chunk {
                    Ok(Some(bytes)) => counter.feed(&bytes, &mut stats),
                    _ => {
                        stats.dropped += 1;
                        break;
                    }
                },
                _ = sleep_until(until.into()) => {
                    stats.held_at_end += 1;
                    return stats;
                }
            }
        }
    }
    stats
}

/// A unit manager: polls the report every `poll` (from `offset`) and holds a live stream, until the
/// window ends.
pub(super) async fn manager(
    shared: Arc<Shared>,
    cookie: String,
    offset: Duration,
    poll: Duration,
) -> Tally {
    let stream = tokio::spawn(hold_stream(
        shared.clone(),
        cookie.clone(),
        shared.window.to,
    ));
    let mut tally = Tally::default();
    let mut next = Instant::now() + offset;
    loop {
        sleep_until(next.into()).await;
        if Instant::now() >= shared.window.to {
            break;
        }
        let started = Instant::now();
        let url = format!("{}/api/v1/waves/{}/report", shared.urls.next(), shared.slug);
        let outcome = exchange(
            shared
                .http
                .get(url)
                .header("cookie", &cookie)
                .header("accept-encoding", "gzip, deflate, br"),
        )
        .await;
        tally.report.record(&shared.window, started, outcome);
        next += poll;
    }
    tally.streams = stream.await.unwrap_or_default();
    tally
}

/// Creates a manager account on `options.manager_unit` through the admin API at `admin_url`, and signs it in
/// at `login_url` through the login endpoint, as the tests sign in.
pub(super) async fn sign_in_manager(
    http: &reqwest::Client,
    admin_url: &str,
    login_url: &str,
    options: &Options,
) -> anyhow::Result<SignedIn> {
    let email = format!(
        "load-{}@serap.example",
        &Uuid::new_v4().simple().to_string()[..12]
    );
    let password = format!("Ld-{}", Uuid::new_v4().simple());
    let created = http
        .post(format!("{admin_url}/api/v1/accounts"))
        .bearer_auth(&options.admin_token)
        .json(&json!({
            "email": email,
            "name": "Manajer Uji Beban",
            "password": password,
            "roles": [{"role": "manager", "unit_code": options.manager_unit}],
        }))
        .send()
        .await?;
    if !created.status().is_success() {
        bail!(
            "creating a manager account: {} {}",
            created.status(),
            created.text().await.unwrap_or_default()
        );
    }
    SignedIn::sign_in(http, login_url, &email, &password)
        .await
        .context("signing in the manager")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_events_split_across_chunks() {
        let mut stats = StreamStats::default();
        let mut counter = EventCounter::default();
        counter.feed(b"event:ready\ndata:x\n\nev", &mut stats);
        counter.feed(b"ent:updated\ndata:x\n\n:\n\nevent: updated\n", &mut stats);
        assert_eq!((stats.ready, stats.updated), (1, 2));
    }
}
