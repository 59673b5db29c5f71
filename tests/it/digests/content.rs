//! What a digest holds: every active wave with its index and grade, only what the reporting threshold
//! releases, no script and nothing remote; the one-click unsubscribe through the signed link.

use std::time::Duration;

use chrono::Utc;
use mail_parser::Message;
use serap_server::digests::period::weekly_period;
use serap_server::digests::run_due;
use serde_json::{Value, json};

use super::{next_monday, parse, recipient, subscribe};
use crate::helpers::{Db, SmtpSink, TestConfig, eventually, form, skm_answers, submit, unit_id};
use crate::on_both_databases;

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
