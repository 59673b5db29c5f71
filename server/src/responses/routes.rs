//! The respondent side: `GET /api/v1/forms/{slug}` (the form of an open-link wave) and
//! `POST /api/v1/forms/{slug}/responses` (idempotent submission). No login, nothing identifying stored.
//! The submission endpoint is also where an anonymous wave's invitees spend their one-time credential.

use serap_shared::api::{PublicForm, Receipt, SubmitResponse};
use serap_shared::error::ErrorBody;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::endpoint;
use crate::error::{ApiError, respond};
use crate::http::{json_body, json_reply, with_state};
use crate::responses::{Submitted, submit};
use crate::state::AppState;

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let get = endpoint!(get, "api" / "v1" / "forms" / String)
        .and(warp::header::optional::<String>("accept-encoding"))
        .and(with_state(state.clone()))
        .then(get_form)
        .map(respond);
    let post = endpoint!(post, "api" / "v1" / "forms" / String / "responses")
        .and(json_body::<SubmitResponse>(state.settings.max_body_bytes))
        .and(with_state(state))
        .then(post_response)
        .map(respond);
    get.or(post).unify().boxed()
}

#[utoipa::path(get, path = "/api/v1/forms/{slug}", tag = "respondent",
    params(("slug" = String, Path, description = "The wave's open-link slug")),
    responses(
        (status = 200, description = "The form, its wave and the units to pick from", body = PublicForm),
        (status = 400, description = "An Accept-Encoding header that is not visible ASCII", body = ErrorBody),
        (status = 403, description = "The wave has invitations and its open link is closed (`open_link_closed`)", body = ErrorBody),
        (status = 404, description = "No such wave", body = ErrorBody)))]
pub async fn get_form(
    slug: String,
    accept_encoding: Option<String>,
    state: AppState,
) -> Result<Response, ApiError> {
    let wave = crate::waves::by_slug(&state.db, &slug).await?;
    crate::responses::ensure_open_link(&state.db, &wave).await?;
    let units = crate::units::all_units(&state.db).await?;
    let form = crate::responses::public_form(&state, &wave, units).await?;
    Ok(json_reply(&form, accept_encoding.as_deref()))
}

#[utoipa::path(post, path = "/api/v1/forms/{slug}/responses", tag = "respondent",
    params(("slug" = String, Path, description = "The wave's open-link slug")),
    request_body = SubmitResponse,
    responses(
        (status = 201, description = "Stored; the receipt", body = Receipt),
        (status = 200, description = "A replay of a stored submission: the original receipt", body = Receipt),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 403, description = "No credential, and the wave has invitations and its open link is closed (`open_link_closed`)", body = ErrorBody),
        (status = 404, description = "No such wave", body = ErrorBody),
        (status = 409, description = "The submission id was used for different answers, or the credential was already used (`credential_spent`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "Invalid answers (each with its path), unknown unit, a credential not valid for the wave and unit (`credential_invalid`) or on a wave that is not anonymous, or wave not open (`wave_closed`)", body = ErrorBody)))]
pub async fn post_response(
    slug: String,
    request: SubmitResponse,
    state: AppState,
) -> Result<Response, ApiError> {
    let (status, receipt) = match submit(&state, &slug, request).await? {
        Submitted::Created(receipt) => (StatusCode::CREATED, receipt),
        Submitted::Replayed(receipt) => (StatusCode::OK, receipt),
    };
    Ok(warp::reply::with_status(warp::reply::json(&receipt), status).into_response())
}
