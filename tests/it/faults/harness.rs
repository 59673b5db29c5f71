//! What every fault test uses: the waves the load submits to, bounded HTTP clients, programs a test needs
//! (skipped when missing outside CI), concurrent respondents who retry every unacknowledged submission
//! with its same submission id, and the checks on the database after a fault.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serap_server::entities::{comment, fold_queue, response};
use serap_server::reports::counters::{counter_totals, rebuild_counters};
use serap_server::surveys::VersionCache;
use serap_shared::api::PublicForm;
use serap_shared::survey::example_answers;
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::helpers::{TestConfig, eventually, in_ci};

/// Waves the load submits to: SKM (Likert only) and the socialisation feedback (with free text, so the
/// folder also copies comments).
pub(super) const SLUGS: [&str; 2] = ["skm-2026", "sosialisasi-kebijakan-2026"];

/// A prerequisite program for a fault test: its path, or `None` (skip) when it is missing outside CI.
pub(super) fn program(what: &str, path: Option<PathBuf>) -> Option<PathBuf> {
    match path {
        Some(path) => Some(path),
        None if in_ci() => panic!("{what} is required when CI=true: install it"),
        None => {
            eprintln!("skipping: {what} is not installed");
            None
        }
    }
}

/// `name` found on `PATH`.
pub(super) fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// An HTTP client whose every request is bounded (`total`: the whole exchange, body included), with no
/// redirects followed.
pub(super) fn client(total: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(total)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// No web client to serve: the API is what is under test, and precompressing the built client at every
/// start only slows the test down.
pub(super) fn without_client(mut config: TestConfig) -> TestConfig {
    let missing = std::env::temp_dir().join(format!("serap-no-client-{}", Uuid::new_v4().simple()));
    config
        .extra
        .push(("SERAP_DIST_DIR".into(), missing.display().to_string()));
    config
}

// ---------------------------------------------------------------------------------------------------
// Load: concurrent respondents who retry every unacknowledged submission with its same submission id.

#[derive(Clone)]
pub(super) struct Submission {
    pub(super) slug: String,
    pub(super) body: Value,
}

impl Submission {
    pub(super) fn id(&self) -> Uuid {
        serde_json::from_value(self.body["submission_id"].clone()).unwrap()
    }
}

/// `per_wave` submissions to each of `forms`, with varied units and answers.
pub(super) fn submissions(forms: &[PublicForm], per_wave: usize) -> Vec<Submission> {
    let mut out = Vec::new();
    for i in 0..per_wave {
        for form in forms {
            out.push(Submission {
                slug: form.slug.clone(),
                body: json!({
                    "submission_id": Uuid::new_v4(),
                    "unit_id": form.units[(i * 7) % form.units.len()].id,
                    "answers": example_answers(&form.definition, i),
                }),
            });
        }
    }
    out
}

pub(super) async fn forms_of(base: &str, http: &reqwest::Client) -> Vec<PublicForm> {
    let mut forms = Vec::new();
    for slug in SLUGS {
        let r = http
            .get(format!("{base}/api/v1/forms/{slug}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "form {slug}");
        forms.push(r.json().await.unwrap());
    }
    forms
}

/// What the respondents saw.
#[derive(Default)]
pub(super) struct Tally {
    /// Acknowledged (2xx) submission ids and the receipt code each was acknowledged with.
    pub(super) acked: HashMap<Uuid, String>,
    /// Every non-2xx answer: status, Retry-After and body.
    pub(super) refused: Vec<(u16, Option<String>, String)>,
    /// Requests that got no HTTP answer (connection refused or reset).
    pub(super) transport_errors: usize,
    /// Acknowledgements that were replays (200): the submission had been stored by an earlier attempt
    /// whose answer was lost.
    pub(super) replayed: usize,
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} acknowledged ({} as replays), {} refused, {} without an answer",
            self.acked.len(),
            self.replayed,
            self.refused.len(),
            self.transport_errors
        )
    }
}

pub(super) struct Load {
    tally: Arc<Mutex<Tally>>,
    acked: Arc<AtomicUsize>,
    tasks: Vec<JoinHandle<()>>,
}

impl Load {
    /// `clients` concurrent respondents share `work`; client `c` talks to `bases[c % bases.len()]`. Each
    /// delivers one submission (`deliver`), then takes the next.
    pub(super) fn start(
        bases: &[String],
        work: Vec<Submission>,
        clients: usize,
        pause: Duration,
    ) -> Load {
        let http = client(Duration::from_secs(30));
        let queue = Arc::new(Mutex::new(VecDeque::from(work)));
        let tally = Arc::new(Mutex::new(Tally::default()));
        let acked = Arc::new(AtomicUsize::new(0));
        let tasks = (0..clients)
            .map(|c| {
                let (http, queue, tally, acked) =
                    (http.clone(), queue.clone(), tally.clone(), acked.clone());
                let base = bases[c % bases.len()].clone();
                tokio::spawn(async move {
                    loop {
                        let Some(submission) = queue.lock().unwrap().pop_front() else {
                            return;
                        };
                        if deliver(&http, &base, &submission, &tally, pause).await {
                            acked.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect();
        Load {
            tally,
            acked,
            tasks,
        }
    }

    pub(super) fn acked(&self) -> usize {
        self.acked.load(Ordering::SeqCst)
    }

    /// Waits (bounded) until at least `n` submissions were acknowledged.
    pub(super) async fn until_acked(&self, n: usize) {
        eventually(
            Duration::from_secs(120),
            "submissions acknowledged",
            || async { (self.acked() >= n).then_some(()) },
        )
        .await;
    }

    /// Waits (bounded) until every respondent is done.
    pub(super) async fn finish(self, limit: Duration) -> Tally {
        let joined = tokio::time::timeout(limit, futures::future::join_all(self.tasks))
            .await
            .expect("every submission acknowledged in time");
        for result in joined {
            result.expect("respondent task");
        }
        let tally = std::mem::take(&mut *self.tally.lock().unwrap());
        eprintln!("load: {tally}");
        tally
    }
}

/// Sends `submission` to `base` until it is acknowledged (true): after no answer (or an unreadable one) or
/// a 5xx, again after `pause`, with the same submission id. Any other refusal is recorded and ends the
/// attempt (false; sending it again would not help, and the test fails on it).
async fn deliver(
    http: &reqwest::Client,
    base: &str,
    submission: &Submission,
    tally: &Mutex<Tally>,
    pause: Duration,
) -> bool {
    let url = format!("{base}/api/v1/forms/{}/responses", submission.slug);
    loop {
        match http.post(&url).json(&submission.body).send().await {
            Ok(r) if r.status().is_success() => {
                let replay = r.status() == 200;
                if let Ok(receipt) = r.json::<Value>().await {
                    let code = receipt["receipt_code"].as_str().unwrap().to_string();
                    let mut tally = tally.lock().unwrap();
                    tally.replayed += usize::from(replay);
                    let earlier = tally.acked.insert(submission.id(), code);
                    assert!(
                        earlier.is_none(),
                        "each submission is sent until its first 2xx"
                    );
                    return true;
                }
                tally.lock().unwrap().transport_errors += 1;
            }
            Ok(r) => {
                let status = r.status().as_u16();
                let retry_after = r
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let body = r.text().await.unwrap_or_default();
                tally
                    .lock()
                    .unwrap()
                    .refused
                    .push((status, retry_after, body));
                if status < 500 {
                    return false;
                }
            }
            Err(_) => tally.lock().unwrap().transport_errors += 1,
        }
        tokio::time::sleep(pause).await;
    }
}

// ---------------------------------------------------------------------------------------------------
// Checks on the database after a fault.

/// Every submission is stored exactly once, with the receipt it was acknowledged with; the counter folder
/// drains its queue and its counters (and comments) equal a rebuild from the responses.
pub(super) async fn check_stored_once_and_counted(
    db: &DatabaseConnection,
    forms: &[PublicForm],
    work: &[Submission],
    acked: &HashMap<Uuid, String>,
) {
    let ids: HashSet<Uuid> = work.iter().map(Submission::id).collect();
    assert_eq!(acked.len(), ids.len(), "every submission was acknowledged");
    let rows = response::Entity::find().all(db).await.unwrap();
    assert_eq!(rows.len(), ids.len(), "one stored response per submission");
    let stored: HashMap<Uuid, String> = rows
        .into_iter()
        .map(|r| (r.submission_id, r.receipt_code))
        .collect();
    assert_eq!(stored.len(), ids.len(), "no submission id twice");
    for (id, code) in acked {
        assert_eq!(
            stored.get(id),
            Some(code),
            "acknowledged submission {id} stored with its receipt"
        );
    }
    eventually(
        Duration::from_secs(60),
        "the fold queue drained",
        || async { (fold_queue::Entity::find().count(db).await.unwrap() == 0).then_some(()) },
    )
    .await;
    let versions = VersionCache::default();
    let mut comments_seen = 0;
    for form in forms {
        let expected = work.iter().filter(|s| s.slug == form.slug).count() as i64;
        let folded = counter_totals(db, form.wave_id).await.unwrap();
        let folded_comments = comments(db, form.wave_id).await;
        comments_seen += folded_comments.len();
        let responses: i64 = folded
            .iter()
            .filter(|((_, key, _), _)| key == "_responses")
            .map(|(_, (count, _))| count)
            .sum();
        assert_eq!(
            responses, expected,
            "{}: each response counted once",
            form.slug
        );
        let rebuilt = rebuild_counters(db, &versions, Some(form.wave_id))
            .await
            .unwrap();
        assert_eq!(rebuilt as i64, expected);
        assert_eq!(
            counter_totals(db, form.wave_id).await.unwrap(),
            folded,
            "{}: folded counters equal a rebuild",
            form.slug
        );
        assert_eq!(
            comments(db, form.wave_id).await,
            folded_comments,
            "{}: comments copied once",
            form.slug
        );
    }
    assert!(comments_seen > 0, "the load included free-text answers");
}

/// A wave's comments as a multiset.
async fn comments(
    db: &DatabaseConnection,
    wave_id: Uuid,
) -> BTreeMap<(Uuid, String, String), usize> {
    let mut out = BTreeMap::new();
    for c in comment::Entity::find()
        .filter(comment::Column::WaveId.eq(wave_id))
        .all(db)
        .await
        .unwrap()
    {
        *out.entry((c.unit_id, c.question_id, c.body)).or_default() += 1;
    }
    out
}
