//! Leader email digests (see `crate::digests`). Admins: create, list (with delivery status), change and
//! delete subscriptions, preview the next digest (JSON, and a server-rendered page), list failed outbox
//! messages and retry one. Leaders, without signing in: the manage page behind the signed link of every
//! digest (`/d/<id>/<signature>`), where they change cadence or unsubscribe (also one-click, RFC 8058).

use bytes::Bytes;
use secrecy::ExposeSecret;
use serap_shared::error::ErrorBody;
use uuid::Uuid;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::http::header::{CONTENT_TYPE, HeaderValue};
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

use crate::access::Caller;
use crate::digests;
use crate::endpoint;
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, with_state};
use crate::infra::mail::escape_html;
use crate::state::AppState;
use serap_shared::digest::{
    Cadence, DigestPreview, FailedMessage, NewSubscription, SubscriptionChanges, SubscriptionStatus,
};

/// Pages: nothing but inline styles (the preview shows an email's HTML part, which has only those).
const PREVIEW_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
const MANAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// Form posts are a few fields.
const FORM_LIMIT: u64 = 4096;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let limit = state.settings.max_body_bytes;
    let create = endpoint!(post, "api" / "v1" / "digests")
        .and(caller(state.clone()))
        .and(json_body::<NewSubscription>(limit))
        .and(with_state(state.clone()))
        .then(create_subscription)
        .map(respond);
    let list = endpoint!(get, "api" / "v1" / "digests")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(list_subscriptions)
        .map(respond);
    let update = endpoint!(put, "api" / "v1" / "digests" / String)
        .and(caller(state.clone()))
        .and(json_body::<SubscriptionChanges>(limit))
        .and(with_state(state.clone()))
        .then(update_subscription)
        .map(respond);
    let delete = endpoint!(delete, "api" / "v1" / "digests" / String)
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(delete_subscription)
        .map(respond);
    let preview = endpoint!(get, "api" / "v1" / "digests" / String / "preview")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(preview_digest)
        .map(respond);
    let failed = endpoint!(get, "api" / "v1" / "outbox" / "failed")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(list_failed)
        .map(respond);
    let retry = endpoint!(post, "api" / "v1" / "outbox" / String / "retry")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(retry_failed)
        .map(respond);
    // A caller that cannot be resolved (an unreadable header, the session store down) gets this page's
    // error page, not the client's fallback.
    let page_caller = caller(state.clone())
        .map(Ok)
        .or_else(|rejection: Rejection| async move {
            match rejection.find::<ApiError>() {
                Some(err) => Ok((Err(err.clone()),)),
                None => Err(rejection),
            }
        });
    let preview_page = endpoint!(get, "digests" / String / "preview")
        .and(page_caller)
        .and(with_state(state.clone()))
        .then(preview_page);
    let manage = endpoint!(get, "d" / String / String)
        .and(with_state(state.clone()))
        .then(manage_page);
    let manage_post = endpoint!(post, "d" / String / String)
        .and(crate::http::body_bytes(FORM_LIMIT))
        .and(with_state(state))
        .then(manage_submit);
    create
        .or(list)
        .unify()
        .or(update)
        .unify()
        .or(delete)
        .unify()
        .or(preview)
        .unify()
        .or(failed)
        .unify()
        .or(retry)
        .unify()
        .or(preview_page)
        .unify()
        .or(manage)
        .unify()
        .or(manage_post)
        .unify()
        .boxed()
}

fn parse_id(raw: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound(what.into()))
}

fn subscription_id(raw: &str) -> Result<Uuid, ApiError> {
    parse_id(raw, "langganan ringkasan / digest subscription")
}

#[utoipa::path(post, path = "/api/v1/digests", tag = "digests",
    request_body = NewSubscription,
    security(("admin_token" = [])),
    responses(
        (status = 201, description = "Subscribed; periods that began before now are not sent", body = SubscriptionStatus),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 422, description = "Not a leader account, missing or invalid email or name, no cadence, unknown language, or a unit unknown or outside the leader's scope (named by index)", body = ErrorBody)))]
pub async fn create_subscription(
    caller: Caller,
    request: NewSubscription,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let created = digests::create(&state, &request, &actor).await?;
    Ok(warp::reply::with_status(warp::reply::json(&created), StatusCode::CREATED).into_response())
}

#[utoipa::path(get, path = "/api/v1/digests", tag = "digests",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Every subscription with its last period, the delivery of its last digest and its failures", body = [SubscriptionStatus]),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody)))]
pub async fn list_subscriptions(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    Ok(warp::reply::json(&digests::list(&state).await?).into_response())
}

#[utoipa::path(put, path = "/api/v1/digests/{id}", tag = "digests",
    params(("id" = Uuid, Path, description = "The subscription")),
    request_body = SubscriptionChanges,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The subscription as changed; a new cadence or a reactivation starts from now", body = SubscriptionStatus),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such subscription", body = ErrorBody),
        (status = 422, description = "An invalid field, named", body = ErrorBody)))]
pub async fn update_subscription(
    id: String,
    caller: Caller,
    changes: SubscriptionChanges,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let id = subscription_id(&id)?;
    Ok(warp::reply::json(&digests::update(&state, id, &changes, &actor).await?).into_response())
}

#[utoipa::path(delete, path = "/api/v1/digests/{id}", tag = "digests",
    params(("id" = Uuid, Path, description = "The subscription")),
    security(("admin_token" = [])),
    responses(
        (status = 204, description = "Deleted with its history"),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such subscription", body = ErrorBody)))]
pub async fn delete_subscription(
    id: String,
    caller: Caller,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let id = subscription_id(&id)?;
    digests::delete(&state, id, &actor).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/api/v1/digests/{id}/preview", tag = "digests",
    params(("id" = Uuid, Path, description = "The subscription")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The next digest as it would be sent now: subject, plain text and HTML", body = DigestPreview),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such subscription", body = ErrorBody),
        (status = 409, description = "The leader's account may no longer read reports", body = ErrorBody)))]
pub async fn preview_digest(
    id: String,
    caller: Caller,
    state: AppState,
) -> Result<Response, ApiError> {
    caller.admin()?;
    let id = subscription_id(&id)?;
    Ok(warp::reply::json(&digests::preview(&state, id).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/outbox/failed", tag = "digests",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Outbox messages that failed after every attempt, newest first", body = [FailedMessage]),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody)))]
pub async fn list_failed(caller: Caller, state: AppState) -> Result<Response, ApiError> {
    caller.admin()?;
    Ok(warp::reply::json(&digests::failed_messages(&state).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/outbox/{id}/retry", tag = "digests",
    params(("id" = Uuid, Path, description = "The outbox message")),
    security(("admin_token" = [])),
    responses(
        (status = 202, description = "Queued again with the same Message-Id"),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such message", body = ErrorBody),
        (status = 409, description = "The message has not failed", body = ErrorBody)))]
pub async fn retry_failed(
    id: String,
    caller: Caller,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let id = parse_id(&id, "pesan / message")?;
    digests::retry_message(&state, id, &actor).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

// ---------------------------------------------------------------------------------------------------------
// Server-rendered pages

fn page(status: StatusCode, csp: &'static str, lang: &str, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>{}</title></head><body style=\"margin:0;padding:16px;font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#ffffff\"><main style=\"max-width:720px;margin:0 auto\">{body}</main></body></html>",
        escape_html(title)
    );
    let mut response = Response::new(html.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert("content-security-policy", HeaderValue::from_static(csp));
    headers.insert("cache-control", HeaderValue::from_static("no-store"));
    response
}

fn error_page(err: &ApiError) -> Response {
    let body = format!(
        "<h1 style=\"font-size:22px\">{}</h1><p>{}</p>",
        err.status().as_u16(),
        escape_html(&err.body().error.message)
    );
    page(err.status(), PREVIEW_CSP, "id", "Serap", &body)
}

fn not_found_page() -> Response {
    page(
        StatusCode::NOT_FOUND,
        MANAGE_CSP,
        "id",
        "Tautan tidak dikenal / Unknown link",
        "<h1 style=\"font-size:22px\">Tautan tidak dikenal</h1><p>Tautan ini tidak berlaku. Gunakan tautan dari email ringkasan terbaru Anda.</p><hr><p lang=\"en\">Unknown link: this link is not valid. Use the link in your latest digest email.</p>",
    )
}

#[utoipa::path(get, path = "/digests/{id}/preview", tag = "digests",
    params(("id" = Uuid, Path, description = "The subscription")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "HTML page for admins (session cookie or bearer token): the subject, the HTML part and the text part of the next digest", content_type = "text/html"),
        (status = 401, description = "Sign in required", content_type = "text/html"),
        (status = 403, description = "Admins only", content_type = "text/html"),
        (status = 404, description = "No such subscription", content_type = "text/html"),
        (status = 409, description = "The leader's account may no longer read reports", content_type = "text/html"),
        (status = 500, description = "Internal error (details are logged)", content_type = "text/html"),
        (status = 503, description = "The database (an HTML page) or the session store (the error body) is unavailable",
            content((ErrorBody = "application/json"), ("text/html")))))]
pub async fn preview_page(
    id: String,
    caller: Result<Caller, ApiError>,
    state: AppState,
) -> Response {
    let result = async {
        caller?.admin()?;
        let id = subscription_id(&id)?;
        digests::preview(&state, id).await
    }
    .await;
    match result {
        Ok(preview) => {
            let e = escape_html;
            let body = format!(
                "<h1 style=\"font-size:20px;margin:0 0 8px 0\">Pratinjau ringkasan / Digest preview</h1>\
<table style=\"border-collapse:collapse;font-size:14px;margin:0 0 16px 0\"><tr><th style=\"text-align:left;padding:2px 12px 2px 0\">Kepada / To</th><td id=\"to\">{}</td></tr>\
<tr><th style=\"text-align:left;padding:2px 12px 2px 0\">Periode / Period</th><td id=\"period\">{}</td></tr>\
<tr><th style=\"text-align:left;padding:2px 12px 2px 0\">Subjek / Subject</th><td id=\"subject\"><strong>{}</strong></td></tr></table>\
<h2 style=\"font-size:17px\">HTML</h2><section id=\"html-part\" style=\"border:1px solid #d5dbd8;padding:8px;margin:0 0 16px 0\">{}</section>\
<h2 style=\"font-size:17px\">Teks / Text</h2><pre id=\"text-part\" style=\"white-space:pre-wrap;border:1px solid #d5dbd8;padding:8px;font-size:13px\">{}</pre>",
                e(&preview.to),
                e(&preview.period),
                e(&preview.subject),
                digests::render::html_body(&preview.html),
                e(&preview.text)
            );
            page(StatusCode::OK, PREVIEW_CSP, "id", &preview.subject, &body)
        }
        Err(err) => error_page(&err),
    }
}

/// The subscription behind a signed link, or `None` (shown as a 404 page).
async fn signed(
    state: &AppState,
    id: &str,
    signature: &str,
) -> Result<Option<crate::entities::digest_subscription::Model>, ApiError> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Ok(None);
    };
    if !digests::verify(state.link_secret.expose_secret(), id, signature) {
        return Ok(None);
    }
    match digests::find(state, id).await {
        Ok(sub) => Ok(Some(sub)),
        Err(ApiError::NotFound(_)) => Ok(None),
        Err(err) => Err(err),
    }
}

fn checkbox(name: &str, checked: bool, id_label: &str, en_label: &str) -> String {
    format!(
        "<label style=\"display:block;padding:8px 0;font-size:17px\"><input type=\"checkbox\" name=\"{name}\" value=\"on\"{} style=\"width:22px;height:22px;vertical-align:middle;margin-right:8px\">{id_label} <span lang=\"en\" style=\"color:#555555;font-size:14px\">/ {en_label}</span></label>",
        if checked { " checked" } else { "" }
    )
}

fn manage_body(
    sub: &crate::entities::digest_subscription::Model,
    notice: Option<(&str, &str)>,
) -> String {
    let e = escape_html;
    let button = "display:inline-block;font-size:17px;padding:12px 20px;border-radius:6px;border:0;cursor:pointer";
    let notice = notice
        .map(|(id, en)| {
            format!(
                "<p role=\"status\" id=\"notice\" style=\"background:#e7f4ee;padding:10px 12px;border-radius:6px\">{} <span lang=\"en\">/ {}</span></p>",
                e(id),
                e(en)
            )
        })
        .unwrap_or_default();
    let state_line = if sub.active {
        "<p id=\"state\">Anda berlangganan ringkasan Serap. <span lang=\"en\" style=\"color:#555555\">You are subscribed to Serap digests.</span></p>"
    } else {
        "<p id=\"state\">Anda sudah berhenti berlangganan. Pilih jadwal lalu simpan untuk berlangganan lagi. <span lang=\"en\" style=\"color:#555555\">You are unsubscribed. Choose a cadence and save to subscribe again.</span></p>"
    };
    format!(
        "<h1 style=\"font-size:22px;margin:0 0 8px 0\">Ringkasan Serap</h1><p style=\"color:#555555;margin:0 0 12px 0\">{name} &lt;{email}&gt;</p>{notice}{state_line}\
<form method=\"post\"><input type=\"hidden\" name=\"action\" value=\"save\"><fieldset style=\"border:1px solid #d5dbd8;border-radius:6px;margin:0 0 16px 0\"><legend>Kirim ringkasan / Send digests</legend>{daily}{weekly}{closed}</fieldset>\
<button type=\"submit\" style=\"{button};background:#0b5d4b;color:#ffffff\">Simpan / Save</button></form>\
<form method=\"post\" style=\"margin:24px 0 0 0\"><input type=\"hidden\" name=\"action\" value=\"unsubscribe\"><button type=\"submit\" style=\"{button};background:#f1f1f1;color:#8a1c1c\">Berhenti berlangganan / Unsubscribe</button></form>\
<hr style=\"margin:24px 0\"><p lang=\"en\" style=\"font-size:14px;color:#555555\">English: this page changes how often Serap sends you survey digests, or stops them. No sign-in is needed; keep the link private.</p>",
        name = e(&sub.name),
        email = e(&sub.email),
        daily = checkbox(
            "daily",
            sub.active && sub.daily,
            "Setiap hari pukul 07.00 WIB",
            "Daily at 07:00 WIB"
        ),
        weekly = checkbox(
            "weekly",
            sub.active && sub.weekly,
            "Setiap Senin pukul 07.00 WIB",
            "Mondays at 07:00 WIB"
        ),
        closed = checkbox(
            "wave_closed",
            sub.active && sub.on_close,
            "Saat survei ditutup",
            "When a survey closes"
        ),
    )
}

#[utoipa::path(get, path = "/d/{id}/{signature}", tag = "digests",
    params(("id" = Uuid, Path, description = "The subscription"),
        ("signature" = String, Path, description = "HMAC-SHA256 of the id with the server secret, from the digest")),
    responses(
        (status = 200, description = "HTML form (Indonesian, English below) to change cadence or unsubscribe, no sign-in", content_type = "text/html"),
        (status = 404, description = "Unknown subscription or bad signature", content_type = "text/html"),
        (status = 500, description = "Internal error (details are logged)", content_type = "text/html"),
        (status = 503, description = "The database is unavailable", content_type = "text/html")))]
pub async fn manage_page(id: String, signature: String, state: AppState) -> Response {
    match signed(&state, &id, &signature).await {
        Ok(Some(sub)) => page(
            StatusCode::OK,
            MANAGE_CSP,
            "id",
            "Ringkasan Serap / Serap digests",
            &manage_body(&sub, None),
        ),
        Ok(None) => not_found_page(),
        Err(err) => error_page(&err),
    }
}

/// `application/x-www-form-urlencoded` pairs (values decoded; `+` is a space).
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    fn decode(raw: &str) -> String {
        let bytes = raw.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = |b: u8| (b as char).to_digit(16);
                    match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                        (Some(hi), Some(lo)) => {
                            out.push((hi * 16 + lo) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k.trim()), decode(v.trim()))
        })
        .collect()
}

#[utoipa::path(post, path = "/d/{id}/{signature}", tag = "digests",
    params(("id" = Uuid, Path, description = "The subscription"),
        ("signature" = String, Path, description = "HMAC-SHA256 of the id with the server secret")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "`List-Unsubscribe=One-Click` (RFC 8058), `action=unsubscribe`, or `action=save` with `daily`, `weekly`, `wave_closed` = `on`"),
    responses(
        (status = 200, description = "Saved; the manage page again, with a notice", content_type = "text/html"),
        (status = 404, description = "Unknown subscription or bad signature", content_type = "text/html"),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 500, description = "Internal error (details are logged)", content_type = "text/html"),
        (status = 503, description = "The database is unavailable", content_type = "text/html")))]
pub async fn manage_submit(
    id: String,
    signature: String,
    body: Bytes,
    state: AppState,
) -> Response {
    let sub = match signed(&state, &id, &signature).await {
        Ok(Some(sub)) => sub,
        Ok(None) => return not_found_page(),
        Err(err) => return error_page(&err),
    };
    let pairs = form_pairs(&body);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    // RFC 8058 one-click (also when a mail system posts it as multipart/form-data).
    let one_click = get("List-Unsubscribe") == Some("One-Click")
        || String::from_utf8_lossy(&body).contains("One-Click");
    let unsubscribe = one_click || get("action") == Some("unsubscribe");
    let (changes, notice) = if unsubscribe {
        (
            SubscriptionChanges {
                active: Some(false),
                ..Default::default()
            },
            (
                "Anda sudah berhenti berlangganan.",
                "You have been unsubscribed.",
            ),
        )
    } else {
        let mut cadences = Vec::new();
        for (name, cadence) in [
            ("daily", Cadence::Daily),
            ("weekly", Cadence::Weekly),
            ("wave_closed", Cadence::WaveClosed),
        ] {
            if get(name) == Some("on") {
                cadences.push(cadence);
            }
        }
        if cadences.is_empty() {
            (
                SubscriptionChanges {
                    active: Some(false),
                    ..Default::default()
                },
                (
                    "Tidak ada jadwal dipilih: Anda berhenti berlangganan.",
                    "No cadence chosen: you have been unsubscribed.",
                ),
            )
        } else {
            (
                SubscriptionChanges {
                    cadences: Some(cadences),
                    active: Some(true),
                    ..Default::default()
                },
                ("Perubahan disimpan.", "Your changes are saved."),
            )
        }
    };
    match digests::update(&state, sub.id, &changes, "digest-link").await {
        Ok(_) => match digests::find(&state, sub.id).await {
            Ok(sub) => page(
                StatusCode::OK,
                MANAGE_CSP,
                "id",
                "Ringkasan Serap / Serap digests",
                &manage_body(&sub, Some(notice)),
            ),
            Err(err) => error_page(&err),
        },
        Err(err) => error_page(&err),
    }
}

#[cfg(test)]
mod tests {
    use super::form_pairs;

    #[test]
    fn reads_form_bodies() {
        assert_eq!(
            form_pairs(b"List-Unsubscribe=One-Click"),
            vec![("List-Unsubscribe".to_string(), "One-Click".to_string())]
        );
        assert_eq!(
            form_pairs(b"action=save&daily=on&x=a+b%21&bad=%zz"),
            vec![
                ("action".to_string(), "save".to_string()),
                ("daily".to_string(), "on".to_string()),
                ("x".to_string(), "a b!".to_string()),
                ("bad".to_string(), "%zz".to_string()),
            ]
        );
    }
}
