//! The OpenAPI 3 document at `/api/v1/openapi.json`, generated from the handlers' `#[utoipa::path]`
//! annotations and the shared wire types. A test checks it against the route registry (`routes::registered`).

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Reply};

use crate::endpoint;
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Serap API",
        description = "Survei dan umpan balik ASN Kota Serang / Survey and feedback service for the civil servants of Kota Serang. Every error has the shape {\"error\": {\"code\", \"message\", \"fields\": [{\"path\", \"message\"}]}}."
    ),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::health::metrics,
        routes::meta::get_meta,
        routes::auth::login,
        routes::auth::logout,
        routes::auth::me,
        routes::auth::audit_log,
        routes::auth::request_password_reset,
        routes::auth::confirm_password_reset,
        routes::accounts::list_accounts,
        routes::accounts::create_account,
        routes::accounts::set_roles,
        routes::admin::send_test_email,
        routes::units::list_units,
        routes::units::create_unit,
        routes::units::import_units,
        routes::people::list_people,
        routes::people::import_people,
        routes::surveys::list_templates,
        routes::surveys::create_survey,
        routes::surveys::list_surveys,
        routes::surveys::get_survey,
        routes::surveys::update_draft,
        routes::surveys::preview,
        routes::surveys::publish,
        routes::waves::create_wave,
        routes::waves::list_waves,
        routes::forms::get_form,
        routes::forms::post_response,
        routes::invitations::get_invitation_form,
        routes::invitations::post_invited_response,
        routes::invitations::create_invitations,
        routes::invitations::list_invitations,
        routes::invitations::set_reminders,
        routes::invitations::send_reminders,
        routes::invitations::response_rates,
        routes::reports::get_report,
        routes::reports::report_csv,
        routes::reports::report_xlsx,
        routes::reports::raw_responses,
        routes::reports::live,
        routes::digests::create_subscription,
        routes::digests::list_subscriptions,
        routes::digests::update_subscription,
        routes::digests::delete_subscription,
        routes::digests::preview_digest,
        routes::digests::list_failed,
        routes::digests::retry_failed,
        routes::digests::preview_page,
        routes::digests::manage_page,
        routes::digests::manage_submit,
        openapi_json,
    ),
    components(schemas(serap_shared::error::ErrorBody, serap_shared::error::FieldError)),
    modifiers(&AdminToken)
)]
pub struct ApiDoc;

struct AdminToken;

impl Modify for AdminToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
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
    responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json")))]
pub fn openapi_json(document: String) -> Response {
    warp::reply::with_header(document, "content-type", "application/json").into_response()
}

/// Every documented operation as `(METHOD, /path/{})`, comparable with `routes::registered()`.
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
