//! The edge cases of the serde tests (`edge_cases_read_as_before` in `wire_tests.rs`), and where the two
//! readers are known to differ on them.

use serap_shared::survey::{Answer, Condition, Question, Scalar};
use serde::de::DeserializeOwned;
use wasm_bindgen_test::wasm_bindgen_test;
use web_client::json::FromJson;

use super::{alike, both};

/// Where the readers are known to differ, and why: serde also reads a struct from the sequence of its
/// fields, and the `kind` of a question from its index (through `#[serde(flatten)]`); the server writes
/// neither, and the respondent's reader reads neither. And `JSON.parse` reads `5.0` as `5`: the respondent's
/// reader cannot tell a whole number written with a zero fraction from the whole number, which serde
/// refuses where it wants an integer.
const KNOWN: [(&str, bool); 9] = [
    (r#"{"id":"q","text":{"id":"a"},"kind":4,"max":5}"#, false),
    (
        r#"{"id":"q","text":["a","b"],"kind":"rating","max":5}"#,
        false,
    ),
    (
        r#"{"id":"q","text":{"id":"a"},"kind":"rating","max":5.0}"#,
        true,
    ),
    (
        r#"{"id":"q","text":{"id":"a"},"kind":"single_choice","options":[["x",{"id":"X"}]]}"#,
        false,
    ),
    (
        r#"{"id":"q","text":{"id":"a"},"kind":"likert","scale":[2,[]]}"#,
        false,
    ),
    (r#"["answered","q"]"#, false),
    (r#"["equals","q","ya"]"#, false),
    (r#"[["t",1,2]]"#, false),
    (r#"{"r1":1.0}"#, true),
];

/// A text of `KNOWN`: the respondent's reader accepts it (`true`) or rejects it, and serde the other way.
fn known<T: FromJson + DeserializeOwned>(text: &str) -> bool {
    let Some(&(_, ours_accept)) = KNOWN.iter().find(|(t, _)| *t == text) else {
        return false;
    };
    let (ours, serde) = both::<T>(text);
    assert_eq!(
        ours.is_some(),
        ours_accept,
        "the respondent's reader on {text}"
    );
    assert_eq!(serde.is_some(), !ours_accept, "serde on {text}");
    true
}

/// The edge cases of the serde tests (`edge_cases_read_as_before` in `wire_tests.rs`).
#[wasm_bindgen_test]
fn the_edge_cases_of_the_serde_tests() {
    for &text in EDGE_QUESTIONS {
        if !known::<Question>(text) {
            alike::<Question>(text);
        }
    }
    for &text in EDGE_CONDITIONS {
        if !known::<Condition>(text) {
            alike::<Condition>(text);
        }
    }
    for &text in EDGE_ANSWERS {
        if !known::<Answer>(text) {
            alike::<Answer>(text);
        }
        alike::<Scalar>(text);
    }
    // Every known difference was met.
    for (text, _) in KNOWN {
        assert!(
            EDGE_QUESTIONS.contains(&text)
                || EDGE_CONDITIONS.contains(&text)
                || EDGE_ANSWERS.contains(&text),
            "{text}"
        );
    }
}

include!("../../../shared/src/survey/wire_edge_cases.rs");
