//! Operating the service: health and readiness, metrics, server facts, a test email.

pub mod health;
pub mod meta;
pub mod test_email;
