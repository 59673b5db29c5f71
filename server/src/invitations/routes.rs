//! Personal invitations. Admins: target a wave at units and people, list invitations with their delivery
//! status, set the reminder schedule, send reminders now. Scoped readers: response rates per unit.
//! Respondents: the form behind `/s/<token>` and its submission (see `crate::invitations`); in anonymous
//! waves, the one-time credential instead (see `crate::responses::credentials`).

use sea_orm::EntityTrait;
use serap_shared::api::{
    Anonymity, CreateInvitations, CredentialIssued, CredentialRequest, InvitationForm,
    InvitationList, InvitationReport, Receipt, ReminderPolicy, RemindersQueued, ResponseRates,
    SubmitResponse,
};
use serap_shared::error::ErrorBody;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::access::Caller;
use crate::endpoint;
use crate::entities::{org_unit, person};
use crate::error::{ApiError, respond};
use crate::http::{caller, json_body, json_reply, with_state};
use crate::invitations;
use crate::responses::{Submitted, submit_invited};
use crate::state::AppState;
use crate::waves::{anonymity_of, is_open};

pub fn routes(state: AppState) -> BoxedFilter<(Response,)> {
    let limit = state.settings.max_body_bytes;
    let form = endpoint!(get, "api" / "v1" / "invitations" / String)
        .and(warp::header::optional::<String>("accept-encoding"))
        .and(with_state(state.clone()))
        .then(get_invitation_form)
        .map(respond);
    let submit = endpoint!(post, "api" / "v1" / "invitations" / String / "responses")
        .and(json_body::<SubmitResponse>(limit))
        .and(with_state(state.clone()))
        .then(post_invited_response)
        .map(respond);
    let credential = endpoint!(post, "api" / "v1" / "invitations" / String / "credential")
        .and(json_body::<CredentialRequest>(limit))
        .and(with_state(state.clone()))
        .then(post_credential)
        .map(respond);
    let create = endpoint!(post, "api" / "v1" / "waves" / String / "invitations")
        .and(caller(state.clone()))
        .and(json_body::<CreateInvitations>(limit))
        .and(with_state(state.clone()))
        .then(create_invitations)
        .map(respond);
    let list = endpoint!(get, "api" / "v1" / "waves" / String / "invitations")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(list_invitations)
        .map(respond);
    let policy = endpoint!(put, "api" / "v1" / "waves" / String / "reminders")
        .and(caller(state.clone()))
        .and(json_body::<ReminderPolicy>(limit))
        .and(with_state(state.clone()))
        .then(set_reminders)
        .map(respond);
    let remind = endpoint!(post, "api" / "v1" / "waves" / String / "reminders" / "send")
        .and(caller(state.clone()))
        .and(with_state(state.clone()))
        .then(send_reminders)
        .map(respond);
    let rates = endpoint!(get, "api" / "v1" / "waves" / String / "response-rates")
        .and(caller(state.clone()))
        .and(warp::query::<RatesQuery>())
        .and(with_state(state))
        .then(response_rates)
        .map(respond);
    form.or(submit)
        .unify()
        .or(credential)
        .unify()
        .or(create)
        .unify()
        .or(list)
        .unify()
        .or(policy)
        .unify()
        .or(remind)
        .unify()
        .or(rates)
        .unify()
        .boxed()
}

/// `?unit=<code>`: only that unit and its subtree.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RatesQuery {
    /// A unit code: report that unit and its subtree only (403 outside the caller's scope).
    pub unit: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/invitations/{token}", tag = "respondent",
    params(("token" = String, Path, description = "The token of a personal invitation link `/s/<token>`")),
    responses(
        (status = 200, description = "The personal form; the unit is the invited person's. In anonymous waves: no name, and the public key of the credential (`credential_key`)", body = InvitationForm),
        (status = 400, description = "An Accept-Encoding header that is not visible ASCII", body = ErrorBody),
        (status = 404, description = "Unknown link", body = ErrorBody),
        (status = 410, description = "The link was used (`invitation_used`) or expired (`invitation_expired`)", body = ErrorBody)))]
pub async fn get_invitation_form(
    token: String,
    accept_encoding: Option<String>,
    state: AppState,
) -> Result<Response, ApiError> {
    let invited = invitations::by_token(&state.db, &token).await?;
    invited
        .ensure_usable(&state.db, crate::infra::time::now())
        .await?;
    let unit = org_unit::Entity::find_by_id(invited.invitation.unit_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("invitation without its unit"))?;
    let form = crate::responses::public_form(&state, &invited.wave, vec![unit.into()]).await?;
    // An anonymous wave's form greets nobody by name, and carries the key that signs its credential.
    let (greeting_name, credential_key) = if anonymity_of(&invited.wave) == Anonymity::Anonymous {
        let key = crate::responses::credentials::key_for(
            &state.db,
            invited.wave.id,
            invited.invitation.unit_id,
        )
        .await?;
        (
            String::new(),
            Some(crate::responses::credentials::public(&key)),
        )
    } else {
        let person = person::Entity::find_by_id(invited.invitation.person_id)
            .one(&state.db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("invitation without its person"))?;
        (person.name, None)
    };
    let body = InvitationForm {
        greeting_name,
        unit_id: invited.invitation.unit_id,
        credential_key,
        form,
    };
    Ok(json_reply(&body, accept_encoding.as_deref()))
}

#[utoipa::path(post, path = "/api/v1/invitations/{token}/responses", tag = "respondent",
    params(("token" = String, Path, description = "The token of a personal invitation link")),
    request_body = SubmitResponse,
    responses(
        (status = 201, description = "Stored; the receipt", body = Receipt),
        (status = 200, description = "A replay of a stored submission: the original receipt", body = Receipt),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 404, description = "Unknown link", body = ErrorBody),
        (status = 409, description = "The submission id was used for different answers, or the wave is anonymous (`credential_required`: answer with a credential instead)", body = ErrorBody),
        (status = 410, description = "The link was used (`invitation_used`) or expired (`invitation_expired`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "Invalid answers, a unit other than the invitation's, or wave not open (`wave_closed`)", body = ErrorBody)))]
pub async fn post_invited_response(
    token: String,
    request: SubmitResponse,
    state: AppState,
) -> Result<Response, ApiError> {
    let (status, receipt) = match submit_invited(&state, &token, request).await? {
        Submitted::Created(receipt) => (StatusCode::CREATED, receipt),
        Submitted::Replayed(receipt) => (StatusCode::OK, receipt),
    };
    Ok(warp::reply::with_status(warp::reply::json(&receipt), status).into_response())
}

#[utoipa::path(post, path = "/api/v1/invitations/{token}/credential", tag = "respondent",
    params(("token" = String, Path, description = "The token of a personal invitation link of an anonymous wave")),
    request_body = CredentialRequest,
    responses(
        (status = 200, description = "The blind signature of the blinded message (the same again for the same message). The invitation is now `opened`; the response is then submitted to `POST /api/v1/forms/{slug}/responses` with the unblinded credential and without the token", body = CredentialIssued),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 404, description = "Unknown link", body = ErrorBody),
        (status = 409, description = "A credential was already issued for another blinded message (`credential_already_issued`), or the wave is not anonymous (`credential_not_needed`)", body = ErrorBody),
        (status = 410, description = "The link was used (`invitation_used`) or expired (`invitation_expired`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 422, description = "Not a blinded message for the key (`blinded_message`), or wave not open (`wave_closed`)", body = ErrorBody)))]
pub async fn post_credential(
    token: String,
    request: CredentialRequest,
    state: AppState,
) -> Result<Response, ApiError> {
    let invited = invitations::by_token(&state.db, &token).await?;
    let now = crate::infra::time::now();
    invited.ensure_usable(&state.db, now).await?;
    if anonymity_of(&invited.wave) != Anonymity::Anonymous {
        return Err(ApiError::Coded {
            status: StatusCode::CONFLICT,
            code: "credential_not_needed",
            message: "Survei ini tidak anonim: isi dengan tautan pribadi Anda / This survey is not anonymous: answer with your personal link".into()});
    }
    if !is_open(&invited.wave, now) {
        return Err(ApiError::Closed(
            "Survei ini sedang tidak dibuka untuk diisi / This survey is not open for responses"
                .into(),
        ));
    }
    let issued = crate::responses::credentials::issue(&state.db, &invited, &request).await?;
    Ok(warp::reply::json(&issued).into_response())
}

#[utoipa::path(post, path = "/api/v1/waves/{slug}/invitations", tag = "invitations",
    params(("slug" = String, Path, description = "The wave's slug")),
    request_body = CreateInvitations,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Invitations created and their emails queued", body = InvitationReport),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such wave", body = ErrorBody),
        (status = 422, description = "Unknown unit or person (with its index), empty audience, or wave closed", body = ErrorBody)))]
pub async fn create_invitations(
    slug: String,
    caller: Caller,
    request: CreateInvitations,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let wave = crate::waves::by_slug(&state.db, &slug).await?;
    let report = invitations::invite(&state, &wave, &request, &actor).await?;
    Ok(warp::reply::json(&report).into_response())
}

#[utoipa::path(get, path = "/api/v1/waves/{slug}/invitations", tag = "invitations",
    params(("slug" = String, Path, description = "The wave's slug")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The reminder policy and every invitation with its state and delivery", body = InvitationList),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such wave", body = ErrorBody)))]
pub async fn list_invitations(
    slug: String,
    caller: Caller,
    state: AppState,
) -> Result<Response, ApiError> {
    caller.admin()?;
    let wave = crate::waves::by_slug(&state.db, &slug).await?;
    let list = invitations::list(&state.db, &wave).await?;
    Ok(warp::reply::json(&list).into_response())
}

#[utoipa::path(put, path = "/api/v1/waves/{slug}/reminders", tag = "invitations",
    params(("slug" = String, Path, description = "The wave's slug")),
    request_body = ReminderPolicy,
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "The policy now in force; unanswered invitations are rescheduled", body = ReminderPolicy),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such wave", body = ErrorBody),
        (status = 422, description = "Interval or maximum out of range", body = ErrorBody)))]
pub async fn set_reminders(
    slug: String,
    caller: Caller,
    policy: ReminderPolicy,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let wave = crate::waves::by_slug(&state.db, &slug).await?;
    invitations::set_policy(&state, &wave, &policy, &actor).await?;
    Ok(warp::reply::json(&policy).into_response())
}

#[utoipa::path(post, path = "/api/v1/waves/{slug}/reminders/send", tag = "invitations",
    params(("slug" = String, Path, description = "The wave's slug")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Reminders queued now for unanswered invitations with reminders left", body = RemindersQueued),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "Admins only", body = ErrorBody),
        (status = 404, description = "No such wave", body = ErrorBody)))]
pub async fn send_reminders(
    slug: String,
    caller: Caller,
    state: AppState,
) -> Result<Response, ApiError> {
    let actor = caller.admin()?;
    let wave = crate::waves::by_slug(&state.db, &slug).await?;
    let queued =
        invitations::send_reminders(&state, crate::infra::time::now(), Some(&wave)).await?;
    crate::infra::audit::audit(
        &state.db,
        &actor,
        "reminders.send",
        &wave.slug,
        serde_json::json!({ "queued": queued }),
    )
    .await?;
    Ok(warp::reply::json(&RemindersQueued { queued }).into_response())
}

#[utoipa::path(get, path = "/api/v1/waves/{slug}/response-rates", tag = "reports",
    params(("slug" = String, Path, description = "The wave's slug"), RatesQuery),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "Answered invitations / invited people per unit, for the units the caller may see", body = ResponseRates),
        (status = 401, description = "Sign in required", body = ErrorBody),
        (status = 403, description = "No report role, or a unit outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such wave or unit", body = ErrorBody)))]
pub async fn response_rates(
    slug: String,
    caller: Caller,
    query: RatesQuery,
    state: AppState,
) -> Result<Response, ApiError> {
    let mut scope = crate::access::scope::of(&caller, &state.db).await?;
    if let Some(code) = &query.unit {
        scope = crate::access::scope::narrow_to(&scope, &state.db, code).await?;
    }
    let wave = crate::waves::by_slug(&state.db, &slug).await?;
    let units = invitations::response_rates(&state.db, &wave, &scope).await?;
    Ok(warp::reply::json(&ResponseRates { units }).into_response())
}
