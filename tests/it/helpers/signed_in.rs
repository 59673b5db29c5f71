//! An account signed in through the real login endpoint (`POST /api/v1/auth/login`): its session cookie and
//! CSRF token, attached to the requests made on its behalf.
//!
//! This file is the `serap-tests` library (`it/lib.rs`), which the benchmarks use too, so that tests and
//! benchmarks sign in one way; the test binary reaches it through `helpers`. It needs nothing of the test
//! harness: a reqwest client and the server's base URL.

use anyhow::{Context, bail};
use serde_json::{Value, json};

/// The name of the session cookie the server sets.
const SESSION_COOKIE: &str = "serap_session";

/// A signed-in account: `get` sends its session cookie; `post`, `put`, `patch`, `delete` and `request` send
/// the cookie and the CSRF token.
#[derive(Clone)]
pub struct SignedIn {
    http: reqwest::Client,
    base: String,
    /// The account's address.
    pub email: String,
    /// The session cookie as a `Cookie` header value: `serap_session=<token>`.
    pub cookie: String,
    /// The CSRF token of the session (header `x-csrf-token`).
    pub csrf: String,
    /// The login answer's `Set-Cookie` header, attributes included.
    pub set_cookie: String,
    /// The login answer's body: the account, its roles and the CSRF token.
    pub me: Value,
}

impl SignedIn {
    /// Signs `email` in at `base` (`http://host:port`); fails unless the server answers 2xx with a session
    /// cookie and a CSRF token.
    pub async fn sign_in(
        http: &reqwest::Client,
        base: &str,
        email: &str,
        password: &str,
    ) -> anyhow::Result<SignedIn> {
        let r = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .context("sending the login request")?;
        if !r.status().is_success() {
            bail!(
                "signing in {email}: {} {}",
                r.status(),
                r.text().await.unwrap_or_default()
            );
        }
        let prefix = format!("{SESSION_COOKIE}=");
        let set_cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&prefix) && v.len() > prefix.len())
            .map(str::to_string)
            .context("the login set no session cookie")?;
        let cookie = set_cookie.split(';').next().unwrap_or_default().to_string();
        let me: Value = r.json().await.context("reading the login answer")?;
        let csrf = me["csrf_token"]
            .as_str()
            .context("the login answer has no CSRF token")?
            .to_string();
        Ok(SignedIn {
            http: http.clone(),
            base: base.trim_end_matches('/').to_string(),
            email: email.to_string(),
            cookie,
            csrf,
            set_cookie,
            me,
        })
    }

    /// The session token (the cookie's value).
    pub fn token(&self) -> &str {
        self.cookie.split_once('=').map(|(_, t)| t).unwrap_or("")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request to `path` with the session cookie and the CSRF token.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
    }

    /// GET with the session cookie (reading needs no CSRF token).
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("GET")
    }

    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send_json(reqwest::Method::POST, path, body).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send_json(reqwest::Method::PUT, path, body).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send_json(reqwest::Method::PATCH, path, body).await
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::DELETE, path)
            .send()
            .await
            .expect("DELETE")
    }

    async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> reqwest::Response {
        let what = method.to_string();
        self.request(method, path)
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what} {path}: {e}"))
    }
}
