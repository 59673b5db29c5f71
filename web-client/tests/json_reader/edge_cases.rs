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
    let questions = [
        r#"{"id":"q","text":{"id":"a"},"kind":"nps"}"#,
        r#"{"id":"q","text":{"id":"a","en":null},"help":null,"visible_if":null,"kind":"nps","extra":1}"#,
        r#"{"id":"q","text":{"id":"a"},"required":null,"kind":"nps"}"#,
        r#"{"id":"q","text":{"id":"a"},"required":true,"kind":"job_level"}"#,
        r#"{"id":"q","text":{"id":"a"}}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"nope"}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":4,"max":5}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":20,"max":5}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":null}"#,
        r#"{"id":"q","text":["a","b"],"kind":"rating","max":5}"#,
        r#"{"id":"q","text":["a","b","c"],"kind":"rating","max":5}"#,
        r#"{"id":"q","text":[],"kind":"rating","max":5}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"rating","max":5.0}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"rating","max":256}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"rating","max":-1}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"rating"}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"short_text","max_length":4294967296}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"long_text","max_length":4294967295}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"workload_tasks","max_tasks":3}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"number"}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"number","integer":null}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"number","integer":true,"min":-1,"max":1e3,"unit":{"id":"kg"}}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"number","min":"1"}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"date","min":"2020-01-01","max":null}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"date","min":1}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"single_choice","options":[{"id":"x","label":{"id":"X"}}]}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"single_choice","options":[["x",{"id":"X"}]]}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"single_choice","options":{}}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"multiple_choice","options":[],"min":1,"max":null}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"multiple_choice","options":[],"min":1.5}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"ranking","options":[{"id":"x"}]}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"likert","scale":{"points":2,"labels":[{"id":"a"},{"id":"b"}]}}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"likert","scale":[2,[]]}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"likert_matrix","scale":{"points":2,"labels":[]},"rows":[{"id":"r","label":{"id":"R"}}]}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"competency","code":"c","group":"teknis","levels":[]}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"competency","code":"c","group":"other","levels":[]}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"competency","code":"c","group":1,"levels":[]}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"nps","visible_if":{"op":"answered","question":"p"}}"#,
        r#"{"id":"q","text":{"id":"a"},"kind":"nps","visible_if":{"op":"bogus"}}"#,
        r#"["q",{"id":"a"},null,false,null,"nps"]"#,
        r#"null"#,
        r#"5"#,
    ];
    for text in questions {
        if !known::<Question>(text) {
            alike::<Question>(text);
        }
    }
    let conditions = [
        r#"{"op":"equals","question":"q","value":"ya"}"#,
        r#"{"op":"not_equals","question":"q","value":3}"#,
        r#"{"op":"equals","question":"q","value":null}"#,
        r#"{"op":"equals","question":"q","value":[1]}"#,
        r#"{"op":"in","question":"q","values":["a",1,2.5]}"#,
        r#"{"op":"in","question":"q","values":[true]}"#,
        r#"{"op":"greater","question":"q","value":1}"#,
        r#"{"op":"less","question":"q","value":"1"}"#,
        r#"{"op":"answered","question":"q","x":1}"#,
        r#"{"op":"answered"}"#,
        r#"{"question":"q"}"#,
        r#"{"op":1,"question":"q"}"#,
        r#"{"op":"and","all":[{"op":"answered","question":"q"},{"op":"or","any":[]}]}"#,
        r#"{"op":"not","condition":{"op":"answered","question":"q"}}"#,
        r#"{"op":"not","condition":null}"#,
        r#"["answered","q"]"#,
        r#"["equals","q","ya"]"#,
        r#"["answered","q","x"]"#,
        r#"[]"#,
        r#""answered""#,
    ];
    for text in conditions {
        if !known::<Condition>(text) {
            alike::<Condition>(text);
        }
    }
    let answers = [
        "1",
        "-2.5",
        "1e300",
        r#""x""#,
        "[]",
        r#"["a","b"]"#,
        r#"["a",1]"#,
        r#"[{"task":"t","volume":1,"minutes":2.5}]"#,
        r#"[{"task":"t","volume":1,"minutes":2.5,"x":null}]"#,
        r#"[{"task":"t","volume":1}]"#,
        r#"[["t",1,2]]"#,
        r#"[["t",1,2,3]]"#,
        r#"{}"#,
        r#"{"r1":1,"r2":255}"#,
        r#"{"r1":256}"#,
        r#"{"r1":-1}"#,
        r#"{"r1":1.0}"#,
        "null",
        "true",
    ];
    for text in answers {
        if !known::<Answer>(text) {
            alike::<Answer>(text);
        }
        alike::<Scalar>(text);
    }
    // Every known difference was met.
    for (text, _) in KNOWN {
        assert!(
            questions.contains(&text) || conditions.contains(&text) || answers.contains(&text),
            "{text}"
        );
    }
}
