//! Accounts, sessions (in the database, or in Redis shared by instances), CSRF, roles, password reset by
//! emailed link and the audit log (docs/design.md invariant 6: the server decides access).

mod accounts;
mod password_reset;
mod redis_sessions;
mod sessions;

use serde_json::json;

use crate::helpers::{PASSWORD, SignedIn, TestApp};

/// The login request as given; its answer is what these tests check.
async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

/// Signs `email` in (password `PASSWORD`), checking what the login sets: an `HttpOnly`, `SameSite=Lax`
/// session cookie, and the account it answers with.
async fn signed_in(app: &TestApp, email: &str) -> SignedIn {
    let session = app.sign_in(email, PASSWORD).await;
    assert!(
        session.set_cookie.contains("HttpOnly") && session.set_cookie.contains("SameSite=Lax"),
        "{}",
        session.set_cookie
    );
    assert_eq!(session.me["email"], email);
    session
}

/// The status of `GET /api/v1/auth/me` with `cookie`.
async fn me_status(app: &TestApp, cookie: &str) -> u16 {
    app.http
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
