//! One-time blind-signed credentials of anonymous waves: opening a personal link issues a credential (once;
//! a retry gets the same signature), the response is submitted without the token and with the credential
//! (once; forged, altered or other-unit credentials refused); the invitation list says opened / not opened,
//! reminders skip those who opened; the open link of a wave with an audience is closed unless allowed.

use std::time::Duration;

use sea_orm::EntityTrait;
use serap_server::responses::credentials::client;
use serap_shared::api::{Credential, CredentialIssued};
use serap_shared::survey::{SurveyDefinition, example_answers};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    ADMIN_TOKEN, Db, SmtpSink, TestApp, TestConfig, assert_error, eventually, import_roster,
    invitation_states, obtain, personal_form, request_credential, submit_open, tokens_by_recipient,
};
use crate::on_both_databases;

async fn patch_wave(app: &TestApp, slug: &str, body: Value) -> reqwest::Response {
    app.http
        .patch(app.url(&format!("/api/v1/waves/{slug}")))
        .bearer_auth(ADMIN_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap()
}

on_both_databases!(anonymous_waves_are_answered_with_credentials);

async fn anonymous_waves_are_answered_with_credentials(db: Db) {
    let sink = SmtpSink::start().await;
    let app = TestConfig::new(db).demo().smtp(sink.url()).spawn().await;
    import_roster(&app).await;
    let slug = "kebutuhan-pelatihan-2026"; // anonymous
    let r = app
        .post_json(
            &format!("/api/v1/waves/{slug}/invitations"),
            &json!({"unit_codes": ["DINKES"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let tokens = tokens_by_recipient(&sink.wait_for(3).await);
    let andi = tokens["andi@serangkota.go.id"][0].clone();
    let cahya = tokens["cahya@serangkota.go.id"][0].clone();

    // The personal form of an anonymous wave greets nobody and carries the unit's key.
    let form = personal_form(&app, &andi).await;
    assert_eq!(form.greeting_name, "");
    let key = form.credential_key.clone().unwrap();
    assert_eq!(key.modulus.len(), 512);
    assert_eq!(form.form.units.len(), 1);
    let definition: SurveyDefinition = form.form.definition.clone();
    let answers = serde_json::to_value(example_answers(&definition, 1)).unwrap();

    // The token no longer answers an anonymous wave.
    let r = app
        .http
        .post(app.url(&format!("/api/v1/invitations/{andi}/responses")))
        .json(
            &json!({"submission_id": Uuid::new_v4(), "unit_id": form.unit_id, "answers": answers}),
        )
        .send()
        .await
        .unwrap();
    assert_error(r, 409, "credential_required").await;

    // Not a blinded message: refused, nothing recorded.
    let error = assert_error(
        request_credential(&app, &andi, "abcd").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error["fields"][0]["path"], "blinded_message");
    assert_eq!(
        invitation_states(&app, slug).await["andi@serangkota.go.id"],
        "not_opened"
    );

    // Issuance; a retry of the same blinded message gets the same signature; another one is refused.
    let blinded = client::blind(&key).unwrap();
    let first: CredentialIssued = request_credential(&app, &andi, &blinded.blinded_message)
        .await
        .json()
        .await
        .unwrap();
    let again = request_credential(&app, &andi, &blinded.blinded_message).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<CredentialIssued>().await.unwrap(), first);
    let other = client::blind(&key).unwrap();
    assert_error(
        request_credential(&app, &andi, &other.blinded_message).await,
        409,
        "credential_already_issued",
    )
    .await;
    let credential = client::finalize(&blinded, &first).unwrap();

    // Forged and altered credentials are refused.
    let forged = Credential {
        message: credential.message.clone(),
        signature: "ab".repeat(256),
    };
    assert_error(
        submit_open(
            &app,
            slug,
            Uuid::new_v4(),
            form.unit_id,
            &answers,
            Some(&forged),
        )
        .await,
        422,
        "credential_invalid",
    )
    .await;
    let mut altered = credential.clone();
    altered.message.replace_range(
        0..2,
        if &altered.message[..2] == "00" {
            "01"
        } else {
            "00"
        },
    );
    assert_error(
        submit_open(
            &app,
            slug,
            Uuid::new_v4(),
            form.unit_id,
            &answers,
            Some(&altered),
        )
        .await,
        422,
        "credential_invalid",
    )
    .await;

    // Answered with the credential, without the token; a replay is answered from the stored response; any
    // other use of the credential is refused.
    let submission = Uuid::new_v4();
    let r = submit_open(
        &app,
        slug,
        submission,
        form.unit_id,
        &answers,
        Some(&credential),
    )
    .await;
    assert_eq!(r.status(), 201);
    let receipt: Value = r.json().await.unwrap();
    let r = submit_open(
        &app,
        slug,
        submission,
        form.unit_id,
        &answers,
        Some(&credential),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), receipt);
    assert_error(
        submit_open(
            &app,
            slug,
            Uuid::new_v4(),
            form.unit_id,
            &answers,
            Some(&credential),
        )
        .await,
        409,
        "credential_spent",
    )
    .await;

    // A credential of another unit (Cahya's puskesmas) does not answer for DINKES; for its own unit, once,
    // also under eight concurrent submissions.
    let (cahya_unit, cahya_answers, cahya_credential) = obtain(&app, &cahya).await;
    assert_ne!(cahya_unit, form.unit_id);
    assert_error(
        submit_open(
            &app,
            slug,
            Uuid::new_v4(),
            form.unit_id,
            &cahya_answers,
            Some(&cahya_credential),
        )
        .await,
        422,
        "credential_invalid",
    )
    .await;
    let attempts = (0..8).map(|_| {
        submit_open(
            &app,
            slug,
            Uuid::new_v4(),
            cahya_unit,
            &cahya_answers,
            Some(&cahya_credential),
        )
    });
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );

    // The list says who opened, never who answered.
    let listed = invitation_states(&app, slug).await;
    assert_eq!(listed["andi@serangkota.go.id"], "opened");
    assert_eq!(listed["cahya@serangkota.go.id"], "opened");
    assert_eq!(listed["bunga@serangkota.go.id"], "not_opened");
    assert!(listed.values().all(|s| s != "answered"));
    // The links stay usable for the form (the client keeps its credential with the draft).
    assert_eq!(
        app.get(&format!("/api/v1/invitations/{andi}"))
            .await
            .status(),
        200
    );

    // Reminders go only to who has not opened.
    let r = app
        .put_json(
            &format!("/api/v1/waves/{slug}/reminders"),
            &json!({"interval_hours": 24, "max_reminders": 1}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let later = chrono::Utc::now() + chrono::Duration::hours(25);
    assert_eq!(
        serap_server::invitations::send_reminders(&app.state, later, None)
            .await
            .unwrap(),
        1
    );
    let messages = sink.wait_for(4).await;
    let reminded: Vec<String> = messages
        .iter()
        .filter_map(|raw| {
            let m = mail_parser::MessageParser::default().parse(raw).unwrap();
            m.subject().unwrap().starts_with("Pengingat").then(|| {
                m.to()
                    .unwrap()
                    .first()
                    .unwrap()
                    .address()
                    .unwrap()
                    .to_string()
            })
        })
        .collect();
    assert_eq!(reminded, ["bunga@serangkota.go.id"]);

    // Once sent, the outbox keeps no token: the invitation and reminder bodies are blanked.
    eventually(
        Duration::from_secs(20),
        "the outbox without tokens",
        || async {
            let rows = serap_server::entities::outbox_message::Entity::find()
                .all(&app.state.db)
                .await
                .unwrap();
            let sent = rows.iter().all(|m| m.status == "sent");
            let tokenless = rows.iter().all(|m| {
                tokens
                    .values()
                    .flatten()
                    .all(|t| !m.body_text.contains(t.as_str()) && !m.body_html.contains(t.as_str()))
            });
            (sent && tokenless).then_some(())
        },
    )
    .await;

    // The open link of a wave with invitations is closed, for the form and for submissions, until an
    // admin allows it (audited).
    assert_error(
        app.get(&format!("/api/v1/forms/{slug}")).await,
        403,
        "open_link_closed",
    )
    .await;
    assert_error(
        submit_open(&app, slug, Uuid::new_v4(), form.unit_id, &answers, None).await,
        403,
        "open_link_closed",
    )
    .await;
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/waves/{slug}")))
        .json(&json!({"open_link_with_audience": true}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    let r = patch_wave(&app, slug, json!({"open_link_with_audience": true})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap()["open_link_with_audience"],
        true
    );
    let audit: Value = app.admin_get("/api/v1/audit").await.json().await.unwrap();
    assert!(audit.to_string().contains("wave.update"), "{audit}");
    tokio::time::sleep(Duration::from_millis(2100)).await; // waves are cached for two seconds
    assert_eq!(
        app.get(&format!("/api/v1/forms/{slug}")).await.status(),
        200
    );
    assert_eq!(
        submit_open(&app, slug, Uuid::new_v4(), form.unit_id, &answers, None)
            .await
            .status(),
        201
    );
    let r = patch_wave(&app, slug, json!({"open_link_with_audience": false})).await;
    assert_eq!(r.status(), 200);

    // Waves without invitations keep their open link; credentials are for anonymous waves only.
    let identified = "abk-2026";
    assert_eq!(
        app.get(&format!("/api/v1/forms/{identified}"))
            .await
            .status(),
        200
    );
    let r = submit_open(
        &app,
        identified,
        Uuid::new_v4(),
        form.unit_id,
        &answers,
        Some(&credential),
    )
    .await;
    let error = assert_error(r, 422, "validation_failed").await;
    assert_eq!(error["fields"][0]["path"], "credential");
    let r = app
        .post_json(
            &format!("/api/v1/waves/{identified}/invitations"),
            &json!({"unit_codes": ["BKPSDM"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let dewi = tokens_by_recipient(&sink.wait_for(5).await)["dewi@serangkota.go.id"][0].clone();
    let form = personal_form(&app, &dewi).await;
    assert_eq!(form.greeting_name, "Dewi Anggraini");
    assert!(form.credential_key.is_none());
    assert_error(
        request_credential(&app, &dewi, &blinded.blinded_message).await,
        409,
        "credential_not_needed",
    )
    .await;
}
