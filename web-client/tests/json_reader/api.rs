//! The API bodies the respondent app reads, as the server writes them, and written by hand out of shape.

use serap_shared::api::{
    Anonymity, Credential, CredentialIssued, CredentialKey, InvitationForm, PublicForm, Receipt,
    ServerInfo, SubmitResponse, Unit,
};
use serap_shared::error::{ErrorBody, ErrorDetail, FieldError};
use serap_shared::survey::{Answer, Answers};
use serap_shared::templates;
use wasm_bindgen_test::wasm_bindgen_test;

use super::{alike, both, uuid, written};

fn unit(n: u128, sector: Option<&str>, parent: Option<u128>) -> Unit {
    Unit {
        id: uuid(n),
        code: format!("U{n}"),
        name: format!("Unit {n}"),
        kind: "dinas".into(),
        sector: sector.map(Into::into),
        parent_id: parent.map(uuid),
    }
}

fn form(anonymity: Anonymity) -> PublicForm {
    PublicForm {
        wave_id: uuid(1),
        slug: "kepuasan-2026".into(),
        name: "Kepuasan 2026".into(),
        survey_version_id: uuid(2),
        version: 3,
        definition: templates::all().remove(0).definition,
        anonymity,
        opens_at: "2026-01-01T08:00:00+07:00".into(),
        closes_at: "2026-02-01T08:00:00+07:00".into(),
        is_open: true,
        units: vec![unit(10, Some("pendidikan"), None), unit(11, None, Some(10))],
    }
}

#[wasm_bindgen_test]
fn the_api_bodies_the_app_reads() {
    for anonymity in [
        Anonymity::Identified,
        Anonymity::Confidential,
        Anonymity::Anonymous,
    ] {
        written(&form(anonymity));
    }
    let key = CredentialKey {
        modulus: "c0ffee".into(),
        exponent: "010001".into(),
    };
    for credential_key in [None, Some(key.clone())] {
        written(&InvitationForm {
            greeting_name: "Siti".into(),
            unit_id: uuid(10),
            credential_key,
            form: form(Anonymity::Anonymous),
        });
    }
    written(&key);
    written(&vec![
        unit(1, None, None),
        unit(2, Some("kesehatan"), Some(1)),
    ]);
    written(&ServerInfo {
        name: "serap".into(),
        version: "0.1.0".into(),
        database: "postgres".into(),
        database_ok: true,
        bus: "redis".into(),
        mail: "smtp".into(),
        time_wib: "2026-01-01 08:00".into(),
    });
    written(&Receipt {
        submission_id: uuid(5),
        receipt_code: "SRP-7K3M-Q9TA".into(),
        received_on: "2026-01-02".into(),
    });
    for fields in [
        vec![],
        vec![FieldError {
            path: "answers.q1".into(),
            message: "wajib diisi".into(),
        }],
    ] {
        written(&ErrorBody {
            error: ErrorDetail {
                code: "validation_failed".into(),
                message: "periksa jawaban".into(),
                fields,
            },
        });
    }
    written(&CredentialIssued {
        blind_signature: "abcdef".into(),
    });
    let credential = Credential {
        message: "00ff".into(),
        signature: "ff00".into(),
    };
    written(&credential);
    for credential in [None, Some(credential)] {
        written(&SubmitResponse {
            submission_id: uuid(7),
            unit_id: uuid(10),
            answers: Answers::from([("q1".into(), Answer::Number(1.0))]),
            credential,
        });
    }
}

/// Bodies written by hand: fields left out, `null`, unknown, of the wrong type.
#[wasm_bindgen_test]
fn api_bodies_out_of_shape() {
    let id = "00000000-0000-0000-0000-000000000007";
    for text in [
        format!(r#"{{"submission_id":"{id}","unit_id":"{id}","answers":{{}}}}"#),
        format!(r#"{{"submission_id":"{id}","unit_id":"{id}","answers":{{}},"credential":null}}"#),
        format!(r#"{{"submission_id":"{id}","unit_id":"{id}","answers":{{}},"extra":1}}"#),
        format!(r#"{{"submission_id":"{id}","unit_id":"{id}"}}"#),
        format!(r#"{{"submission_id":"x","unit_id":"{id}","answers":{{}}}}"#),
    ] {
        alike::<SubmitResponse>(&text);
    }
    // The one known difference: serde refuses unknown fields in a `Credential`, the respondent's reader
    // ignores them. It reads a submission's credential only from its own outbox, which it wrote itself.
    let text = format!(
        r#"{{"submission_id":"{id}","unit_id":"{id}","answers":{{}},"credential":{{"message":"a","signature":"b","x":1}}}}"#
    );
    let (ours, serde) = both::<SubmitResponse>(&text);
    assert!(ours.is_some() && serde.is_none(), "{text}");
    for text in [
        r#"{"error":{"code":"c","message":"m"}}"#,
        r#"{"error":{"code":"c","message":"m","fields":null}}"#,
        r#"{"error":{"code":"c","message":"m","fields":[{"path":"p"}]}}"#,
        r#"{"error":{"code":"c"}}"#,
        r#"{"error":null}"#,
        r#"{}"#,
        r#"[]"#,
    ] {
        alike::<ErrorBody>(text);
    }
    for text in [
        format!(r#"{{"submission_id":"{id}","receipt_code":"R","received_on":"2026-01-02"}}"#),
        r#"{"submission_id":"00000000000000000000000000000007","receipt_code":"R","received_on":"d"}"#
            .into(),
        format!(r#"{{"submission_id":"{id}","receipt_code":7,"received_on":"d"}}"#),
        "null".into(),
    ] {
        alike::<Receipt>(&text);
    }
    for text in [
        format!(r#"{{"id":"{id}","code":"U","name":"N","kind":"k"}}"#),
        format!(
            r#"{{"id":"{id}","code":"U","name":"N","kind":"k","sector":null,"parent_id":null}}"#
        ),
        format!(r#"{{"id":"{id}","code":"U","name":"N","kind":"k","parent_id":"nope"}}"#),
        format!(r#"{{"id":"{id}","code":"U","name":"N"}}"#),
    ] {
        alike::<Unit>(&text);
    }
    let form = serde_json::to_value(form(Anonymity::Confidential)).unwrap();
    for (field, value) in [
        ("anonymity", serde_json::json!("secret")),
        ("version", serde_json::json!(3.5)),
        ("version", serde_json::json!(-4)),
        ("version", serde_json::json!(3_000_000_000u64)),
        ("is_open", serde_json::json!("yes")),
        ("units", serde_json::json!({})),
    ] {
        let mut changed = form.clone();
        changed[field] = value;
        alike::<PublicForm>(&changed.to_string());
    }
}
