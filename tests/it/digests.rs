//! Leader email digests: received as MIME at a real SMTP server, with only what the reporting threshold
//! lets through; claimed once per period whatever the number of instances; delivered once SMTP is back;
//! resent with the same Message-Id after an instance died mid-send; unsubscribed through the signed link;
//! previewed as JSON and as a page.
//!
//! Guarantee under test: each digest is queued exactly once (the unique (subscription, period) row is
//! inserted in the transaction that queues its email); delivery to SMTP is at least once, and a resend
//! after a crash carries the Message-Id fixed at enqueue time.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use mail_parser::{Message, MessageParser};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serap_server::digests::{daily_boundary, run_due, weekly_boundary, weekly_period};
use serap_server::entities::{digest_period, outbox_message};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{ADMIN_TOKEN, Db, SmtpSink, TestApp, TestConfig, assert_error, eventually};
use crate::on_both_databases;
use crate::reports::{form, skm_answers, submit, unit_id};

async fn subscribe(app: &TestApp, body: Value) -> Value {
    let r = app.post_json("/api/v1/digests", &body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// The next daily (07:00 WIB) send time after now.
fn next_morning() -> DateTime<Utc> {
    daily_boundary(Utc::now()) + chrono::Duration::days(1)
}

/// The next Monday 07:00 WIB after now.
fn next_monday() -> DateTime<Utc> {
    weekly_boundary(Utc::now()) + chrono::Duration::days(7)
}

fn parse(raw: &[u8]) -> Message<'_> {
    MessageParser::default().parse(raw).expect("valid MIME")
}

fn recipient(message: &Message<'_>) -> String {
    message
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_string()
}

fn header(message: &Message<'_>, name: &str) -> String {
    message
        .header_raw(name)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The subject, text, HTML and unsubscribe link of the one message to `to`.
fn digest_to(messages: &[Vec<u8>], to: &str) -> (String, String, String, String) {
    let found: Vec<Message<'_>> = messages
        .iter()
        .map(|m| parse(m))
        .filter(|m| recipient(m) == to)
        .collect();
    assert_eq!(found.len(), 1, "one digest to {to}");
    let m = &found[0];
    let link = header(m, "List-Unsubscribe");
    assert!(link.starts_with('<') && link.ends_with('>'), "{link}");
    assert_eq!(
        header(m, "List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    assert_eq!(m.text_body.len(), 1);
    assert_eq!(m.html_body.len(), 1);
    (
        m.subject().unwrap_or_default().to_string(),
        m.body_text(0).unwrap().to_string(),
        m.body_html(0).unwrap().to_string(),
        link.trim_matches(['<', '>']).to_string(),
    )
}

async fn digest_rows(app: &TestApp) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Kind.eq("digest"))
        .all(&app.state.db)
        .await
        .unwrap()
}

on_both_databases!(digests_arrive_with_only_what_the_threshold_allows);

async fn digests_arrive_with_only_what_the_threshold_allows(db: Db) {
    let sink = SmtpSink::start().await;
    let app = TestConfig::new(db).demo().smtp(sink.url()).spawn().await;
    let skm = form(&app, "skm-2026").await;
    // k = 5. DINKES 5 x 3, BKPSDM 5 x 4 (each released at k), SETDA 1 x 1 (below k: held back, its
    // figures are never shown).
    for (code, n, value) in [("DINKES", 5, 3), ("BKPSDM", 5, 4), ("SETDA", 1, 1)] {
        for _ in 0..n {
            submit(
                &app,
                "skm-2026",
                unit_id(&skm, code),
                &skm_answers(&skm.definition, value),
            )
            .await;
        }
    }
    // SETDA's one response is below k even when absorbed by the city root: left out of every total.
    eventually(Duration::from_secs(20), "responses counted", || async {
        let r: Value = app
            .admin_get("/api/v1/waves/skm-2026/report")
            .await
            .json()
            .await
            .ok()?;
        (r["overall"]["respondents"] == 10).then_some(())
    })
    .await;
    let city = subscribe(
        &app,
        json!({"email": "walikota@serangkota.go.id", "name": "Wali Kota Serang", "cadences": ["weekly"]}),
    )
    .await;
    subscribe(
        &app,
        json!({"email": "sekda@serangkota.go.id", "name": "Sekretaris Daerah", "unit_codes": ["SETDA"],
               "cadences": ["weekly"], "lang": "en"}),
    )
    .await;

    // Nothing is due before the next Monday 07:00 WIB; at it, one digest per subscription, once.
    assert_eq!(run_due(&app.state, Utc::now()).await.unwrap(), 0);
    let monday = next_monday();
    assert_eq!(run_due(&app.state, monday).await.unwrap(), 2);
    assert_eq!(
        run_due(&app.state, monday + chrono::Duration::hours(3))
            .await
            .unwrap(),
        0
    );
    let messages = sink.wait_for(2).await;

    let (subject, text, html, link) = digest_to(&messages, "walikota@serangkota.go.id");
    assert_eq!(
        subject, "Ringkasan mingguan Serap: 5 survei aktif, 10 tanggapan",
        "{text}"
    );
    for part in [&text, &html] {
        assert!(
            part.contains("Analisis Beban Kerja Unit 2026"),
            "every active wave: {part}"
        );
        assert!(part.contains("(B, Baik)"), "IKM and grade: {part}");
        assert!(part.contains("/console/waves/skm-2026/report"), "{part}");
        assert!(part.contains(&link), "manage link in the body: {part}");
    }
    assert!(text.contains("Responden: 10"), "{text}");
    assert!(
        html.contains("<table") && !html.to_lowercase().contains("<script"),
        "{html}"
    );
    assert!(
        !html.contains("src=") && !html.contains("<link"),
        "no remote resources: {html}"
    );

    // SETDA alone is below k: its response is held back, so nothing of it is released; never its count or
    // its index (25.00, grade D).
    let (subject, text, html, _) = digest_to(&messages, "sekda@serangkota.go.id");
    assert_eq!(
        subject, "Serap weekly digest: 5 active surveys, 0 responses",
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.trim_end() == "- Respondents: 0"),
        "{text}"
    );
    for part in [&text, &html] {
        assert!(
            !part.contains("25.00") && !part.contains("Very poor"),
            "{part}"
        );
        assert!(
            !part.contains("Respondents: 1\n") && !part.contains("<strong>1</strong>"),
            "{part}"
        );
    }

    // One-click unsubscribe through the real server; a bad signature is a 404 page. (The test server's
    // base URL names port 0: the path is what matters.)
    let link = app.url(&link[link.find("/d/").unwrap()..]);
    let last = if link.ends_with('0') { '1' } else { '0' };
    let bad = format!("{}{last}", &link[..link.len() - 1]);
    let r = app
        .http
        .post(&bad)
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let r = app.http.get(&link).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Berhenti berlangganan") && page.contains("Unsubscribe"),
        "{page}"
    );
    let r = app
        .http
        .post(&link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let list: Vec<Value> = app.admin_get("/api/v1/digests").await.json().await.unwrap();
    let mine = list.iter().find(|s| s["id"] == city["id"]).unwrap();
    assert_eq!(mine["active"], false, "{mine}");
    assert_eq!(mine["last_period"], weekly_period(monday));
    // The next week: only the other subscription's digest.
    assert_eq!(
        run_due(&app.state, monday + chrono::Duration::days(7))
            .await
            .unwrap(),
        1
    );
    let messages = sink.wait_for(3).await;
    let to_city = messages
        .iter()
        .filter(|m| recipient(&parse(m)) == "walikota@serangkota.go.id")
        .count();
    assert_eq!(to_city, 1, "nothing after unsubscribing");
    let audit: Value = app.admin_get("/api/v1/audit").await.json().await.unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"digests.create") && actions.contains(&"digests.update"),
        "{actions:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_queue_each_digest_once() {
    let Some(db) = Db::postgres() else { return };
    let sink = SmtpSink::start().await;
    let first = TestConfig::new(db.clone())
        .demo()
        .smtp(sink.url())
        .spawn()
        .await;
    let prefix = first.state.settings.redis_prefix.clone();
    let second = TestConfig::new(db.clone())
        .same_database_as(&first)
        .redis_prefix(&prefix)
        .smtp(sink.url())
        .spawn()
        .await;
    let third = TestConfig::new(db)
        .same_database_as(&first)
        .redis_prefix(&prefix)
        .smtp(sink.url())
        .spawn()
        .await;
    let mut addresses = HashSet::new();
    for i in 0..6 {
        let email = format!("pimpinan{i}@serangkota.go.id");
        subscribe(
            &first,
            json!({"email": email, "name": format!("Pimpinan {i}"), "cadences": ["daily", "weekly"]}),
        )
        .await;
        addresses.insert(email);
    }
    // Every instance runs the scheduler with the same clock, at the same time, twice.
    let at = next_monday();
    for _ in 0..2 {
        let (a, b, c) = tokio::join!(
            run_due(&first.state, at),
            run_due(&second.state, at),
            run_due(&third.state, at)
        );
        let queued = a.unwrap() + b.unwrap() + c.unwrap();
        assert!(queued == 12 || queued == 0, "{queued}");
    }
    let periods = digest_period::Entity::find()
        .all(&first.state.db)
        .await
        .unwrap();
    assert_eq!(
        periods.len(),
        12,
        "a daily and a weekly period per subscription"
    );
    let messages = sink.wait_for(12).await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(
        sink.messages().len(),
        12,
        "exactly one message per subscription and period"
    );
    let mut per_recipient: std::collections::HashMap<String, usize> = Default::default();
    for m in &messages {
        *per_recipient.entry(recipient(&parse(m))).or_default() += 1;
    }
    assert_eq!(
        per_recipient.keys().cloned().collect::<HashSet<_>>(),
        addresses
    );
    assert!(per_recipient.values().all(|n| *n == 2), "{per_recipient:?}");
    assert_eq!(digest_rows(&first).await.len(), 12);
}

on_both_databases!(digests_queued_while_smtp_is_down_arrive_once_it_is_back);

async fn digests_queued_while_smtp_is_down_arrive_once_it_is_back(db: Db) {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    sink.stop().await;
    let app = TestConfig::new(db)
        .demo()
        .smtp(format!("smtp://127.0.0.1:{port}"))
        .spawn()
        .await;
    for name in ["kepala.bkpsdm", "kepala.dinkes"] {
        subscribe(
            &app,
            json!({"email": format!("{name}@serangkota.go.id"), "name": name, "cadences": ["daily"]}),
        )
        .await;
    }
    // The server was down at 07:00: five hours later it sends that morning's digest, once.
    let morning = next_morning();
    assert_eq!(
        run_due(&app.state, morning + chrono::Duration::hours(5))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        run_due(&app.state, morning + chrono::Duration::hours(6))
            .await
            .unwrap(),
        0
    );
    eventually(
        Duration::from_secs(15),
        "failed attempts recorded",
        || async {
            let rows = digest_rows(&app).await;
            rows.iter()
                .all(|r| r.attempts >= 1 && r.status == "pending" && r.last_error.is_some())
                .then_some(())
        },
    )
    .await;

    let sink = SmtpSink::start_on(port).await;
    let messages = sink.wait_for(2).await;
    eventually(Duration::from_secs(15), "rows marked sent", || async {
        digest_rows(&app)
            .await
            .iter()
            .all(|r| r.status == "sent")
            .then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 2, "none doubled");
    let recipients: HashSet<String> = messages.iter().map(|m| recipient(&parse(m))).collect();
    assert_eq!(recipients.len(), 2);
    // The next morning is a new period.
    assert_eq!(
        run_due(&app.state, morning + chrono::Duration::days(1))
            .await
            .unwrap(),
        2
    );
    sink.wait_for(4).await;
}

on_both_databases!(a_send_interrupted_by_a_crash_is_resent_with_the_same_message_id);

async fn a_send_interrupted_by_a_crash_is_resent_with_the_same_message_id(db: Db) {
    let sink = SmtpSink::start().await;
    let mut first = TestConfig::new(db.clone())
        .demo()
        .smtp(sink.url())
        .spawn()
        .await;
    subscribe(
        &first,
        json!({"email": "asisten@serangkota.go.id", "name": "Asisten", "cadences": ["daily"]}),
    )
    .await;
    assert_eq!(run_due(&first.state, next_morning()).await.unwrap(), 1);
    let period = digest_period::Entity::find()
        .one(&first.state.db)
        .await
        .unwrap()
        .unwrap();
    let messages = sink.wait_for(1).await;
    assert_eq!(
        parse(&messages[0]).message_id().map(|id| format!("<{id}>")),
        Some(period.message_id.clone())
    );
    eventually(Duration::from_secs(10), "row marked sent", || async {
        digest_rows(&first)
            .await
            .first()
            .filter(|r| r.status == "sent")
            .map(|_| ())
    })
    .await;
    // The instance dies after the SMTP server accepted the message and before it recorded that: the row
    // stays `sending` with a lease that runs out. Another instance takes over.
    first.stop().await;
    let second = TestConfig::new(db)
        .same_database_as(&first)
        .smtp(sink.url())
        .spawn()
        .await;
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value("sending"))
        .col_expr(
            outbox_message::Column::ClaimedUntil,
            Expr::value(Some(Utc::now() - chrono::Duration::seconds(1))),
        )
        .col_expr(
            outbox_message::Column::SentAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(outbox_message::Column::MessageId.eq(period.message_id.clone()))
        .exec(&second.state.db)
        .await
        .unwrap();
    let messages = sink.wait_for(2).await;
    let ids: Vec<Option<String>> = messages
        .iter()
        .map(|m| parse(m).message_id().map(|id| format!("<{id}>")))
        .collect();
    assert_eq!(
        ids,
        vec![Some(period.message_id.clone()); 2],
        "resent with the same Message-Id"
    );
    let row = eventually(
        Duration::from_secs(10),
        "resent row marked sent",
        || async {
            outbox_message::Entity::find()
                .filter(outbox_message::Column::MessageId.eq(period.message_id.clone()))
                .one(&second.state.db)
                .await
                .unwrap()
                .filter(|r| r.status == "sent")
        },
    )
    .await;
    assert_eq!(row.attempts, 2);
    // The period stays claimed: the digest itself is not queued again.
    assert_eq!(run_due(&second.state, next_morning()).await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 2);
}

on_both_databases!(admins_preview_list_and_retry);

async fn admins_preview_list_and_retry(db: Db) {
    let app = TestConfig::new(db).demo().spawn().await;
    // Bad input names the field at fault.
    for (body, field) in [
        (
            json!({"email": "bukan-email", "name": "X", "cadences": ["daily"]}),
            "email",
        ),
        (
            json!({"email": "a@serangkota.go.id", "name": "X", "cadences": []}),
            "cadences",
        ),
        (
            json!({"email": "a@serangkota.go.id", "name": " ", "cadences": ["daily"]}),
            "name",
        ),
        (
            json!({"email": "a@serangkota.go.id", "name": "X", "cadences": ["daily"], "lang": "fr"}),
            "lang",
        ),
        (
            json!({"email": "a@serangkota.go.id", "name": "X", "cadences": ["daily"], "unit_codes": ["BKPSDM", "NOPE"]}),
            "unit_codes[1]",
        ),
        (
            json!({"account_id": Uuid::new_v4(), "cadences": ["daily"]}),
            "account_id",
        ),
        (
            json!({"email": "a@serangkota.go.id", "name": "X", "cadences": ["hourly"]}),
            "cadences[0]",
        ),
    ] {
        let r = app.post_json("/api/v1/digests", &body).await;
        let error = assert_error(r, 422, "validation_failed").await;
        assert_eq!(error["fields"][0]["path"], field, "{body}: {error}");
    }
    let r = app
        .http
        .post(app.url("/api/v1/digests"))
        .json(&json!({"email": "a@serangkota.go.id", "name": "X", "cadences": ["daily"]}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;

    let sub = subscribe(
        &app,
        json!({"email": "kadis@serangkota.go.id", "name": "Kepala <Dinas> & Co", "unit_codes": ["DINKES"],
               "cadences": ["weekly", "wave_closed"]}),
    )
    .await;
    let id = sub["id"].as_str().unwrap();
    assert_eq!(sub["unit_codes"], json!(["DINKES"]));
    let preview: Value = app
        .admin_get(&format!("/api/v1/digests/{id}/preview"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        preview["subject"]
            .as_str()
            .unwrap()
            .starts_with("Ringkasan mingguan Serap: 5 survei aktif"),
        "{preview}"
    );
    assert!(
        preview["period"].as_str().unwrap().starts_with("weekly:"),
        "{preview}"
    );
    assert!(
        preview["html"]
            .as_str()
            .unwrap()
            .contains("Kepala &lt;Dinas&gt; &amp; Co"),
        "{preview}"
    );
    assert!(
        preview["text"]
            .as_str()
            .unwrap()
            .contains("Kepala <Dinas> & Co"),
        "{preview}"
    );
    let r = app.get(&format!("/api/v1/digests/{id}/preview")).await;
    assert_error(r, 401, "unauthorized").await;

    // The server-rendered preview page: admins only, strict CSP.
    let r = app.admin_get(&format!("/digests/{id}/preview")).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("style-src 'unsafe-inline'"),
        "{csp}"
    );
    assert!(!csp.contains("script-src"), "{csp}");
    let page = r.text().await.unwrap();
    assert!(
        page.contains("id=\"html-part\"") && page.contains("id=\"text-part\""),
        "{page}"
    );
    assert!(
        page.contains("Ringkasan mingguan Serap") && !page.contains("<script"),
        "{page}"
    );
    // An unreadable cookie is this page's error, not the web client's fallback page.
    let r = app
        .http
        .get(app.url(&format!("/digests/{id}/preview")))
        .header(
            "cookie",
            reqwest::header::HeaderValue::from_bytes(b"serap_session=\xff").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Invalid header: cookie"));
    let r = app.get(&format!("/digests/{id}/preview")).await;
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );

    // Changing the cadence, then the status list after a digest was queued.
    let r = app
        .put_json(
            &format!("/api/v1/digests/{id}"),
            &json!({"cadences": ["daily"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .put_json(&format!("/api/v1/digests/{id}"), &json!({"lang": "xx"}))
        .await;
    assert_eq!(
        assert_error(r, 422, "validation_failed").await["fields"][0]["path"],
        "lang"
    );
    assert_eq!(run_due(&app.state, next_morning()).await.unwrap(), 1);
    let list: Vec<Value> = app.admin_get("/api/v1/digests").await.json().await.unwrap();
    assert_eq!(list.len(), 1);
    assert!(
        list[0]["last_period"]
            .as_str()
            .unwrap()
            .starts_with("daily:"),
        "{list:?}"
    );
    assert!(list[0]["last_delivery"].is_string(), "{list:?}");
    assert_eq!(list[0]["failures"], 0);

    // A message the outbox gave up on: listed, retried once, then no longer failed. (Wait until the
    // dispatcher is done with it, so its own outcome does not overwrite the one set here.)
    let row = eventually(Duration::from_secs(20), "the digest dispatched", || async {
        digest_rows(&app)
            .await
            .pop()
            .filter(|r| r.status != "pending" && r.status != "sending")
    })
    .await;
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value("failed"))
        .col_expr(outbox_message::Column::Attempts, Expr::value(8))
        .filter(outbox_message::Column::Id.eq(row.id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let failed: Vec<Value> = app
        .admin_get("/api/v1/outbox/failed")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["message_id"], row.message_id);
    let list: Vec<Value> = app.admin_get("/api/v1/digests").await.json().await.unwrap();
    assert_eq!(list[0]["failures"], 1);
    assert_eq!(list[0]["last_delivery"], "failed");
    let r = app
        .post_json(&format!("/api/v1/outbox/{}/retry", row.id), &json!({}))
        .await;
    assert_eq!(r.status(), 202);
    let r = app
        .post_json(&format!("/api/v1/outbox/{}/retry", row.id), &json!({}))
        .await;
    assert_eq!(r.status(), 409);
    let r = app
        .post_json(
            &format!("/api/v1/outbox/{}/retry", Uuid::new_v4()),
            &json!({}),
        )
        .await;
    assert_error(r, 404, "not_found").await;

    let r = app
        .http
        .delete(app.url(&format!("/api/v1/digests/{id}")))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let audit: Value = app.admin_get("/api/v1/audit").await.json().await.unwrap();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "digests.create",
        "digests.update",
        "digests.delete",
        "outbox.retry",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}
