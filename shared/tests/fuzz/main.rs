//! Fuzz targets for what `shared` reads from outside: survey definitions (JSON text -> serde -> validation),
//! responses (answers -> validation -> counters) and NIPs. The CSV roster import is fuzzed in the server
//! crate (`server/src/infra/csv/fuzz.rs`).
//!
//! Each target runs random inputs for a bounded wall-clock time: `SERAP_FUZZ_SECONDS` (default 3, so an
//! ordinary `cargo test` stays quick; `scripts/test` gives each target more). Inputs mix structure-aware
//! ones (mutations of the five built-in templates, of `example_answers` and of generated valid NIPs) with
//! arbitrary bytes and strings. A failure is shrunk to a minimal input and reported with the seed that
//! found it; `SERAP_FUZZ_SEED=<seed>` replays the same inputs. Keep every crash found as a unit test next
//! to the fixed code.
//!
//! Modules: one per target ([`definition`], [`response`], [`nip`]) and what they share: raw inputs and
//! byte-level edits ([`bytes`]), structure-aware JSON edits ([`json`]) and the templates as fixtures with the
//! properties every accepted definition and response has ([`surveys`]).

mod bytes;
mod definition;
mod json;
mod nip;
mod response;
mod surveys;
