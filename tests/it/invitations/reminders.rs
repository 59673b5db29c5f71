//! Reminders: due by the scheduler's clock, claimed once across concurrent runs, at most the policy's
//! number, only to those who have not answered, with a link that works as the first one did.

use mail_parser::MessageParser;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{answers_for, form, invite, submit};
use crate::helpers::{
    ADMIN_TOKEN, Db, SmtpSink, TestConfig, assert_error, import_roster, tokens_by_recipient,
};
use crate::on_both_databases;

on_both_databases!(reminders_go_only_to_those_who_have_not_answered);

async fn reminders_go_only_to_those_who_have_not_answered(db: Db) {
    let sink = SmtpSink::start().await;
    let app = TestConfig::new(db).demo().smtp(sink.url()).spawn().await;
    import_roster(&app).await;
    let slug = "kompetensi-2026"; // confidential: answered with the token (anonymous waves: `credentials`)
    let r = invite(&app, slug, json!({"unit_codes": ["DINKES"]})).await;
    assert_eq!(r.status(), 200);
    let tokens = tokens_by_recipient(&sink.wait_for(3).await);
    let andi = &tokens["andi@serangkota.go.id"][0];
    let (unit, answers) = answers_for(&app, andi).await;
    assert_eq!(
        submit(&app, andi, Uuid::new_v4(), unit, &answers)
            .await
            .status(),
        201
    );

    let bad = app
        .put_json(
            &format!("/api/v1/waves/{slug}/reminders"),
            &json!({"interval_hours": 0, "max_reminders": 11}),
        )
        .await;
    let error = assert_error(bad, 422, "validation_failed").await;
    assert_eq!(error["fields"].as_array().unwrap().len(), 2);
    let policy = json!({"interval_hours": 24, "max_reminders": 1});
    let r = app
        .put_json(&format!("/api/v1/waves/{slug}/reminders"), &policy)
        .await;
    assert_eq!(r.status(), 200);

    // Nothing is due yet; a day later (the scheduler's clock is injected) two reminders are due, once.
    let state = &app.state;
    let now = chrono::Utc::now();
    assert_eq!(
        serap_server::invitations::send_reminders(state, now, None)
            .await
            .unwrap(),
        0
    );
    let later = now + chrono::Duration::hours(25);
    let (a, b) = tokio::join!(
        serap_server::invitations::send_reminders(state, later, None),
        serap_server::invitations::send_reminders(state, later, None),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 2, "each reminder is claimed once");
    let even_later = now + chrono::Duration::hours(60);
    assert_eq!(
        serap_server::invitations::send_reminders(state, even_later, None)
            .await
            .unwrap(),
        0,
        "at most one reminder each"
    );
    let messages = sink.wait_for(5).await;
    assert_eq!(messages.len(), 5);
    let (reminder_raw, _): (Vec<Vec<u8>>, Vec<Vec<u8>>) = messages.into_iter().partition(|raw| {
        let message = MessageParser::default().parse(raw).unwrap();
        message.subject().unwrap().starts_with("Pengingat")
    });
    let reminders: Vec<_> = reminder_raw
        .iter()
        .map(|raw| MessageParser::default().parse(raw).unwrap())
        .collect();
    let mut to: Vec<String> = reminders
        .iter()
        .map(|m| {
            m.to()
                .unwrap()
                .first()
                .unwrap()
                .address()
                .unwrap()
                .to_string()
        })
        .collect();
    to.sort();
    assert_eq!(to, ["bunga@serangkota.go.id", "cahya@serangkota.go.id"]);
    assert!(
        reminders[0]
            .subject()
            .unwrap()
            .contains("Penilaian Mandiri Kompetensi ASN 2026")
    );

    // The reminder's link works, and so does the first one, until one of them is used.
    let reminder_tokens = tokens_by_recipient(&reminder_raw);
    let bunga_first = &tokens["bunga@serangkota.go.id"][0];
    let bunga_reminder = &reminder_tokens["bunga@serangkota.go.id"][0];
    assert_eq!(form(&app, bunga_first).await.status(), 200);
    let (unit, answers) = answers_for(&app, bunga_reminder).await;
    assert_eq!(
        submit(&app, bunga_reminder, Uuid::new_v4(), unit, &answers)
            .await
            .status(),
        201
    );
    assert_error(form(&app, bunga_first).await, 410, "invitation_used").await;

    // Sending now respects the maximum too.
    let r = app
        .http
        .post(app.url(&format!("/api/v1/waves/{slug}/reminders/send")))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["queued"], 0);
}
