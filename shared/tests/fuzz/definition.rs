//! Fuzz target: survey definitions, as JSON text through the serde reader and `validate_definition`.

use proptest::collection::vec;
use proptest::prelude::*;
use serap_shared::fuzzing::fuzz;
use serap_shared::survey::{SurveyDefinition, validate_definition};
use serde_json::Value;

use crate::bytes::{Bytes, apply_bytes, byte_edit, raw_bytes};
use crate::json::{Edit, apply_edits, arbitrary_json, edit, gentle_edit};
use crate::surveys::{TEMPLATES, check_definition, template_index};

/// Template `t` with `edits`, as JSON text.
fn edited(t: usize, edits: &[Edit]) -> Vec<u8> {
    serde_json::to_vec(&apply_edits(TEMPLATES[t].json.clone(), edits)).unwrap()
}

fn definition_text() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        // A template, unchanged: must stay valid.
        1 => (template_index(), any::<bool>()).prop_map(|(t, pretty)| {
            let json = &TEMPLATES[t].json;
            if pretty { serde_json::to_vec_pretty(json) } else { serde_json::to_vec(json) }.unwrap()
        }),
        // Structure-aware: a template with a few JSON-level changes, gentle or not.
        6 => (template_index(), vec(gentle_edit(), 1..4)).prop_map(|(t, edits)| edited(t, &edits)),
        3 => (template_index(), vec(edit(), 1..6)).prop_map(|(t, edits)| edited(t, &edits)),
        // A template's text with a few byte-level changes.
        3 => (template_index(), vec(byte_edit(), 1..5))
            .prop_map(|(t, edits)| apply_bytes(TEMPLATES[t].text.clone(), &edits)),
        // Arbitrary JSON documents and bytes.
        2 => arbitrary_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        2 => raw_bytes(),
    ]
    .prop_map(Bytes)
}

#[test]
fn fuzz_survey_definition() {
    fuzz(
        "fuzz_survey_definition",
        definition_text(),
        |Bytes(text)| {
            let Ok(def) = serde_json::from_slice::<SurveyDefinition>(&text) else {
                // Also through a `Value` first, as the server reads stored definitions.
                if let Ok(value) = serde_json::from_slice::<Value>(&text) {
                    let _ = serde_json::from_value::<SurveyDefinition>(value);
                }
                return Ok(());
            };
            if let Some(t) = TEMPLATES.iter().find(|t| t.text == text) {
                prop_assert_eq!(&def, &t.definition);
                prop_assert_eq!(validate_definition(&def), vec![]);
            }
            check_definition(&def)
        },
    );
}

#[test]
fn templates_stay_valid_through_json() {
    for t in TEMPLATES.iter() {
        for text in [
            serde_json::to_vec(&t.json).unwrap(),
            serde_json::to_vec_pretty(&t.json).unwrap(),
        ] {
            let def: SurveyDefinition = serde_json::from_slice(&text).unwrap();
            assert_eq!(def, t.definition);
            assert_eq!(validate_definition(&def), vec![]);
        }
    }
}
