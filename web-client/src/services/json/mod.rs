//! Reading and writing the JSON the client receives, sends or keeps, without a JSON crate: text is parsed by
//! the browser (`JSON.parse`) and the result converted by hand; JSON is written by hand. serde's derived
//! (de)serialisers and serde_json's parser and float tables made up a large part of the wasm.
//!
//! Reading mirrors the derived `Deserialize` impls for the JSON the server and this client write (maps, not
//! serde's sequence forms of structs); anything not of the expected shape is `None` (the callers never show
//! why). The server remains the authority: it validates every submission again.
//!
//! - `read`: the reader of parsed JSON (fields, `Option` and `#[serde(default)]` fields, numbers, lists);
//! - `survey`: the survey model (definitions, questions, conditions, answers), as `serap_shared::survey`'s
//!   `wire.rs` reads it;
//! - `api`: the API bodies the respondent app reads, and what it keeps on the device;
//! - `write`: JSON written by hand, as serde_json writes it.
//!
//! `tests/json_reader/` holds the reader to serde_json's reading of the same text.

mod api;
mod read;
mod survey;
mod write;

pub use read::{FromJson, parse};
pub use write::{ToJson, num_text};
