//! Headless Chromium at a phone viewport, driven through chromedriver (fantoccini), and what the browser
//! tests do with it: find, tap and type as a person would, fill a form's sections, sign in through the
//! console's login page, check that a page does not scroll sideways.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, Locator};
use serap_shared::api::PublicForm;
use serap_shared::survey::{Answer, Answers, QuestionKind, visible_question_ids};
use serde_json::Value;
use tokio::process::{Child, Command};

use super::api::eventually;
use super::app::{TestApp, free_port, in_ci, workspace_root};

/// The console's admin account in the browser tests (`console_admin`).
pub const CONSOLE_ADMIN_EMAIL: &str = "admin.konsol@serangkota.go.id";
pub const CONSOLE_ADMIN_PASSWORD: &str = "kata-sandi-konsol-1";
pub const CONSOLE_ADMIN_NAME: &str = "Admin Konsol";

/// Headless Chromium at a phone viewport (412 x 915), driven through chromedriver.
pub struct Browser {
    pub client: fantoccini::Client,
    /// chromedriver's address, for the Chrome DevTools commands WebDriver has no verb for.
    driver_url: String,
    _driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Option<Browser> {
        let chromedriver =
            std::env::var("SERAP_TEST_CHROMEDRIVER").unwrap_or("chromedriver".into());
        let chromium = std::env::var("SERAP_TEST_CHROMIUM").unwrap_or("/usr/bin/chromium".into());
        if !Path::new(&chromium).exists() && !in_ci() {
            eprintln!("skipping: {chromium} is not installed");
            return None;
        }
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {chromedriver}: {e}"));
        let profile = tempfile::tempdir().expect("profile dir");
        let capabilities: serde_json::Map<String, Value> = serde_json::from_value(serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=412,915",
                    format!("--user-data-dir={}", profile.path().display())
                ],
                "mobileEmulation": {
                    "deviceMetrics": { "width": 412, "height": 915, "pixelRatio": 2.625, "touch": true },
                    "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36"
                }
            }
        }))
        .expect("capabilities");
        let url = format!("http://127.0.0.1:{port}");
        let client = eventually(Duration::from_secs(30), "chromedriver session", || {
            let capabilities = capabilities.clone();
            let url = url.clone();
            async move {
                let connector = hyper_util::client::legacy::connect::HttpConnector::new();
                fantoccini::ClientBuilder::new(connector)
                    .capabilities(capabilities)
                    .connect(&url)
                    .await
                    .ok()
            }
        })
        .await;
        Some(Browser {
            client,
            driver_url: url,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Slows the page's CPU down `rate` times (DevTools `Emulation.setCPUThrottlingRate`), as a cheap
    /// phone would run it.
    pub async fn throttle_cpu(&self, rate: f64) {
        let session = self
            .client
            .session_id()
            .await
            .expect("session id")
            .expect("a session");
        let r = reqwest::Client::new()
            .post(format!(
                "{}/session/{session}/goog/cdp/execute",
                self.driver_url
            ))
            .json(&serde_json::json!({
                "cmd": "Emulation.setCPUThrottlingRate",
                "params": {"rate": rate}
            }))
            .send()
            .await
            .expect("chromedriver answers");
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }

    /// Waits until the element matching `css` exists and its text satisfies `check`; returns the text.
    pub async fn wait_text(&self, css: &str, check: impl Fn(&str) -> bool) -> String {
        eventually(Duration::from_secs(20), css, || async {
            let element = self.client.find(fantoccini::Locator::Css(css)).await.ok()?;
            let text = element.text().await.ok()?;
            check(&text).then_some(text)
        })
        .await
    }

    /// Signs an account in through the console's login page, and waits for the console's home.
    pub async fn sign_in(&self, app: &TestApp, email: &str, password: &str) {
        let b = &self.client;
        b.goto(&app.url("/console/login")).await.unwrap();
        element(b, "#login-email")
            .await
            .send_keys(email)
            .await
            .unwrap();
        element(b, "#login-password")
            .await
            .send_keys(password)
            .await
            .unwrap();
        element(b, "#login-submit").await.click().await.unwrap();
        self.wait_text("#console-title", |t| t == "Konsol Serap")
            .await;
    }

    /// Signs the console's admin (`console_admin`) in through the login page.
    pub async fn sign_in_console_admin(&self, app: &TestApp) {
        self.sign_in(app, CONSOLE_ADMIN_EMAIL, CONSOLE_ADMIN_PASSWORD)
            .await;
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Fails under CI when the web client was not built (the test command builds it first).
pub fn client_built() -> bool {
    let built = workspace_root().join("web-client/dist/index.html").exists();
    if !built {
        if in_ci() {
            panic!(
                "web-client/dist is missing: build the client (scripts/lib.sh build_client: both bundles) before the tests"
            );
        }
        eprintln!("skipping: web-client/dist is not built");
    }
    built
}

/// Both bundles are built (the test command builds them first; under CI a missing one fails).
pub fn console_built() -> bool {
    if !client_built() {
        return false;
    }
    let built = workspace_root()
        .join("web-client/dist/console/index.html")
        .exists();
    if !built {
        if in_ci() {
            panic!(
                "web-client/dist/console is missing: build the client as scripts/lib.sh does (build_client)"
            );
        }
        eprintln!("skipping: web-client/dist/console is not built");
    }
    built
}

/// Creates the console's admin (`CONSOLE_ADMIN_EMAIL`, named `CONSOLE_ADMIN_NAME`).
pub async fn console_admin(app: &TestApp) {
    app.create_account(
        CONSOLE_ADMIN_EMAIL,
        CONSOLE_ADMIN_NAME,
        CONSOLE_ADMIN_PASSWORD,
        &[("admin", None)],
    )
    .await;
}

/// The element matching `css`, once it exists (bounded).
pub async fn element(b: &Client, css: &str) -> fantoccini::elements::Element {
    eventually(Duration::from_secs(20), css, || async {
        b.find(Locator::Css(css)).await.ok()
    })
    .await
}

/// Whether an element with this id exists now.
pub async fn exists(b: &Client, id: &str) -> bool {
    b.find(Locator::Id(id)).await.is_ok()
}

/// Clicks an element as a finger would; falls back to a DOM click for visually hidden inputs.
pub async fn tap(b: &Client, id: &str) {
    let element = eventually(Duration::from_secs(10), id, || async {
        b.find(Locator::Id(id)).await.ok()
    })
    .await;
    if element.click().await.is_err() {
        b.execute(
            "document.getElementById(arguments[0]).click()",
            vec![serde_json::json!(id)],
        )
        .await
        .unwrap();
    }
}

/// Types `text` into the input matching `css` with the keyboard, replacing what it held.
pub async fn type_into(b: &Client, css: &str, text: &str) {
    let input = element(b, css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Sets the value of the input with this id and fires the events a user's typing would (for the form's
/// number, date and text inputs, whose keyboard entry depends on the browser's locale).
pub async fn set_value(b: &Client, id: &str, value: &str) {
    tap(b, id).await;
    b.execute(
        "const e = document.getElementById(arguments[0]);
         const proto = e.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
         Object.getOwnPropertyDescriptor(proto, 'value').set.call(e, arguments[1]);
         e.dispatchEvent(new Event('input', { bubbles: true }));
         e.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![serde_json::json!(id), serde_json::json!(value)],
    )
    .await
    .unwrap();
}

/// A number as the form writes it in element ids and inputs: without a fraction when it has none.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Answers one question through its inputs.
pub async fn answer(b: &Client, qid: &str, kind: &QuestionKind, value: &Answer) {
    match (kind, value) {
        (QuestionKind::SingleChoice { .. } | QuestionKind::JobLevel, Answer::Text(option)) => {
            tap(b, &format!("q-{qid}-{option}")).await
        }
        (QuestionKind::MultipleChoice { .. }, Answer::List(options)) => {
            for option in options {
                tap(b, &format!("q-{qid}-{option}")).await;
            }
        }
        (
            QuestionKind::Likert { .. }
            | QuestionKind::Rating { .. }
            | QuestionKind::Nps
            | QuestionKind::Competency { .. },
            Answer::Number(n),
        ) => tap(b, &format!("q-{qid}-{}", number_text(*n))).await,
        (QuestionKind::LikertMatrix { .. }, Answer::Matrix(rows)) => {
            for (row, point) in rows {
                tap(b, &format!("q-{qid}-{row}-{point}")).await;
            }
        }
        (QuestionKind::Number { .. }, Answer::Number(n)) => {
            set_value(b, &format!("q-{qid}-input"), &number_text(*n)).await
        }
        (
            QuestionKind::Date { .. }
            | QuestionKind::ShortText { .. }
            | QuestionKind::LongText { .. },
            Answer::Text(text),
        ) => set_value(b, &format!("q-{qid}-input"), text).await,
        (QuestionKind::Ranking { .. }, Answer::List(_)) => {
            tap(b, &format!("q-{qid}-confirm")).await
        }
        (QuestionKind::WorkloadTasks { .. }, Answer::Tasks(rows)) => {
            for (i, row) in rows.iter().enumerate() {
                if !exists(b, &format!("q-{qid}-{i}-task")).await {
                    tap(b, &format!("q-{qid}-add")).await;
                }
                set_value(b, &format!("q-{qid}-{i}-task"), &row.task).await;
                set_value(b, &format!("q-{qid}-{i}-volume"), &number_text(row.volume)).await;
                set_value(
                    b,
                    &format!("q-{qid}-{i}-minutes"),
                    &number_text(row.minutes),
                )
                .await;
            }
        }
        (kind, value) => panic!("no way to enter {value:?} for {kind:?}"),
    }
}

/// Fills every section with `answers` and moves on; stops before pressing submit on the last one.
pub async fn fill_sections(b: &Client, form: &PublicForm, answers: &Answers) {
    let visible = visible_question_ids(&form.definition, answers);
    let sections: Vec<_> = form
        .definition
        .sections
        .iter()
        .filter(|s| s.questions.iter().any(|q| visible.contains(&q.id)))
        .collect();
    for (i, section) in sections.iter().enumerate() {
        let mut so_far = Answers::new();
        for question in &section.questions {
            if !visible.contains(&question.id) {
                continue;
            }
            let fieldset = format!("q-{}", question.id);
            eventually(Duration::from_secs(10), &fieldset, || async {
                b.find(Locator::Id(&fieldset)).await.ok()
            })
            .await;
            if let Some(value) = answers.get(&question.id) {
                answer(b, &question.id, &question.kind, value).await;
                so_far.insert(question.id.clone(), value.clone());
            }
        }
        if i + 1 < sections.len() {
            tap(b, "next").await;
        }
    }
}

/// Asserts the page does not scroll sideways at the phone's width.
pub async fn no_horizontal_scroll(b: &Client, what: &str) {
    let overflow = b
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow, false, "{what}: no horizontal scrolling at 412 px");
}
