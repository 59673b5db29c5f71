//! The OpenAPI 3 document at `/api/v1/openapi.json`, generated from the handlers' `#[utoipa::path]`
//! annotations and the shared wire types. A test checks it against the route registry (`http::registered`).

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{Content, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::endpoint;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Serap API",
        description = "Survei dan umpan balik ASN Kota Serang / Survey and feedback service for the civil servants of Kota Serang. Every error has the shape {\"error\": {\"code\", \"message\", \"fields\": [{\"path\", \"message\"}]}}."
    ),
    paths(
        crate::operations::health::healthz,
        crate::operations::health::readyz,
        crate::operations::health::metrics,
        crate::operations::meta::get_meta,
        crate::access::routes::login,
        crate::access::routes::logout,
        crate::access::routes::me,
        crate::access::routes::audit_log,
        crate::access::routes::request_password_reset,
        crate::access::routes::confirm_password_reset,
        crate::accounts::routes::list_accounts,
        crate::accounts::routes::create_account,
        crate::accounts::routes::set_roles,
        crate::operations::test_email::send_test_email,
        crate::units::routes::list_units,
        crate::units::routes::create_unit,
        crate::units::routes::import_units,
        crate::roster::routes::list_people,
        crate::roster::routes::import_people,
        crate::surveys::routes::list_templates,
        crate::surveys::routes::create_survey,
        crate::surveys::routes::list_surveys,
        crate::surveys::routes::get_survey,
        crate::surveys::routes::update_draft,
        crate::surveys::routes::preview,
        crate::surveys::routes::publish,
        crate::waves::routes::create_wave,
        crate::waves::routes::list_waves,
        crate::waves::routes::update_wave,
        crate::responses::routes::get_form,
        crate::responses::routes::post_response,
        crate::invitations::routes::get_invitation_form,
        crate::invitations::routes::post_invited_response,
        crate::invitations::routes::post_credential,
        crate::invitations::routes::create_invitations,
        crate::invitations::routes::list_invitations,
        crate::invitations::routes::set_reminders,
        crate::invitations::routes::send_reminders,
        crate::invitations::routes::response_rates,
        crate::reports::routes::get_report,
        crate::reports::routes::report_csv,
        crate::reports::routes::report_xlsx,
        crate::reports::routes::raw_responses,
        crate::reports::routes::live,
        crate::digests::routes::create_subscription,
        crate::digests::routes::list_subscriptions,
        crate::digests::routes::update_subscription,
        crate::digests::routes::delete_subscription,
        crate::digests::routes::preview_digest,
        crate::digests::routes::list_failed,
        crate::digests::routes::retry_failed,
        crate::digests::routes::preview_page,
        crate::digests::routes::manage_page,
        crate::digests::routes::manage_submit,
        openapi_json,
    ),
    components(schemas(serap_shared::error::ErrorBody, serap_shared::error::FieldError)),
    modifiers(&Security, &CommonErrors)
)]
pub struct ApiDoc;

/// How callers authenticate: the bootstrap admin token, or a signed-in account's session cookie (with the
/// session's CSRF token on state-changing requests). Every operation annotated with `admin_token` accepts
/// either; the handler decides what the caller may do.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::access::COOKIE,
                "Set by `POST /api/v1/auth/login`; 30 minutes idle, 12 hours at most",
            ))),
        );
        components.add_security_scheme(
            "csrf_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The `csrf_token` of the session (`GET /api/v1/auth/me`), required with the cookie on \
                 every request other than GET",
            ))),
        );
        for (_, method, operation) in operations(openapi) {
            let Some(security) = operation.security.as_mut() else {
                continue;
            };
            if security
                .iter()
                .any(|s| s == &SecurityRequirement::new("admin_token", [""; 0]))
            {
                security.push(session(method));
            }
        }
    }
}

/// The session requirement of an operation: the cookie, and the CSRF header unless the method is safe.
fn session(method: &str) -> SecurityRequirement {
    let cookie = SecurityRequirement::new("session_cookie", [""; 0]);
    if method == "GET" {
        cookie
    } else {
        cookie.add("csrf_token", [""; 0])
    }
}

/// The errors any operation of a kind can answer, added where an annotation does not say them already, all
/// with the one error body: bodies too slow (408) or too large (413), malformed or wrongly shaped JSON
/// (400, 422), invalid query strings (400, 422), path parameters that match nothing (404), unreadable (400),
/// missing or insufficient credentials (401, 403), an unavailable database or session store (503) and,
/// under `/api`, an internal error (500).
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, _, operation) in operations(openapi) {
            let params = |place: ParameterIn| {
                operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| p.parameter_in == place)
            };
            let (query, path_params) = (params(ParameterIn::Query), params(ParameterIn::Path));
            let body = operation.request_body.is_some();
            let json_body = operation
                .request_body
                .as_ref()
                .is_some_and(|b| b.content.contains_key("application/json"));
            let secured = operation.security.is_some();
            let api = path.starts_with("/api/");
            let mut add = |status: &str, description: &str| {
                operation
                    .responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| error_response(description).into());
            };
            if body {
                add("408", "The body did not arrive in time");
                add("413", "Body too large");
            }
            if json_body {
                add("400", "Malformed JSON");
                add(
                    "422",
                    "JSON of the wrong shape, or invalid fields (each named by its path)",
                );
            }
            if query {
                add("400", "Invalid query string");
                add(
                    "422",
                    "A query parameter the database cannot store (the NUL character)",
                );
            }
            if path_params {
                add("404", "Nothing at this address");
            }
            if secured {
                add(
                    "400",
                    "An Authorization, Cookie or X-CSRF-Token header that is not visible ASCII",
                );
                add("401", "Sign in required");
                add(
                    "403",
                    "Not allowed for this account, or the CSRF token is missing",
                );
            }
            if api {
                add("500", "Internal error (details are logged, never sent)");
            }
            if api || secured {
                add(
                    "503",
                    "The database or the session store is unavailable; retry later",
                );
            }
        }
    }
}

fn error_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
}

/// Every operation as `(path, METHOD, operation)`.
fn operations(
    openapi: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<Item = (&str, &'static str, &mut Operation)> {
    openapi.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            ("GET", item.get.as_mut()),
            ("POST", item.post.as_mut()),
            ("PUT", item.put.as_mut()),
            ("PATCH", item.patch.as_mut()),
            ("DELETE", item.delete.as_mut()),
        ]
        .into_iter()
        .filter_map(move |(method, op)| op.map(|op| (path.as_str(), method, op)))
    })
}

/// One Server-Sent Event of `GET /api/v1/waves/{slug}/live`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LiveNotice {
    pub event: LiveNoticeKind,
    /// The wave's id.
    pub data: uuid::Uuid,
}

/// `ready` once when the stream opens, then `updated` whenever new responses were counted.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LiveNoticeKind {
    Ready,
    Updated,
}

pub fn routes() -> BoxedFilter<(Response,)> {
    let document = ApiDoc::openapi()
        .to_json()
        .expect("the OpenAPI document serialises");
    endpoint!(get, "api" / "v1" / "openapi.json")
        .map(move || openapi_json(document.clone()))
        .boxed()
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json", body = Object)))]
pub fn openapi_json(document: String) -> Response {
    warp::reply::with_header(document, "content-type", "application/json").into_response()
}

/// Every documented operation as `(METHOD, /path/{})`, comparable with `http::registered()`.
pub fn documented() -> Vec<(String, String)> {
    let doc = ApiDoc::openapi();
    let mut out = Vec::new();
    for (path, item) in doc.paths.paths.iter() {
        let shape: String = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s.starts_with('{') {
                    "/{}".to_string()
                } else {
                    format!("/{s}")
                }
            })
            .collect();
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("PATCH", item.patch.is_some()),
            ("DELETE", item.delete.is_some()),
        ];
        for (method, present) in methods {
            if present {
                out.push((method.to_string(), shape.clone()));
            }
        }
    }
    out.sort();
    out
}
