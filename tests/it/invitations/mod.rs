//! Personal invitations: emailed one-time links through a real SMTP server, a token that works once (also
//! under concurrent submits), reminders only to those who have not answered, response rates, and the proof
//! that an anonymous wave's responses cannot be linked to invitations.

mod emailed;
mod reminders;
mod unlinkable;

use serap_shared::survey::{SurveyDefinition, example_answers};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;

/// The personal form behind a link, as the server answers it.
pub(super) async fn form(app: &TestApp, token: &str) -> reqwest::Response {
    app.get(&format!("/api/v1/invitations/{token}")).await
}

/// The unit of a personal link and example answers to its form.
pub(super) async fn answers_for(app: &TestApp, token: &str) -> (Uuid, Value) {
    let body: Value = form(app, token).await.json().await.unwrap();
    let definition: SurveyDefinition =
        serde_json::from_value(body["form"]["definition"].clone()).unwrap();
    let unit: Uuid = serde_json::from_value(body["unit_id"].clone()).unwrap();
    (
        unit,
        serde_json::to_value(example_answers(&definition, 1)).unwrap(),
    )
}

/// Answers through a personal link, with its token.
pub(super) async fn submit(
    app: &TestApp,
    token: &str,
    submission: Uuid,
    unit: Uuid,
    answers: &Value,
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/invitations/{token}/responses")))
        .json(&json!({"submission_id": submission, "unit_id": unit, "answers": answers}))
        .send()
        .await
        .unwrap()
}

/// Invites to the wave `slug` (as admin).
pub(super) async fn invite(app: &TestApp, slug: &str, body: Value) -> reqwest::Response {
    app.post_json(&format!("/api/v1/waves/{slug}/invitations"), &body)
        .await
}
