//! Serap's shared vocabulary: the types that cross the wire between the server and the web client, and the
//! pure logic both sides run. No I/O and no async runtime here: this crate builds for wasm32 and native.

pub mod api;
pub mod digest;
pub mod domain;
pub mod error;
pub mod events;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod i18n;
pub mod keywords;
pub mod nip;
pub mod report;
pub mod scope;
pub mod survey;
pub mod templates;
