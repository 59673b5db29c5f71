//! Admin endpoints. `POST /api/v1/admin/test-email` queues a test message through the outbox, so an admin
//! can check that mail reaches people; limited per recipient so it cannot be used to flood a mailbox.

use std::time::Duration;

use serap_shared::api::{QueuedEmail, TestEmailRequest};
use serap_shared::error::ErrorBody;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::endpoint;
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, with_state};
use crate::infra::outbox::{NewEmail, enqueue};
use crate::infra::ratelimit::{Decision, Quota};
use crate::state::AppState;

/// Test messages per recipient per ten minutes.
pub const TEST_EMAIL_QUOTA: Quota = Quota {
    limit: 3,
    window: Duration::from_secs(600),
};

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    endpoint!(post, "api" / "v1" / "admin" / "test-email")
        .and(caller(state.clone()))
        .and(json_body::<TestEmailRequest>(state.settings.max_body_bytes))
        .and(with_state(state))
        .then(send_test_email)
        .map(respond)
        .boxed()
}

#[utoipa::path(post, path = "/api/v1/admin/test-email", tag = "admin",
    request_body = TestEmailRequest,
    security(("admin_token" = [])),
    responses(
        (status = 202, description = "Queued in the outbox", body = QueuedEmail),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Missing or wrong admin token", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "Invalid address", body = ErrorBody),
        (status = 429, description = "Too many test messages to this address", body = ErrorBody)))]
pub async fn send_test_email(
    caller: Caller,
    request: TestEmailRequest,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let key = format!("test-email:{}", request.to.as_str().to_ascii_lowercase());
    if let Decision::Limited { retry_after } = state.limiter.check(&key, TEST_EMAIL_QUOTA).await {
        return Err(ApiError::TooManyRequests { retry_after });
    }
    let when = crate::infra::time::wib_rfc3339(crate::infra::time::now());
    let link = format!("{}/", state.settings.base_url);
    let message_id = enqueue(
        &state.db,
        state.mail_domain(),
        NewEmail {
            kind: "test".into(),
            to: request.to.to_string(),
            subject: "Uji email Serap / Serap test email".into(),
            text: format!(
                "Email ini menguji pengiriman dari Serap ({when}).\nThis message tests delivery from Serap.\n\n{link}\n"
            ),
            html: format!(
                "<!doctype html><html lang=\"id\"><body style=\"font-family:Arial,sans-serif\">\
                 <p>Email ini menguji pengiriman dari Serap ({when}).</p>\
                 <p style=\"color:#555\">This message tests delivery from Serap.</p>\
                 <p><a href=\"{link}\">{link}</a></p></body></html>"
            ),
            headers: vec![]},
    )
    .await?;
    crate::infra::audit::audit(
        &state.db,
        &actor,
        "mail.test",
        request.to.as_str(),
        serde_json::json!({"message_id": message_id}),
    )
    .await?;
    state.outbox_wake.notify_one();
    Ok(warp::reply::with_status(
        warp::reply::json(&QueuedEmail { message_id }),
        StatusCode::ACCEPTED,
    )
    .into_response())
}
