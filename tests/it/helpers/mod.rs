//! The test harness, the one place test modules import shared code from: the server under test
//! (`app`), its HTTP API and signed-in accounts (`api`, and `SignedIn` from the `serap-tests` library),
//! surveys, answers and invitations to test with (`fixtures`), a real SMTP server (`smtp`), headless
//! Chromium (`browser`) and the captured server logs (`logs`).

mod api;
mod app;
mod browser;
mod fixtures;
pub mod logs;
mod smtp;

pub use api::{PASSWORD, assert_error, eventually};
pub use app::{ADMIN_TOKEN, Db, TestApp, TestConfig, free_port, in_ci, service, spawn_app};
pub use browser::{
    Browser, CONSOLE_ADMIN_EMAIL, CONSOLE_ADMIN_NAME, CONSOLE_ADMIN_PASSWORD, answer, client_built,
    console_admin, console_built, element, exists, fill_sections, no_horizontal_scroll,
    number_text, tap, type_into,
};
pub use fixtures::{
    form, import_roster, invitation_states, obtain, personal_form, post_response, report,
    request_credential, skm_answers, submit, submit_open, tokens_by_recipient, unit_id,
};
pub use serap_tests::SignedIn;
pub use smtp::{SmtpSink, read_eml_dir};
