//! Reading and writing the JSON the client receives, sends or keeps, without a JSON crate: text is parsed by
//! the browser (`JSON.parse`) and the result converted by hand; JSON is written by hand. serde's derived
//! (de)serialisers and serde_json's parser and float tables made up a large part of the wasm.
//!
//! Reading mirrors the derived `Deserialize` impls for the JSON the server and this client write (maps, not
//! serde's sequence forms of structs); anything not of the expected shape is `None` (the callers never show
//! why). The server remains the authority: it validates every submission again.

use js_sys::{Array, JSON, Object, Reflect};
use serap_shared::api::{
    Anonymity, Credential, CredentialIssued, CredentialKey, CredentialRequest, InvitationForm,
    PublicForm, Receipt, ServerInfo, SubmitResponse, Unit,
};
use serap_shared::error::{ErrorBody, ErrorDetail, FieldError};
use serap_shared::i18n::Text;
use serap_shared::survey::{
    Answer, Answers, ChoiceOption, CompetencyGroup, Condition, LikertScale, MatrixRow, Question,
    QuestionKind, Scalar, Section, SurveyDefinition, TaskRow,
};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

use crate::services::store::{Draft, Queued};

/// A type read from parsed JSON as its derived `Deserialize` would.
pub trait FromJson: Sized {
    fn from_json(v: &JsValue) -> Option<Self>;
}

pub fn parse<T: FromJson>(text: &str) -> Option<T> {
    T::from_json(&JSON::parse(text).ok()?)
}

type Read<T> = fn(&JsValue) -> Option<T>;

/// The fields of a JSON object.
struct Obj<'a>(&'a JsValue);

fn is_array(v: &JsValue) -> bool {
    Array::is_array(v)
}

fn obj(v: &JsValue) -> Option<Obj<'_>> {
    (v.is_object() && !is_array(v)).then_some(Obj(v))
}

impl Obj<'_> {
    /// The field's value; `undefined` when absent.
    fn get(&self, key: &str) -> JsValue {
        Reflect::get(self.0, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// A field that must be there.
    fn req<T>(&self, key: &str, read: Read<T>) -> Option<T> {
        read(&self.get(key))
    }

    /// An `Option` field: absent or `null` is `None`.
    fn opt<T>(&self, key: &str, read: Read<T>) -> Option<Option<T>> {
        let v = self.get(key);
        if v.is_undefined() || v.is_null() {
            Some(None)
        } else {
            read(&v).map(Some)
        }
    }

    /// A `#[serde(default)]` field: absent is the default.
    fn or_default<T: Default>(&self, key: &str, read: Read<T>) -> Option<T> {
        let v = self.get(key);
        if v.is_undefined() {
            Some(T::default())
        } else {
            read(&v)
        }
    }

    fn string(&self, key: &str) -> Option<String> {
        self.get(key).as_string()
    }

    fn uuid(&self, key: &str) -> Option<Uuid> {
        uuid(&self.get(key))
    }

    /// Every `(key, value)`.
    fn entries(&self) -> Vec<(String, JsValue)> {
        Object::keys(self.0.unchecked_ref::<Object>())
            .iter()
            .filter_map(|k| Some((k.as_string()?, Reflect::get(self.0, &k).ok()?)))
            .collect()
    }
}

fn string(v: &JsValue) -> Option<String> {
    v.as_string()
}

fn boolean(v: &JsValue) -> Option<bool> {
    v.as_bool()
}

fn number(v: &JsValue) -> Option<f64> {
    v.as_f64()
}

/// A whole number `0..=max`.
fn whole(v: &JsValue, max: u32) -> Option<u32> {
    let n = v.as_f64()?;
    (n >= 0.0 && n <= f64::from(max) && n.fract() == 0.0).then_some(n as u32)
}

fn uint32(v: &JsValue) -> Option<u32> {
    whole(v, u32::MAX)
}

fn uint8(v: &JsValue) -> Option<u8> {
    whole(v, 255).map(|n| n as u8)
}

fn uuid(v: &JsValue) -> Option<Uuid> {
    Uuid::parse_str(&v.as_string()?).ok()
}

fn list<T>(v: &JsValue, read: Read<T>) -> Option<Vec<T>> {
    if !is_array(v) {
        return None;
    }
    let a: &Array = v.unchecked_ref();
    let mut out = Vec::with_capacity(a.length() as usize);
    for item in a.iter() {
        out.push(read(&item)?);
    }
    Some(out)
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &JsValue) -> Option<Self> {
        list(v, T::from_json)
    }
}

impl FromJson for String {
    fn from_json(v: &JsValue) -> Option<Self> {
        v.as_string()
    }
}

// ---- the survey model (as `serap_shared::survey`'s `wire.rs` reads it) ----

fn text(v: &JsValue) -> Option<Text> {
    let o = obj(v)?;
    Some(Text {
        id: o.string("id")?,
        en: o.opt("en", string)?,
    })
}

fn texts(v: &JsValue) -> Option<Vec<Text>> {
    list(v, text)
}

fn choice(v: &JsValue) -> Option<ChoiceOption> {
    let o = obj(v)?;
    Some(ChoiceOption {
        id: o.string("id")?,
        label: o.req("label", text)?,
    })
}

fn choices(v: &JsValue) -> Option<Vec<ChoiceOption>> {
    list(v, choice)
}

fn row(v: &JsValue) -> Option<MatrixRow> {
    let o = obj(v)?;
    Some(MatrixRow {
        id: o.string("id")?,
        label: o.req("label", text)?,
    })
}

fn scale(v: &JsValue) -> Option<LikertScale> {
    let o = obj(v)?;
    Some(LikertScale {
        points: o.req("points", uint8)?,
        labels: o.req("labels", texts)?,
    })
}

fn group(v: &JsValue) -> Option<CompetencyGroup> {
    Some(match v.as_string()?.as_str() {
        "manajerial" => CompetencyGroup::Manajerial,
        "sosial_kultural" => CompetencyGroup::SosialKultural,
        "teknis" => CompetencyGroup::Teknis,
        _ => return None,
    })
}

fn kind(o: &Obj) -> Option<QuestionKind> {
    Some(match o.string("kind")?.as_str() {
        "single_choice" => QuestionKind::SingleChoice {
            options: o.req("options", choices)?,
        },
        "multiple_choice" => QuestionKind::MultipleChoice {
            options: o.req("options", choices)?,
            min: o.opt("min", uint32)?,
            max: o.opt("max", uint32)?,
        },
        "likert" => QuestionKind::Likert {
            scale: o.req("scale", scale)?,
        },
        "likert_matrix" => QuestionKind::LikertMatrix {
            scale: o.req("scale", scale)?,
            rows: o.req("rows", |v| list(v, row))?,
        },
        "rating" => QuestionKind::Rating {
            max: o.req("max", uint8)?,
        },
        "nps" => QuestionKind::Nps,
        "number" => QuestionKind::Number {
            integer: o.or_default("integer", boolean)?,
            min: o.opt("min", number)?,
            max: o.opt("max", number)?,
            unit: o.opt("unit", text)?,
        },
        "date" => QuestionKind::Date {
            min: o.opt("min", string)?,
            max: o.opt("max", string)?,
        },
        "short_text" => QuestionKind::ShortText {
            max_length: o.req("max_length", uint32)?,
        },
        "long_text" => QuestionKind::LongText {
            max_length: o.req("max_length", uint32)?,
        },
        "ranking" => QuestionKind::Ranking {
            options: o.req("options", choices)?,
        },
        "competency" => QuestionKind::Competency {
            code: o.string("code")?,
            group: o.req("group", group)?,
            levels: o.req("levels", texts)?,
        },
        "job_level" => QuestionKind::JobLevel,
        "workload_tasks" => QuestionKind::WorkloadTasks {
            max_tasks: o.req("max_tasks", uint32)?,
        },
        _ => return None,
    })
}

fn question(v: &JsValue) -> Option<Question> {
    let o = obj(v)?;
    Some(Question {
        id: o.string("id")?,
        text: o.req("text", text)?,
        help: o.opt("help", text)?,
        required: o.or_default("required", boolean)?,
        visible_if: o.opt("visible_if", condition)?,
        kind: kind(&o)?,
    })
}

fn scalar(v: &JsValue) -> Option<Scalar> {
    match v.as_f64() {
        Some(n) => Some(Scalar::Number(n)),
        None => v.as_string().map(Scalar::Text),
    }
}

fn conditions(v: &JsValue) -> Option<Vec<Condition>> {
    list(v, condition)
}

fn condition(v: &JsValue) -> Option<Condition> {
    let o = obj(v)?;
    let question = || o.string("question");
    Some(match o.string("op")?.as_str() {
        "equals" => Condition::Equals {
            question: question()?,
            value: o.req("value", scalar)?,
        },
        "not_equals" => Condition::NotEquals {
            question: question()?,
            value: o.req("value", scalar)?,
        },
        "in" => Condition::In {
            question: question()?,
            values: o.req("values", |v| list(v, scalar))?,
        },
        "greater" => Condition::Greater {
            question: question()?,
            value: o.req("value", number)?,
        },
        "less" => Condition::Less {
            question: question()?,
            value: o.req("value", number)?,
        },
        "answered" => Condition::Answered {
            question: question()?,
        },
        "and" => Condition::And {
            all: o.req("all", conditions)?,
        },
        "or" => Condition::Or {
            any: o.req("any", conditions)?,
        },
        "not" => Condition::Not {
            condition: Box::new(o.req("condition", condition)?),
        },
        _ => return None,
    })
}

fn section(v: &JsValue) -> Option<Section> {
    let o = obj(v)?;
    Some(Section {
        id: o.string("id")?,
        title: o.req("title", text)?,
        description: o.opt("description", text)?,
        visible_if: o.opt("visible_if", condition)?,
        questions: o.req("questions", |v| list(v, question))?,
    })
}

fn definition(v: &JsValue) -> Option<SurveyDefinition> {
    let o = obj(v)?;
    Some(SurveyDefinition {
        title: o.req("title", text)?,
        description: o.opt("description", text)?,
        sections: o.req("sections", |v| list(v, section))?,
    })
}

fn task(v: &JsValue) -> Option<TaskRow> {
    let o = obj(v)?;
    Some(TaskRow {
        task: o.string("task")?,
        volume: o.req("volume", number)?,
        minutes: o.req("minutes", number)?,
    })
}

/// The first variant that fits, in declaration order: a number, a text, a list of texts, workload rows, or
/// matrix points.
fn answer(v: &JsValue) -> Option<Answer> {
    if let Some(n) = v.as_f64() {
        return Some(Answer::Number(n));
    }
    if let Some(s) = v.as_string() {
        return Some(Answer::Text(s));
    }
    if is_array(v) {
        return list(v, string)
            .map(Answer::List)
            .or_else(|| list(v, task).map(Answer::Tasks));
    }
    let mut points = std::collections::BTreeMap::new();
    for (k, v) in obj(v)?.entries() {
        points.insert(k, uint8(&v)?);
    }
    Some(Answer::Matrix(points))
}

fn answers(v: &JsValue) -> Option<Answers> {
    let mut out = Answers::new();
    for (k, v) in obj(v)?.entries() {
        out.insert(k, answer(&v)?);
    }
    Some(out)
}

// ---- API bodies and what the client keeps ----

impl FromJson for ServerInfo {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        Some(ServerInfo {
            name: o.string("name")?,
            version: o.string("version")?,
            database: o.string("database")?,
            database_ok: o.req("database_ok", boolean)?,
            bus: o.string("bus")?,
            mail: o.string("mail")?,
            time_wib: o.string("time_wib")?,
        })
    }
}

impl FromJson for Receipt {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        Some(Receipt {
            submission_id: o.uuid("submission_id")?,
            receipt_code: o.string("receipt_code")?,
            received_on: o.string("received_on")?,
        })
    }
}

fn field_error(v: &JsValue) -> Option<FieldError> {
    let o = obj(v)?;
    Some(FieldError {
        path: o.string("path")?,
        message: o.string("message")?,
    })
}

impl FromJson for ErrorBody {
    fn from_json(v: &JsValue) -> Option<Self> {
        let error = obj(v)?.get("error");
        let o = obj(&error)?;
        Some(ErrorBody {
            error: ErrorDetail {
                code: o.string("code")?,
                message: o.string("message")?,
                fields: o.or_default("fields", |v| list(v, field_error))?,
            },
        })
    }
}

fn unit(v: &JsValue) -> Option<Unit> {
    let o = obj(v)?;
    Some(Unit {
        id: o.uuid("id")?,
        code: o.string("code")?,
        name: o.string("name")?,
        kind: o.string("kind")?,
        sector: o.opt("sector", string)?,
        parent_id: o.opt("parent_id", uuid)?,
    })
}

impl FromJson for PublicForm {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        let version = o.get("version").as_f64()?;
        Some(PublicForm {
            wave_id: o.uuid("wave_id")?,
            slug: o.string("slug")?,
            name: o.string("name")?,
            survey_version_id: o.uuid("survey_version_id")?,
            version: (version.fract() == 0.0 && version.abs() <= f64::from(i32::MAX))
                .then_some(version as i32)?,
            definition: o.req("definition", definition)?,
            anonymity: match o.string("anonymity")?.as_str() {
                "identified" => Anonymity::Identified,
                "confidential" => Anonymity::Confidential,
                "anonymous" => Anonymity::Anonymous,
                _ => return None,
            },
            opens_at: o.string("opens_at")?,
            closes_at: o.string("closes_at")?,
            is_open: o.req("is_open", boolean)?,
            units: o.req("units", |v| list(v, unit))?,
        })
    }
}

impl FromJson for InvitationForm {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        Some(InvitationForm {
            greeting_name: o.string("greeting_name")?,
            unit_id: o.uuid("unit_id")?,
            credential_key: o.opt("credential_key", credential_key)?,
            form: PublicForm::from_json(&o.get("form"))?,
        })
    }
}

fn credential_key(v: &JsValue) -> Option<CredentialKey> {
    let o = obj(v)?;
    Some(CredentialKey {
        modulus: o.string("modulus")?,
        exponent: o.string("exponent")?,
    })
}

fn credential(v: &JsValue) -> Option<Credential> {
    let o = obj(v)?;
    Some(Credential {
        message: o.string("message")?,
        signature: o.string("signature")?,
    })
}

impl FromJson for CredentialIssued {
    fn from_json(v: &JsValue) -> Option<Self> {
        Some(CredentialIssued {
            blind_signature: obj(v)?.string("blind_signature")?,
        })
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

impl FromJson for Draft {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        Some(Draft {
            submission_id: o.uuid("submission_id")?,
            consent: o.or_default("consent", boolean)?,
            unit_id: o.opt("unit_id", uuid)?,
            step: o.or_default("step", uint32)?,
            answers: o.or_default("answers", answers)?,
            typed: o.or_default("typed", answers)?,
        })
    }
}

const SUBMIT_FIELDS: [&str; 4] = ["submission_id", "unit_id", "answers", "credential"];

/// `SubmitResponse` denies unknown fields.
fn submit_response(v: &JsValue) -> Option<SubmitResponse> {
    let o = obj(v)?;
    if o.entries()
        .iter()
        .any(|(k, _)| !SUBMIT_FIELDS.contains(&k.as_str()))
    {
        return None;
    }
    Some(SubmitResponse {
        submission_id: o.uuid("submission_id")?,
        unit_id: o.uuid("unit_id")?,
        answers: o.req("answers", answers)?,
        credential: o.opt("credential", credential)?,
    })
}

impl FromJson for Queued {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        Some(Queued {
            slug: o.string("slug")?,
            body: o.req("body", submit_response)?,
        })
    }
}

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
