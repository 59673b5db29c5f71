//! Talking to the server under test through its HTTP API: requests as admin (the bearer token), accounts
//! created in the database and signed in through the login endpoint, the one JSON error shape, and bounded
//! waiting for what the server does in the background.

use std::time::Duration;

use serap_shared::domain::EmailAddress;
use serde_json::Value;
use uuid::Uuid;

use super::app::{ADMIN_TOKEN, TestApp};
use serap_tests::SignedIn;

/// The password of the accounts `TestApp::signed_in` creates.
pub const PASSWORD: &str = "kata-sandi-panjang-1";

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    /// GET as admin.
    pub async fn admin_get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .expect("GET")
    }

    /// PUT as admin.
    pub async fn put_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .put(self.url(path))
            .bearer_auth(ADMIN_TOKEN)
            .json(body)
            .send()
            .await
            .expect("PUT")
    }

    /// POST as admin.
    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(ADMIN_TOKEN)
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// Creates an account straight in the database (as `serap-server` does for its first admin); returns
    /// its id.
    pub async fn create_account(
        &self,
        email: &str,
        name: &str,
        password: &str,
        roles: &[(&str, Option<Uuid>)],
    ) -> Uuid {
        let roles: Vec<(serap_shared::domain::Role, Option<Uuid>)> = roles
            .iter()
            .map(|(role, unit)| {
                (
                    serap_shared::domain::Role::parse(role).expect("a role"),
                    *unit,
                )
            })
            .collect();
        serap_server::accounts::create_account(
            &self.state.db,
            &EmailAddress::parse(email).expect("a valid address"),
            name,
            password,
            &roles,
        )
        .await
        .unwrap_or_else(|e| panic!("create the account {email}: {e:#}"))
    }

    /// Signs an existing account in through the login endpoint.
    pub async fn sign_in(&self, email: &str, password: &str) -> SignedIn {
        SignedIn::sign_in(&self.http, &self.base, email, password)
            .await
            .unwrap_or_else(|e| panic!("{e:#}"))
    }

    /// A new account with `role` (`manager`, `leader`, `viewer` on `unit`, or city-wide without one;
    /// `admin`, whatever `unit` says; `none`: no role at all), signed in through the login endpoint. Its
    /// address is new for each call (`SignedIn::email`), its password `PASSWORD`.
    pub async fn signed_in(&self, role: &str, unit: Option<Uuid>) -> SignedIn {
        let email = format!(
            "{role}.{}@serangkota.go.id",
            &Uuid::new_v4().simple().to_string()[..8]
        );
        let roles: Vec<(&str, Option<Uuid>)> = match role {
            "none" => Vec::new(),
            "admin" => vec![("admin", None)],
            other => vec![(other, unit)],
        };
        self.create_account(&email, role, PASSWORD, &roles).await;
        self.sign_in(&email, PASSWORD).await
    }
}

/// Asserts a response is the one JSON error shape with `status` and `code`; returns the error object.
pub async fn assert_error(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(
        response.status().as_u16(),
        status,
        "status of {}",
        response.url()
    );
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "content type {content_type}"
    );
    let body: Value = response.json().await.expect("JSON error body");
    let error = &body["error"];
    assert_eq!(error["code"], code, "error code in {body}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "message in {body}"
    );
    assert!(error["fields"].is_array(), "fields in {body}");
    assert_eq!(
        body.as_object().map(|o| o.len()),
        Some(1),
        "only `error` in {body}"
    );
    error.clone()
}

/// Polls `check` every 50 ms until it returns `Some`, for at most `limit` (bounded waiting, not timing).
pub async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("gave up waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
