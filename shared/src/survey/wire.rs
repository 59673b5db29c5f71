//! Hand-written `Deserialize` for the survey model's flattened, internally tagged and untagged types
//! (`Question`, `QuestionKind`, `Condition`, `Scalar`, `Answer`). They read exactly the JSON the derived impls
//! read (their `Serialize` is still derived): the value is read once as a `serde_json::Value` and converted by
//! plain, non-generic code. serde's derived code for these shapes buffers everything in its private `Content`
//! type and is generated once per deserializer, which made it the largest part of the wasm client.
//!
//! Errors stay serde-like (`missing field `id``, `unknown variant `x`, expected one of ...`,
//! `invalid type: ...`) and name where they are below the value being read, e.g.
//! `options[1].label: missing field `id``; the server adds the path to the value itself.

use std::collections::BTreeMap;

use serde::de::{Deserialize, Deserializer, Error as _};
use serde_json::{Map, Value};

use super::model::{
    Answer, ChoiceOption, CompetencyGroup, Condition, LikertScale, MatrixRow, Question,
    QuestionKind, Scalar, TaskRow,
};
use crate::i18n::Text;

/// What is wrong, and where below the value being read (e.g. `options[1].label`).
struct Bad {
    path: String,
    msg: String,
}

type R<T> = Result<T, Bad>;

fn bad<T>(msg: String) -> R<T> {
    Err(Bad {
        path: String::new(),
        msg,
    })
}

impl Bad {
    /// The same problem, one level up: `seg` is a field name or `[i]`.
    fn at(mut self, seg: &str) -> Bad {
        if !self.path.is_empty() && !self.path.starts_with('[') {
            self.path.insert(0, '.');
        }
        self.path.insert_str(0, seg);
        self
    }

    fn message(self) -> String {
        if self.path.is_empty() {
            self.msg
        } else {
            format!("{}: {}", self.path, self.msg)
        }
    }
}

/// How serde names a value in its errors.
fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        // Written without serde_json's number formatting (its float writer is large in the wasm client).
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => format!("integer `{u}`"),
            (_, Some(i), _) => format!("integer `{i}`"),
            (_, _, f) => {
                let f = f.unwrap_or_default();
                if f.fract() == 0.0 && f.abs() < 1e16 {
                    format!("floating point `{f}.0`")
                } else {
                    format!("floating point `{f}`")
                }
            }
        },
        Value::String(s) => format!("string \"{s}\""),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

fn invalid_type<T>(v: &Value, expected: &str) -> R<T> {
    bad(format!(
        "invalid type: {}, expected {expected}",
        unexpected(v)
    ))
}

fn missing<T>(field: &str) -> R<T> {
    bad(format!("missing field `{field}`"))
}

fn string(v: Value) -> R<String> {
    match v {
        Value::String(s) => Ok(s),
        v => invalid_type(&v, "a string"),
    }
}

fn boolean(v: Value) -> R<bool> {
    match v {
        Value::Bool(b) => Ok(b),
        v => invalid_type(&v, "a boolean"),
    }
}

fn number(v: Value) -> R<f64> {
    match &v {
        Value::Number(n) => Ok(n.as_f64().unwrap_or_default()),
        _ => invalid_type(&v, "f64"),
    }
}

/// A whole number `0..=max` (`expected` names the type, e.g. `u32`).
fn unsigned(v: Value, max: u32, expected: &str) -> R<u32> {
    match &v {
        Value::Number(n) if !n.is_f64() => match n.as_u64() {
            Some(u) if u <= u64::from(max) => Ok(u as u32),
            _ => bad(format!(
                "invalid value: {}, expected {expected}",
                unexpected(&v)
            )),
        },
        _ => invalid_type(&v, expected),
    }
}

fn uint32(v: Value) -> R<u32> {
    unsigned(v, u32::MAX, "u32")
}

fn uint8(v: Value) -> R<u8> {
    unsigned(v, u8::MAX.into(), "u8").map(|n| n as u8)
}

fn list<T>(v: Value, item: fn(Value) -> R<T>) -> R<Vec<T>> {
    match v {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, x)| item(x).map_err(|e| e.at(&format!("[{i}]"))))
            .collect(),
        v => invalid_type(&v, "a sequence"),
    }
}

/// The fields of a struct: from a map or, as serde also accepts, from a sequence in declaration order. A
/// plain list (keys are unique, structs are small): smaller code than removing from the map.
struct Obj(Vec<(String, Value)>);

impl Obj {
    fn new(v: Value, what: &str, names: &[&str]) -> R<Obj> {
        match v {
            Value::Object(map) => Ok(Obj::of(map)),
            Value::Array(items) if items.len() <= names.len() => Ok(Obj(names
                .iter()
                .map(|n| (*n).to_owned())
                .zip(items)
                .collect())),
            Value::Array(items) => bad(format!(
                "invalid length {}, expected {what} with {} elements",
                items.len(),
                names.len()
            )),
            v => invalid_type(&v, what),
        }
    }

    fn of(map: Map<String, Value>) -> Obj {
        Obj(map.into_iter().collect())
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(at).1)
    }

    /// A field that must be there.
    fn req<T>(&mut self, key: &str, f: fn(Value) -> R<T>) -> R<T> {
        match self.take(key) {
            Some(v) => f(v).map_err(|e| e.at(key)),
            None => missing(key),
        }
    }

    /// An `Option` field: absent or `null` is `None`.
    fn opt<T>(&mut self, key: &str, f: fn(Value) -> R<T>) -> R<Option<T>> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => f(v).map(Some).map_err(|e| e.at(key)),
        }
    }

    /// A `#[serde(default)]` field: absent is the default (`null` is not).
    fn or_default<T: Default>(&mut self, key: &str, f: fn(Value) -> R<T>) -> R<T> {
        match self.take(key) {
            None => Ok(T::default()),
            Some(v) => f(v).map_err(|e| e.at(key)),
        }
    }
}

/// The index of the variant named by `v` in `names`.
fn variant(v: Value, names: &[&str]) -> R<usize> {
    match v {
        Value::String(s) => names.iter().position(|n| *n == s).map_or_else(
            || {
                let mut msg = format!("unknown variant `{s}`, expected one of ");
                for (i, n) in names.iter().enumerate() {
                    if i > 0 {
                        msg.push_str(", ");
                    }
                    msg.push('`');
                    msg.push_str(n);
                    msg.push('`');
                }
                bad(msg)
            },
            Ok,
        ),
        v => invalid_type(&v, "variant identifier"),
    }
}

fn text(v: Value) -> R<Text> {
    let mut o = Obj::new(v, "struct Text", &["id", "en"])?;
    Ok(Text {
        id: o.req("id", string)?,
        en: o.opt("en", string)?,
    })
}

fn texts(v: Value) -> R<Vec<Text>> {
    list(v, text)
}

fn choice(v: Value) -> R<ChoiceOption> {
    let mut o = Obj::new(v, "struct ChoiceOption", &["id", "label"])?;
    Ok(ChoiceOption {
        id: o.req("id", string)?,
        label: o.req("label", text)?,
    })
}

fn choices(v: Value) -> R<Vec<ChoiceOption>> {
    list(v, choice)
}

fn row(v: Value) -> R<MatrixRow> {
    let mut o = Obj::new(v, "struct MatrixRow", &["id", "label"])?;
    Ok(MatrixRow {
        id: o.req("id", string)?,
        label: o.req("label", text)?,
    })
}

fn scale(v: Value) -> R<LikertScale> {
    let mut o = Obj::new(v, "struct LikertScale", &["points", "labels"])?;
    Ok(LikertScale {
        points: o.req("points", uint8)?,
        labels: o.req("labels", texts)?,
    })
}

fn group(v: Value) -> R<CompetencyGroup> {
    Ok(
        match variant(v, &["manajerial", "sosial_kultural", "teknis"])? {
            0 => CompetencyGroup::Manajerial,
            1 => CompetencyGroup::SosialKultural,
            _ => CompetencyGroup::Teknis,
        },
    )
}

const KINDS: [&str; 14] = [
    "single_choice",
    "multiple_choice",
    "likert",
    "likert_matrix",
    "rating",
    "nps",
    "number",
    "date",
    "short_text",
    "long_text",
    "ranking",
    "competency",
    "job_level",
    "workload_tasks",
];

/// The `kind` tag and the settings of that kind, taken from a question's fields.
fn kind(o: &mut Obj) -> R<QuestionKind> {
    let Some(tag) = o.take("kind") else {
        return missing("kind");
    };
    let tag = match tag {
        // Through `#[serde(flatten)]`, serde also took a variant's index.
        Value::Number(n) if n.as_u64().is_some_and(|i| i < KINDS.len() as u64) => {
            Value::String(KINDS[n.as_u64().unwrap_or_default() as usize].to_owned())
        }
        tag => tag,
    };
    Ok(match variant(tag, &KINDS).map_err(|e| e.at("kind"))? {
        0 => QuestionKind::SingleChoice {
            options: o.req("options", choices)?,
        },
        1 => QuestionKind::MultipleChoice {
            options: o.req("options", choices)?,
            min: o.opt("min", uint32)?,
            max: o.opt("max", uint32)?,
        },
        2 => QuestionKind::Likert {
            scale: o.req("scale", scale)?,
        },
        3 => QuestionKind::LikertMatrix {
            scale: o.req("scale", scale)?,
            rows: o.req("rows", |v| list(v, row))?,
        },
        4 => QuestionKind::Rating {
            max: o.req("max", uint8)?,
        },
        5 => QuestionKind::Nps,
        6 => QuestionKind::Number {
            integer: o.or_default("integer", boolean)?,
            min: o.opt("min", number)?,
            max: o.opt("max", number)?,
            unit: o.opt("unit", text)?,
        },
        7 => QuestionKind::Date {
            min: o.opt("min", string)?,
            max: o.opt("max", string)?,
        },
        8 => QuestionKind::ShortText {
            max_length: o.req("max_length", uint32)?,
        },
        9 => QuestionKind::LongText {
            max_length: o.req("max_length", uint32)?,
        },
        10 => QuestionKind::Ranking {
            options: o.req("options", choices)?,
        },
        11 => QuestionKind::Competency {
            code: o.req("code", string)?,
            group: o.req("group", group)?,
            levels: o.req("levels", texts)?,
        },
        12 => QuestionKind::JobLevel,
        _ => QuestionKind::WorkloadTasks {
            max_tasks: o.req("max_tasks", uint32)?,
        },
    })
}

fn map(v: Value, what: &str) -> R<Obj> {
    match v {
        Value::Object(m) => Ok(Obj::of(m)),
        v => invalid_type(&v, what),
    }
}

fn question(v: Value) -> R<Question> {
    let mut o = map(v, "struct Question")?;
    Ok(Question {
        id: o.req("id", string)?,
        text: o.req("text", text)?,
        help: o.opt("help", text)?,
        required: o.or_default("required", boolean)?,
        visible_if: o.opt("visible_if", condition)?,
        kind: kind(&mut o)?,
    })
}

const OPS: [&str; 9] = [
    "equals",
    "not_equals",
    "in",
    "greater",
    "less",
    "answered",
    "and",
    "or",
    "not",
];

fn condition(v: Value) -> R<Condition> {
    // `{"op": ..., fields}`, or (as serde also accepts) `[op, fields in order...]`.
    let (tag, rest) = match v {
        Value::Object(m) => {
            let mut o = Obj::of(m);
            match o.take("op") {
                Some(tag) => (tag, Ok(o)),
                None => return missing("op"),
            }
        }
        Value::Array(mut items) if !items.is_empty() => {
            let tag = items.remove(0);
            (tag, Err(items))
        }
        Value::Array(_) => return missing("op"),
        v => return invalid_type(&v, "internally tagged enum Condition"),
    };
    let op = variant(tag, &OPS).map_err(|e| e.at("op"))?;
    let names: &[&str] = match op {
        0 | 1 | 3 | 4 => &["question", "value"],
        2 => &["question", "values"],
        5 => &["question"],
        6 => &["all"],
        7 => &["any"],
        _ => &["condition"],
    };
    let mut o = match rest {
        Ok(o) => o,
        Err(items) => Obj::new(Value::Array(items), "struct variant Condition", names)?,
    };
    Ok(match op {
        0 => Condition::Equals {
            question: o.req("question", string)?,
            value: o.req("value", scalar)?,
        },
        1 => Condition::NotEquals {
            question: o.req("question", string)?,
            value: o.req("value", scalar)?,
        },
        2 => Condition::In {
            question: o.req("question", string)?,
            values: o.req("values", |v| list(v, scalar))?,
        },
        3 => Condition::Greater {
            question: o.req("question", string)?,
            value: o.req("value", number)?,
        },
        4 => Condition::Less {
            question: o.req("question", string)?,
            value: o.req("value", number)?,
        },
        5 => Condition::Answered {
            question: o.req("question", string)?,
        },
        6 => Condition::And {
            all: o.req("all", |v| list(v, condition))?,
        },
        7 => Condition::Or {
            any: o.req("any", |v| list(v, condition))?,
        },
        _ => Condition::Not {
            condition: Box::new(o.req("condition", condition)?),
        },
    })
}

fn scalar(v: Value) -> R<Scalar> {
    match v {
        Value::Number(n) => Ok(Scalar::Number(n.as_f64().unwrap_or_default())),
        Value::String(s) => Ok(Scalar::Text(s)),
        _ => bad("data did not match any variant of untagged enum Scalar".into()),
    }
}

fn task(v: Value) -> R<TaskRow> {
    let mut o = Obj::new(v, "struct TaskRow", &["task", "volume", "minutes"])?;
    Ok(TaskRow {
        task: o.req("task", string)?,
        volume: o.req("volume", number)?,
        minutes: o.req("minutes", number)?,
    })
}

/// The first variant that fits, in declaration order: a number, a text, a list of texts, workload rows, or
/// matrix points.
fn answer(v: Value) -> R<Answer> {
    answer_of(v).map_or_else(
        || bad("data did not match any variant of untagged enum Answer".into()),
        Ok,
    )
}

fn answer_of(v: Value) -> Option<Answer> {
    match v {
        Value::Number(n) => Some(Answer::Number(n.as_f64().unwrap_or_default())),
        Value::String(s) => Some(Answer::Text(s)),
        Value::Array(items) if items.iter().all(Value::is_string) => Some(Answer::List(
            items
                .into_iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s),
                    _ => None,
                })
                .collect(),
        )),
        Value::Array(items) => items
            .into_iter()
            .map(task)
            .collect::<R<Vec<_>>>()
            .ok()
            .map(Answer::Tasks),
        Value::Object(m) => {
            let mut points = BTreeMap::new();
            for (k, v) in m {
                points.insert(k, uint8(v).ok()?);
            }
            Some(Answer::Matrix(points))
        }
        _ => None,
    }
}

macro_rules! from_value {
    ($($ty:ty => $read:expr),* $(,)?) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $read(Value::deserialize(deserializer)?).map_err(|e| D::Error::custom(e.message()))
            }
        }
    )*};
}

from_value! {
    Question => question,
    QuestionKind => |v| kind(&mut map(v, "internally tagged enum QuestionKind")?),
    Condition => condition,
    Scalar => scalar,
    Answer => answer,
}
