//! The respondent app reads JSON with its own small reader (`web_client::json`, for the size of its
//! download); the server reads the same JSON with serde (`serap_shared::survey::wire` for the survey model,
//! derived `Deserialize` for the rest). Run in headless Chromium (`JSON.parse` is the browser's), this holds
//! both to the same reading of the same text: both accept it as the same value, or both reject it.
//!
//! The texts: the fixture of the serde tests (`wire_fixture.tsv`: the five templates and answers to each),
//! the templates' definitions, sections, questions and conditions as serde_json writes them, every question
//! kind and condition, every kind of answer, the API bodies the app reads, and the edge cases of the serde
//! tests (`wire_tests.rs`), where the two readers differ only as `edge_cases::KNOWN` says.
//!
//! The browser's reader exists only in wasm: built for the host (`cargo test --workspace`), this is empty.
//!
//! - this file: the fixture and the templates;
//! - `survey`: every question kind, condition and kind of answer;
//! - `api`: the API bodies the app reads, as the server writes them and out of shape;
//! - `edge_cases`: the edge cases of the serde tests.
#![cfg(target_family = "wasm")]

mod api;
mod edge_cases;
mod survey;

use std::fmt::Debug;

use serap_shared::i18n::Text;
use serap_shared::survey::{Answers, SurveyDefinition};
use serap_shared::templates;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_client::json::{self, FromJson};

wasm_bindgen_test_configure!(run_in_browser);

/// The respondent's reading and serde's reading of `text`: `None` where one rejects it.
fn both<T: FromJson + DeserializeOwned>(text: &str) -> (Option<T>, Option<T>) {
    (json::parse::<T>(text), serde_json::from_str::<T>(text).ok())
}

/// Both read `text` as the same value, or both reject it.
fn alike<T: FromJson + DeserializeOwned + PartialEq + Debug>(text: &str) {
    let (ours, serde) = both::<T>(text);
    assert_eq!(
        ours, serde,
        "the respondent's reader (left) and serde (right) differ on {text}"
    );
}

/// Both accept `text`, as the same value.
fn accepted<T: FromJson + DeserializeOwned + PartialEq + Debug>(text: &str) {
    let (ours, serde) = both::<T>(text);
    assert!(serde.is_some(), "serde rejects {text}");
    assert_eq!(
        ours, serde,
        "the respondent's reader (left) and serde (right) differ on {text}"
    );
}

/// `value` as the server writes it, read back by both alike.
fn written<T: FromJson + DeserializeOwned + Serialize + PartialEq + Debug>(value: &T) {
    let text = serde_json::to_string(value).unwrap();
    accepted::<T>(&text);
    assert_eq!(json::parse::<T>(&text).as_ref(), Some(value), "{text}");
}

fn text(id: &str) -> Text {
    Text::new(id, format!("{id} (en)"))
}

fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

#[wasm_bindgen_test]
fn the_fixture_of_the_serde_tests() {
    let mut definitions = 0;
    let mut answers = 0;
    for line in include_str!("../../../shared/src/survey/wire_fixture.tsv").lines() {
        let (id, text) = line.split_once('\t').unwrap();
        if id.contains(".answers") {
            accepted::<Answers>(text);
            answers += 1;
        } else {
            accepted::<SurveyDefinition>(text);
            definitions += 1;
        }
    }
    assert_eq!(definitions, templates::all().len());
    assert_eq!(answers, 3 * definitions);
}

#[wasm_bindgen_test]
fn the_templates_and_their_parts() {
    for t in templates::all() {
        written(&t.definition);
        for s in &t.definition.sections {
            written(s);
            if let Some(c) = &s.visible_if {
                written(c);
            }
            for q in &s.questions {
                written(q);
                if let Some(c) = &q.visible_if {
                    written(c);
                }
            }
        }
    }
}
