//! JSON written by hand, as serde_json writes the derived `Serialize` (numbers excepted, see `ToJson`): what
//! the respondent app sends (submissions, credential requests) and keeps (the draft, the outbox).

use serap_shared::api::{Credential, CredentialRequest, SubmitResponse};
use serap_shared::survey::{Answer, TaskRow};
use uuid::Uuid;

use crate::services::store::{Draft, Queued};

/// A type written as JSON by hand, exactly as its derived `Serialize` writes it with `serde_json`, except
/// numbers: written the shortest way that reads back the same (`5`, not `5.0`). serde_json's float writer
/// carries a 10 KB table of powers of ten that would be in the wasm for this alone.
pub trait ToJson {
    fn write(&self, out: &mut String);

    fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

impl ToJson for str {
    /// Escaped as serde_json does: `"`, `\`, and control characters.
    fn write(&self, out: &mut String) {
        out.push('"');
        for c in self.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if c < ' ' => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(char::from(HEX[(c as usize) >> 4]));
                    out.push(char::from(HEX[(c as usize) & 15]));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

impl ToJson for String {
    fn write(&self, out: &mut String) {
        self.as_str().write(out)
    }
}

/// A number as the browser writes it (`Number.prototype.toString`: the shortest text that reads back the
/// same, as Rust's `Display`, with an exponent only below 1e-6 and from 1e21). Rust's float printing is
/// more than 10 KB of wasm; every number the respondent app writes goes through here instead, and the
/// shared validation messages too (`set_number_format`).
pub fn num_text(n: f64) -> String {
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

impl ToJson for f64 {
    /// Non-finite numbers are `null`, as serde_json writes them.
    fn write(&self, out: &mut String) {
        if self.is_finite() {
            out.push_str(&num_text(*self));
        } else {
            out.push_str("null");
        }
    }
}

impl ToJson for u32 {
    fn write(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl ToJson for u8 {
    fn write(&self, out: &mut String) {
        u32::from(*self).write(out)
    }
}

impl ToJson for bool {
    fn write(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl ToJson for Uuid {
    fn write(&self, out: &mut String) {
        self.hyphenated()
            .encode_lower(&mut Uuid::encode_buffer())
            .write(out)
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write(&self, out: &mut String) {
        match self {
            Some(v) => v.write(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write(&self, out: &mut String) {
        out.push('[');
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            v.write(out);
        }
        out.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write(&self, out: &mut String) {
        self.as_slice().write(out)
    }
}

/// `{"k":v,...}` from `(key, value)` pairs.
fn object<'a>(out: &mut String, fields: impl IntoIterator<Item = (&'a str, &'a dyn ToJson)>) {
    out.push('{');
    for (i, (k, v)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        k.write(out);
        out.push(':');
        v.write(out);
    }
    out.push('}');
}

impl<V: ToJson> ToJson for std::collections::BTreeMap<String, V> {
    fn write(&self, out: &mut String) {
        object(
            out,
            self.iter().map(|(k, v)| (k.as_str(), v as &dyn ToJson)),
        )
    }
}

impl ToJson for TaskRow {
    fn write(&self, out: &mut String) {
        object(
            out,
            [
                ("task", &self.task as &dyn ToJson),
                ("volume", &self.volume),
                ("minutes", &self.minutes),
            ],
        )
    }
}

impl ToJson for Answer {
    fn write(&self, out: &mut String) {
        match self {
            Answer::Number(n) => n.write(out),
            Answer::Text(s) => s.write(out),
            Answer::List(items) => items.write(out),
            Answer::Tasks(rows) => rows.write(out),
            Answer::Matrix(points) => points.write(out),
        }
    }
}

impl ToJson for SubmitResponse {
    fn write(&self, out: &mut String) {
        object(
            out,
            [
                ("submission_id", &self.submission_id as &dyn ToJson),
                ("unit_id", &self.unit_id),
                ("answers", &self.answers),
                ("credential", &self.credential),
            ],
        )
    }
}

impl ToJson for Draft {
    fn write(&self, out: &mut String) {
        object(
            out,
            [
                ("submission_id", &self.submission_id as &dyn ToJson),
                ("consent", &self.consent),
                ("unit_id", &self.unit_id),
                ("step", &self.step),
                ("answers", &self.answers),
                ("typed", &self.typed),
            ],
        )
    }
}

impl ToJson for Queued {
    fn write(&self, out: &mut String) {
        object(
            out,
            [("slug", &self.slug as &dyn ToJson), ("body", &self.body)],
        )
    }
}

impl ToJson for CredentialRequest {
    fn write(&self, out: &mut String) {
        object(
            out,
            [("blinded_message", &self.blinded_message as &dyn ToJson)],
        )
    }
}

impl ToJson for Credential {
    fn write(&self, out: &mut String) {
        object(
            out,
            [
                ("message", &self.message as &dyn ToJson),
                ("signature", &self.signature),
            ],
        )
    }
}
