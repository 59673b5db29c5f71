//! The console (`/console/`, a bundle of its own) in real Chromium at 412 x 915 against the real server:
//! signing in and out, a roster CSV checked by a dry run, a forgotten password reset by email (`sign_in`);
//! a wave's invitations sent from the console and answered once through the personal link
//! (`invitations`); accounts and roles (`accounts`); and the respondent's page stays free of the console's
//! code (`bundles`).

mod accounts;
mod bundles;
mod invitations;
mod sign_in;

use std::time::Duration;

use crate::helpers::{TestApp, eventually, read_eml_dir};

/// The part of the first emailed message after `marker`, up to the first character that is not alphanumeric.
pub(super) async fn emailed_after(app: &TestApp, marker: &str) -> String {
    let dir = app.data_dir.join("outbox");
    let messages = eventually(Duration::from_secs(20), "the email", || async {
        let messages = read_eml_dir(&dir);
        (!messages.is_empty()).then_some(messages)
    })
    .await;
    let message = mail_parser::MessageParser::default()
        .parse(&messages[0])
        .expect("valid MIME");
    let text = message.body_text(0).expect("plain-text part").to_string();
    text.split(marker)
        .nth(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .unwrap_or_else(|| panic!("{marker} in {text}"))
}
