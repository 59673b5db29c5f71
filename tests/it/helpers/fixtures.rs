//! What tests build on through the API: a wave's public form, answers, submissions counted and released,
//! the SKM report; the four-person roster, the personal link tokens of emailed invitations, and one-time
//! credentials obtained as the respondent's client obtains them.

use std::collections::HashMap;
use std::time::Duration;

use mail_parser::MessageParser;
use serap_server::reports::counters::responses_counted;
use serap_server::reports::release::release_wave;
use serap_server::responses::credentials::client;
use serap_shared::api::{Credential, CredentialIssued, InvitationForm, PublicForm};
use serap_shared::survey::{QuestionKind, SurveyDefinition, example_answers};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::api::eventually;
use super::app::{ADMIN_TOKEN, TestApp};
use serap_tests::SignedIn;

// Surveys, answers and reports.

/// The public form of the wave `slug` (its open link).
pub async fn form(app: &TestApp, slug: &str) -> PublicForm {
    let r = app.get(&format!("/api/v1/forms/{slug}")).await;
    assert_eq!(r.status(), 200, "the form {slug}");
    r.json().await.unwrap()
}

/// Every SKM element answered with `value` (1-4).
pub fn skm_answers(definition: &SurveyDefinition, value: u8) -> Value {
    let mut answers = Map::new();
    for (_, question) in definition.questions() {
        if let QuestionKind::Likert { .. } = question.kind {
            answers.insert(question.id.clone(), json!(value));
        }
    }
    Value::Object(answers)
}

/// The id of the unit `code` among the form's units.
pub fn unit_id(form: &PublicForm, code: &str) -> Uuid {
    form.units.iter().find(|u| u.code == code).unwrap().id
}

/// Submits through the open link, then waits until the response is counted and runs a release pass:
/// with one pass after each response, what a sequence of submissions releases does not depend on how the
/// background folder happened to batch them.
pub async fn submit(app: &TestApp, slug: &str, unit: Uuid, answers: &Value) {
    let wave_id = form(app, slug).await.wave_id;
    let before = responses_counted(&app.state.db, wave_id, false)
        .await
        .unwrap();
    let r = app
        .post_json(
            &format!("/api/v1/forms/{slug}/responses"),
            &json!({"submission_id": Uuid::new_v4(), "unit_id": unit, "answers": answers}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    settle(app, wave_id, before + 1).await;
}

/// Submits to `skm-2026` through the open link and leaves counting and releasing to the server (whose
/// release pass is the one that sends live notices).
pub async fn post_response(app: &TestApp, unit: Uuid, answers: &Value) {
    let r = app
        .post_json(
            "/api/v1/forms/skm-2026/responses",
            &json!({"submission_id": Uuid::new_v4(), "unit_id": unit, "answers": answers}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

/// Waits until `wave_id` has `responses` counted, then runs a release pass and drops the server's cached
/// counters of the wave.
async fn settle(app: &TestApp, wave_id: Uuid, responses: i64) {
    eventually(Duration::from_secs(20), "the response counted", || async {
        (responses_counted(&app.state.db, wave_id, false)
            .await
            .unwrap()
            >= responses)
            .then_some(())
    })
    .await;
    release_wave(&app.state.db, wave_id).await.unwrap();
    // Whichever pass released (the server's folder or this one), the next report reads the database: the
    // server's own notice of a release may still be on its way to the counter cache.
    app.state.counters.forget(wave_id);
}

/// The `skm-2026` report with `query` (`""` or `?unit=...`), read by `reader` or else by the admin.
pub async fn report(app: &TestApp, query: &str, reader: Option<&SignedIn>) -> Value {
    let path = format!("/api/v1/waves/skm-2026/report{query}");
    let r = match reader {
        Some(reader) => reader.get(&path).await,
        None => app.admin_get(&path).await,
    };
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

// People and invitations.

/// Four people: two in DINKES, one in its puskesmas (a child unit), one in BKPSDM.
pub const ROSTER: &str = "nip;nama;email;unit;jabatan\n\
    198001012005011001;Andi Pratama;andi@serangkota.go.id;DINKES;Pelaksana\n\
    198202022006042002;Bunga Lestari;bunga@serangkota.go.id;DINKES;JF\n\
    198303032007011003;Cahya Nugraha;cahya@serangkota.go.id;DINKES-PKM-SERANG;Pelaksana\n\
    198404042008042004;Dewi Anggraini;dewi@serangkota.go.id;BKPSDM;Pengawas\n";

/// Imports `ROSTER` (as admin).
pub async fn import_roster(app: &TestApp) {
    let response = app
        .http
        .post(app.url("/api/v1/people/import"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "text/csv")
        .body(ROSTER)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["created"], 4, "{report}");
}

/// The personal link tokens found in the messages, by recipient.
pub fn tokens_by_recipient(messages: &[Vec<u8>]) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for raw in messages {
        let message = MessageParser::default().parse(raw).expect("valid MIME");
        let to = message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap()
            .to_string();
        let text = message.body_text(0).expect("plain-text part").to_string();
        let token = text
            .split("/s/")
            .nth(1)
            .map(|rest| {
                rest.chars()
                    .take_while(char::is_ascii_hexdigit)
                    .collect::<String>()
            })
            .expect("a personal link");
        assert_eq!(token.len(), 64, "{text}");
        out.entry(to).or_default().push(token);
    }
    out
}

/// The invitations of the wave `slug` (as admin): each invitee's address and state.
pub async fn invitation_states(app: &TestApp, slug: &str) -> HashMap<String, String> {
    let list: Value = app
        .admin_get(&format!("/api/v1/waves/{slug}/invitations"))
        .await
        .json()
        .await
        .unwrap();
    list["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["email"].as_str().unwrap().to_string(),
                i["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

// One-time credentials of anonymous waves.

/// The form behind a personal link.
pub async fn personal_form(app: &TestApp, token: &str) -> InvitationForm {
    let r = app.get(&format!("/api/v1/invitations/{token}")).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// Asks for the blind signature of `blinded` with the personal link's token.
pub async fn request_credential(app: &TestApp, token: &str, blinded: &str) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/invitations/{token}/credential")))
        .json(&json!({ "blinded_message": blinded }))
        .send()
        .await
        .unwrap()
}

/// Opens a personal link as the respondent's client does: blind, get the blind signature, finalize. The
/// unit, example answers and the credential.
pub async fn obtain(app: &TestApp, token: &str) -> (Uuid, Value, Credential) {
    let form = personal_form(app, token).await;
    let key = form.credential_key.expect("an anonymous wave's key");
    let blinded = client::blind(&key).unwrap();
    let r = request_credential(app, token, &blinded.blinded_message).await;
    assert_eq!(r.status(), 200);
    let issued: CredentialIssued = r.json().await.unwrap();
    let credential = client::finalize(&blinded, &issued).unwrap();
    let answers = serde_json::to_value(example_answers(&form.form.definition, 1)).unwrap();
    (form.unit_id, answers, credential)
}

/// `POST /api/v1/forms/{slug}/responses`, with or without a credential (no token).
pub async fn submit_open(
    app: &TestApp,
    slug: &str,
    submission: Uuid,
    unit: Uuid,
    answers: &Value,
    credential: Option<&Credential>,
) -> reqwest::Response {
    let mut body = json!({"submission_id": submission, "unit_id": unit, "answers": answers});
    if let Some(c) = credential {
        body["credential"] = json!({"message": c.message, "signature": c.signature});
    }
    app.http
        .post(app.url(&format!("/api/v1/forms/{slug}/responses")))
        .json(&body)
        .send()
        .await
        .unwrap()
}
