//! Password reset by emailed link: the same answer for unknown addresses, a bilingual email with a
//! one-time link of which only the token's hash is stored, the old password and sessions ended, requests
//! limited per address.

use mail_parser::MessageParser;
use sea_orm::{EntityTrait, PaginatorTrait};
use serap_server::accounts::create_account;
use serap_server::entities::{outbox_message, password_reset};
use serap_server::infra::tokens::sha256_hex;
use serap_shared::domain::EmailAddress;
use serap_shared::domain::Role;
use serde_json::{Value, json};

use super::{login, me_status, signed_in};
use crate::helpers::{Db, PASSWORD, SmtpSink, TestApp, TestConfig, assert_error};
use crate::on_both_databases;

on_both_databases!(password_reset_by_emailed_link);

const NEW_PASSWORD: &str = "kata-sandi-baru-yang-panjang";

async fn request_reset(app: &TestApp, email: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/password-reset"))
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap()
}

async fn confirm_reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/password-reset/confirm"))
        .json(&json!({ "token": token, "password": password }))
        .send()
        .await
        .unwrap()
}

/// The one field of a 422 and its message.
async fn field_error(response: reqwest::Response) -> (String, String) {
    let error = assert_error(response, 422, "validation_failed").await;
    let fields = error["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{error}");
    (
        fields[0]["path"].as_str().unwrap().to_string(),
        fields[0]["message"].as_str().unwrap().to_string(),
    )
}

async fn password_reset_by_emailed_link(db: Db) {
    let sink = SmtpSink::start().await;
    let app = TestConfig::new(db).smtp(sink.url()).spawn().await;
    let email = EmailAddress::parse("sekretaris.bkpsdm@serangkota.go.id").unwrap();
    create_account(
        &app.state.db,
        &email,
        "Sekretaris <BKPSDM>",
        PASSWORD,
        &[(Role::Manager, None)],
    )
    .await
    .unwrap();
    let old_cookie = signed_in(&app, email.as_str()).await.cookie;

    // An unknown address gets the very same answer, and no mail.
    let unknown = request_reset(&app, "tidak.terdaftar@serangkota.go.id").await;
    assert_eq!(unknown.status(), 202);
    let unknown: Value = unknown.json().await.unwrap();
    let known = request_reset(&app, "Sekretaris.BKPSDM@SerangKota.go.id").await;
    assert_eq!(known.status(), 202);
    assert_eq!(known.json::<Value>().await.unwrap(), unknown);
    assert_eq!(
        outbox_message::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        1,
        "one message, for the known address only"
    );

    // The email: Indonesian first, English below, the link in both parts.
    let messages = sink.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    let message = MessageParser::default().parse(&messages[0]).unwrap();
    assert_eq!(
        message.subject(),
        Some("Atur ulang kata sandi Serap / Reset your Serap password")
    );
    assert_eq!(
        message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address()),
        Some(email.as_str())
    );
    let text = message.body_text(0).expect("plain-text part").to_string();
    let indonesian = text.find("Kami menerima permintaan").expect(&text);
    let english = text.find("We received a request").expect(&text);
    assert!(indonesian < english, "{text}");
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/console/reset/"))
        .unwrap_or_else(|| panic!("reset link in {text}"))
        .to_string();
    assert!(
        link.starts_with(&format!("{}/console/reset/", app.state.settings.base_url)),
        "{link}"
    );
    let token = link.rsplit('/').next().unwrap().to_string();
    assert_eq!(token.len(), 64);
    let html = message.body_html(0).expect("HTML part");
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    assert!(html.contains("Sekretaris &lt;BKPSDM&gt;"), "{html}");
    // Only the token's hash is stored.
    let rows = password_reset::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].token_hash, sha256_hex(&token));

    // A weak password is refused without using up the link; a wrong token is refused by name.
    let (path, _) = field_error(confirm_reset(&app, &token, "pendek").await).await;
    assert_eq!(path, "password");
    let (path, message) = field_error(confirm_reset(&app, "bukan-token", NEW_PASSWORD).await).await;
    assert_eq!(path, "token");
    assert!(
        message.contains("Tautan") && message.contains("link"),
        "{message}"
    );

    let confirmed = confirm_reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(confirmed.status(), 204);

    // The old password no longer works, the new one does, and the old session was signed out.
    assert_error(
        login(&app, email.as_str(), PASSWORD).await,
        401,
        "unauthorized",
    )
    .await;
    assert_eq!(
        login(&app, email.as_str(), NEW_PASSWORD).await.status(),
        200
    );
    assert_eq!(me_status(&app, &old_cookie).await, 401);

    // The link works once.
    let (path, _) = field_error(confirm_reset(&app, &token, "lagi-kata-sandi-lain").await).await;
    assert_eq!(path, "token");
    assert_eq!(
        login(&app, email.as_str(), NEW_PASSWORD).await.status(),
        200
    );

    let log: Vec<Value> = app.admin_get("/api/v1/audit").await.json().await.unwrap();
    let entry = log
        .iter()
        .find(|e| e["action"] == "password_reset")
        .expect("password reset audited");
    assert_eq!(entry["actor"], email.as_str());

    // Requests are limited per address whether or not it has an account (3 an hour), and malformed
    // addresses are refused by field.
    for _ in 0..2 {
        let r = request_reset(&app, "tidak.terdaftar@serangkota.go.id").await;
        assert_eq!(r.status(), 202);
    }
    assert_error(
        request_reset(&app, "tidak.terdaftar@serangkota.go.id").await,
        429,
        "rate_limited",
    )
    .await;
    let (path, _) = field_error(request_reset(&app, "bukan-alamat").await).await;
    assert_eq!(path, "email");
    assert_eq!(sink.messages().len(), 1, "still only the one reset email");
}
