//! Fuzz targets for what `shared` reads from outside: survey definitions (JSON text -> serde -> validation),
//! responses (answers -> validation -> counters) and NIPs. The CSV roster import is fuzzed in the server
//! crate (`routes::csv_import::fuzz`).
//!
//! Each target runs random inputs for a bounded wall-clock time: `SERAP_FUZZ_SECONDS` (default 3, so an
//! ordinary `cargo test` stays quick; `scripts/test` gives each target more). Inputs mix structure-aware
//! ones (mutations of the five built-in templates, of `example_answers` and of generated valid NIPs) with
//! arbitrary bytes and strings. A failure is shrunk to a minimal input and reported with the seed that
//! found it; `SERAP_FUZZ_SEED=<seed>` replays the same inputs. Keep every crash found as a unit test next
//! to the fixed code.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::LazyLock;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseResult;
use serap_shared::fuzzing::fuzz;
use serap_shared::nip::{Nip, NipError, NipKind, Sex};
use serap_shared::survey::{
    Answer, Answers, QuestionKind, RESPONSES_KEY, SurveyDefinition, TaskRow, contributions,
    example_answers, validate_definition, validate_response, visible_question_ids,
};
use serap_shared::templates;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------------------
// The runner
// ---------------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------------
// Raw inputs and byte-level mutations
// ---------------------------------------------------------------------------------------------------------

/// Input bytes, shown as text when they are UTF-8.
#[derive(Clone, PartialEq)]
struct Bytes(Vec<u8>);

impl Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(s) => write!(f, "{s:?}"),
            Err(_) => write!(f, "b\"{}\"", self.0.escape_ascii()),
        }
    }
}

/// Fragments that upset JSON and text readers.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\\",
    b"\\u",
    b"\\ud800",
    b"\\u0000",
    b"null",
    b"true",
    b"-",
    b"0",
    b"1e999",
    b"-1e400",
    b"18446744073709551616",
    b"0.0000000000000000000001",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",
    b"\0",
    b"\n",
    b" ",
];

/// One change to a byte string. Positions are taken modulo the length.
#[derive(Debug, Clone)]
enum ByteEdit {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Overwrite(usize, u8),
    /// Copies `len` bytes from the first position to the second.
    Duplicate(usize, usize, usize),
}

fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    let insertion = prop_oneof![
        3 => select(TOKENS).prop_map(<[u8]>::to_vec),
        1 => vec(any::<u8>(), 1..4),
    ];
    prop_oneof![
        (any::<usize>(), insertion).prop_map(|(at, b)| ByteEdit::Insert(at, b)),
        (any::<usize>(), 1..40usize).prop_map(|(at, n)| ByteEdit::Delete(at, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| ByteEdit::Overwrite(at, b)),
        (any::<usize>(), any::<usize>(), 1..200usize)
            .prop_map(|(from, to, n)| ByteEdit::Duplicate(from, to, n)),
    ]
}

fn apply_bytes(mut bytes: Vec<u8>, edits: &[ByteEdit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len();
        let at = |i: usize| if len == 0 { 0 } else { i % (len + 1) };
        match edit {
            ByteEdit::Insert(i, b) => {
                let i = at(*i);
                bytes.splice(i..i, b.iter().copied());
            }
            ByteEdit::Delete(i, n) => {
                let i = at(*i).min(len);
                bytes.drain(i..(i + n).min(len));
            }
            ByteEdit::Overwrite(i, b) if len > 0 => bytes[i % len] = *b,
            ByteEdit::Overwrite(..) => {}
            ByteEdit::Duplicate(from, to, n) if len > 0 => {
                let from = from % len;
                let copy = bytes[from..(from + n).min(len)].to_vec();
                let to = at(*to);
                bytes.splice(to..to, copy);
            }
            ByteEdit::Duplicate(..) => {}
        }
    }
    bytes
}

/// Arbitrary bytes: random, random UTF-8, or text made of JSON-ish fragments.
fn raw_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..300),
        any::<String>().prop_map(String::into_bytes),
        vec(select(TOKENS), 0..40).prop_map(|t| t.concat()),
    ]
}

// ---------------------------------------------------------------------------------------------------------
// Structure-aware JSON mutations
// ---------------------------------------------------------------------------------------------------------

/// Strings a survey reader or validator might treat specially.
const WORDS: &[&str] = &[
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
    "equals",
    "not_equals",
    "in",
    "greater",
    "less",
    "answered",
    "and",
    "or",
    "not",
    "manajerial",
    "sosial_kultural",
    "teknis",
    "pelaksana",
    "jpt_utama",
    "fungsional",
    "2024-02-29",
    "2023-02-29",
    "0000-01-01",
    "9999-12-31",
    "2026-13-01",
    "",
    " ",
    "\n",
    "\u{0}",
    "é",
    "🙂",
    "a.b",
    "q[0]",
    "_responses",
    "_answered",
    "_competency",
    "_training",
    "all",
    "jpm",
];

/// Object keys of the survey model (and a few that are not).
const KEYS: &[&str] = &[
    "title",
    "description",
    "sections",
    "id",
    "en",
    "questions",
    "text",
    "help",
    "required",
    "visible_if",
    "kind",
    "options",
    "label",
    "min",
    "max",
    "scale",
    "points",
    "labels",
    "rows",
    "integer",
    "unit",
    "max_length",
    "code",
    "group",
    "levels",
    "max_tasks",
    "op",
    "question",
    "value",
    "values",
    "all",
    "any",
    "condition",
    "task",
    "volume",
    "minutes",
    "extra",
];

const NUMBERS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    4.0,
    5.0,
    6.0,
    10.0,
    11.0,
    12.0,
    20.0,
    41.0,
    100.0,
    101.0,
    255.0,
    256.0,
    501.0,
    1e4,
    1e5,
    1e7,
    1e9,
    4294967295.0,
    4294967296.0,
    1e15,
    1e16,
    1e300,
    -1e300,
    1e-300,
    f64::MAX,
    f64::MIN,
    f64::EPSILON,
];

fn interesting_string() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(WORDS).prop_map(str::to_string),
        2 => select(QUESTION_IDS.clone()),
        2 => "[a-z_0-9]{0,8}",
        1 => any::<String>(),
        // Just over the id, text and length limits.
        1 => (select(vec!["a", "é", "\n", "🙂"]), select(vec![40usize, 41, 501, 2001, 10_001]))
            .prop_map(|(s, n)| s.repeat(n)),
    ]
    .boxed()
}

fn interesting_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => select(NUMBERS).prop_map(Value::from),
        2 => (-20i64..20).prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => any::<f64>().prop_map(Value::from),
    ]
}

/// Any JSON value, biased towards the model's words, keys and numbers.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        interesting_number(),
        interesting_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![3 => select(KEYS).prop_map(str::to_string), 1 => "[a-z_0-9]{0,4}"];
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One change to a JSON document. Nodes are numbered in pre-order, modulo the node count.
#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, Value),
    Remove(usize),
    /// Copies the first node over the second.
    Copy(usize, usize),
    /// Duplicates an array element or renames an object key.
    Grow(usize, String),
    /// Small, type-preserving change (`u64`: which change).
    Tweak(usize, u64),
    /// Sets a field of the n-th object that has it (or, with `true`, of the n-th question, adding it).
    Field(usize, &'static str, Value, bool),
}

/// The fields that set what an answer may be, and the keys a condition reads.
const SETTINGS: &[&str] = &[
    "min",
    "max",
    "max_length",
    "max_tasks",
    "points",
    "integer",
    "required",
    "kind",
    "code",
    "group",
    "question",
    "value",
    "id",
];

fn setting_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => (-2i64..13).prop_map(Value::from),
        2 => interesting_number(),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => select(WORDS).prop_map(Value::from),
        1 => select(QUESTION_IDS.clone()).prop_map(Value::from),
        1 => Just(Value::Null),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => (any::<usize>(), arbitrary_json()).prop_map(|(n, v)| Edit::Replace(n, v)),
        2 => any::<usize>().prop_map(Edit::Remove),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Copy(a, b)),
        1 => (any::<usize>(), select(KEYS).prop_map(str::to_string)).prop_map(|(n, k)| Edit::Grow(n, k)),
        4 => (any::<usize>(), any::<u64>()).prop_map(|(n, s)| Edit::Tweak(n, s)),
        4 => field_edit(),
    ]
}

fn field_edit() -> impl Strategy<Value = Edit> {
    (
        any::<usize>(),
        select(SETTINGS),
        setting_value(),
        prop::bool::weighted(0.25),
    )
        .prop_map(|(n, key, v, add)| Edit::Field(n, key, v, add))
}

/// Edits that keep the document's shape, so that the result often still reads and validates.
fn gentle_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => field_edit(),
        1 => (any::<usize>(), any::<u64>()).prop_map(|(n, s)| Edit::Tweak(n, s)),
    ]
}

#[derive(Clone)]
enum Seg {
    Index(usize),
    Key(String),
}

fn node_paths(v: &Value, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    out.push(prefix.clone());
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                prefix.push(Seg::Index(i));
                node_paths(item, prefix, out);
                prefix.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                prefix.push(Seg::Key(k.clone()));
                node_paths(item, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn node<'a>(v: &'a Value, path: &[Seg]) -> &'a Value {
    path.iter().fold(v, |v, seg| match seg {
        Seg::Index(i) => &v[*i],
        Seg::Key(k) => &v[k.as_str()],
    })
}

fn node_mut<'a>(v: &'a mut Value, path: &[Seg]) -> &'a mut Value {
    path.iter().fold(v, |v, seg| match seg {
        Seg::Index(i) => &mut v[*i],
        Seg::Key(k) => &mut v[k.as_str()],
    })
}

fn tweak(v: &mut Value, seed: u64) {
    let pick = |n: usize| (seed % n as u64) as usize;
    match v {
        Value::Null => *v = Value::Bool(false),
        Value::Bool(b) => *b = !*b,
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            let changed = [x + 1.0, x - 1.0, -x, x * 2.0, x + 0.5, 0.0, 1e300][pick(7)];
            *v = Value::from(changed);
        }
        Value::String(s) => match pick(6) {
            0 => s.push('x'),
            1 => {
                s.pop();
            }
            2 => *s = s.to_uppercase(),
            3 => s.insert(0, ' '),
            4 => *s = WORDS[(seed / 6) as usize % WORDS.len()].to_string(),
            _ => *s = QUESTION_IDS[(seed / 6) as usize % QUESTION_IDS.len()].to_string(),
        },
        Value::Array(items) => match pick(4) {
            0 => items.clear(),
            1 if !items.is_empty() => {
                let i = (seed / 4) as usize % items.len();
                items.remove(i);
            }
            2 => items.reverse(),
            _ if !items.is_empty() => {
                let i = (seed / 4) as usize % items.len();
                let copy = items[i].clone();
                items.push(copy);
            }
            _ => items.push(Value::Null),
        },
        Value::Object(map) => {
            if map.is_empty() {
                map.insert("id".into(), Value::from("x"));
            } else {
                let i = (seed / 2) as usize % map.len();
                let key = map.keys().nth(i).cloned().unwrap_or_default();
                if pick(2) == 0 {
                    map.remove(&key);
                } else {
                    map.insert(key, Value::Null);
                }
            }
        }
    }
}

fn apply_edits(mut v: Value, edits: &[Edit]) -> Value {
    for edit in edits {
        let mut paths = Vec::new();
        node_paths(&v, &mut Vec::new(), &mut paths);
        let path = |n: &usize| paths[n % paths.len()].clone();
        match edit {
            Edit::Replace(n, value) => *node_mut(&mut v, &path(n)) = value.clone(),
            Edit::Remove(n) => {
                let p = path(n);
                if let Some((last, parent)) = p.split_last() {
                    match (node_mut(&mut v, parent), last) {
                        (Value::Array(items), Seg::Index(i)) => {
                            items.remove(*i);
                        }
                        (Value::Object(map), Seg::Key(k)) => {
                            map.remove(k);
                        }
                        _ => {}
                    }
                }
            }
            Edit::Copy(from, to) => {
                let value = node_mut(&mut v, &path(from)).clone();
                *node_mut(&mut v, &path(to)) = value;
            }
            Edit::Grow(n, key) => match node_mut(&mut v, &path(n)) {
                Value::Array(items) if !items.is_empty() => {
                    let copy = items[items.len() - 1].clone();
                    items.push(copy);
                }
                Value::Object(map) if !map.is_empty() => {
                    let first = map.keys().next().cloned().unwrap_or_default();
                    if let Some(value) = map.remove(&first) {
                        map.insert(key.clone(), value);
                    }
                }
                _ => {}
            },
            Edit::Tweak(n, seed) => tweak(node_mut(&mut v, &path(n)), *seed),
            Edit::Field(n, key, value, add) => {
                let wanted = if *add { "kind" } else { key };
                let targets: Vec<&Vec<Seg>> = paths
                    .iter()
                    .filter(|p| node(&v, p).get(wanted).is_some())
                    .collect();
                if !targets.is_empty() {
                    let target = targets[n % targets.len()].clone();
                    if let Value::Object(map) = node_mut(&mut v, &target) {
                        map.insert(key.to_string(), value.clone());
                    }
                }
            }
        }
    }
    v
}

// ---------------------------------------------------------------------------------------------------------
// Survey helpers
// ---------------------------------------------------------------------------------------------------------

struct Fixture {
    definition: SurveyDefinition,
    json: Value,
    /// `json` as compact text.
    text: Vec<u8>,
}

static TEMPLATES: LazyLock<Vec<Fixture>> = LazyLock::new(|| {
    templates::all()
        .into_iter()
        .map(|t| {
            let json = serde_json::to_value(&t.definition).unwrap();
            Fixture {
                text: serde_json::to_vec(&json).unwrap(),
                json,
                definition: t.definition,
            }
        })
        .collect()
});

static QUESTION_IDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let ids: BTreeSet<String> = templates::all()
        .iter()
        .flat_map(|t| {
            t.definition
                .questions()
                .flat_map(|(_, q)| {
                    let mut ids = vec![q.id.clone()];
                    match &q.kind {
                        QuestionKind::SingleChoice { options }
                        | QuestionKind::MultipleChoice { options, .. }
                        | QuestionKind::Ranking { options } => {
                            ids.extend(options.iter().map(|o| o.id.clone()))
                        }
                        QuestionKind::LikertMatrix { rows, .. } => {
                            ids.extend(rows.iter().map(|r| r.id.clone()))
                        }
                        _ => {}
                    }
                    ids
                })
                .collect::<Vec<_>>()
        })
        .collect();
    ids.into_iter().collect()
});

fn template_index() -> impl Strategy<Value = usize> {
    0..TEMPLATES.len()
}

/// Whether a problem path (`sections[2].questions[0].options`) names a node of `v`.
fn resolves(v: &Value, path: &str) -> bool {
    let mut current = v;
    for part in path.split('.') {
        let (name, indices) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !name.is_empty() {
            match current.get(name) {
                Some(next) => current = next,
                None => return false,
            }
        }
        for index in indices.split('[').skip(1) {
            let Some(i) = index
                .strip_suffix(']')
                .and_then(|i| i.parse::<usize>().ok())
            else {
                return false;
            };
            match current.get(i) {
                Some(next) => current = next,
                None => return false,
            }
        }
    }
    true
}

fn is_answered(answer: &Answer) -> bool {
    match answer {
        Answer::Number(_) => true,
        Answer::Text(s) => !s.trim().is_empty(),
        Answer::List(l) => !l.is_empty(),
        Answer::Tasks(t) => !t.is_empty(),
        Answer::Matrix(m) => !m.is_empty(),
    }
}

/// Properties of any definition the reader accepted.
fn check_definition(def: &SurveyDefinition) -> TestCaseResult {
    let problems = validate_definition(def);
    let json = serde_json::to_value(def).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for p in &problems {
        prop_assert!(
            resolves(&json, &p.path),
            "problem path {:?} names nothing: {:?}",
            p.path,
            p.message
        );
        prop_assert!(!p.message.id.trim().is_empty(), "{:?}", p);
        prop_assert!(
            p.message
                .en
                .as_deref()
                .is_some_and(|en| !en.trim().is_empty()),
            "{:?}",
            p
        );
    }
    // What was read is written back as JSON that reads the same.
    let back: SurveyDefinition =
        serde_json::from_value(json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, def);
    if problems.is_empty() {
        for pick in 0..4 {
            let answers = example_answers(def, pick);
            prop_assert_eq!(
                validate_response(def, &answers),
                vec![],
                "example_answers(_, {}) = {:?}",
                pick,
                answers
            );
            check_accepted(def, &answers)?;
        }
    } else {
        // Responses to an invalid definition are still checked without panicking.
        let _ = validate_response(def, &example_answers(def, 1));
        let _ = contributions(def, &example_answers(def, 1));
    }
    Ok(())
}

/// Properties of an accepted response.
fn check_accepted(def: &SurveyDefinition, answers: &Answers) -> TestCaseResult {
    let visible = visible_question_ids(def, answers);
    for (id, answer) in answers {
        prop_assert!(
            def.question(id).is_some(),
            "answer to unknown question {}",
            id
        );
        if is_answered(answer) {
            prop_assert!(visible.contains(id), "answer to hidden question {}", id);
        }
    }
    for (_, q) in def.questions() {
        if q.required && visible.contains(&q.id) {
            prop_assert!(
                answers.get(&q.id).is_some_and(is_answered),
                "required question {} left unanswered",
                q.id
            );
        }
    }
    let counted = contributions(def, answers);
    prop_assert_eq!(counted[0].key.as_str(), RESPONSES_KEY);
    // Each counter is moved once: a question's counters never land on another's or on the reserved ones.
    let mut keys = BTreeSet::new();
    for c in &counted {
        prop_assert!(
            keys.insert((&c.key, &c.bucket)),
            "counter moved twice: {:?}",
            c
        );
        prop_assert!(c.sum.is_finite(), "{:?}", c);
        prop_assert!(c.count >= 0, "{:?}", c);
        let question = c.key.split('.').next().unwrap_or_default();
        prop_assert!(
            c.key.starts_with('_') || visible.contains(question),
            "counter for a hidden or unknown question: {:?}",
            c
        );
    }
    let json = serde_json::to_string(answers).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: Answers =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
    // Empty answers (no answer) may come back as another empty kind: `[]` is an empty list or task list.
    let answered = |a: &Answers| -> Answers {
        a.iter()
            .filter(|(_, a)| is_answered(a))
            .map(|(k, a)| (k.clone(), a.clone()))
            .collect()
    };
    prop_assert_eq!(
        back.keys().collect::<Vec<_>>(),
        answers.keys().collect::<Vec<_>>()
    );
    prop_assert_eq!(answered(&back), answered(answers));
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Target: survey definitions
// ---------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------
// Target: responses
// ---------------------------------------------------------------------------------------------------------

fn arbitrary_answer() -> impl Strategy<Value = Answer> {
    let word = interesting_string();
    let number = prop_oneof![
        4 => (-3i32..15).prop_map(f64::from),
        2 => select(NUMBERS),
        1 => any::<f64>(),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
    ];
    prop_oneof![
        number.clone().prop_map(Answer::Number),
        word.clone().prop_map(Answer::Text),
        vec(word.clone(), 0..6).prop_map(Answer::List),
        vec(
            (word.clone(), number.clone(), number).prop_map(|(task, volume, minutes)| TaskRow {
                task,
                volume,
                minutes
            }),
            0..5
        )
        .prop_map(Answer::Tasks),
        proptest::collection::btree_map(word, any::<u8>(), 0..4).prop_map(Answer::Matrix),
    ]
}

/// One change to a response. Indices are taken modulo the number of answers or questions.
#[derive(Debug, Clone)]
enum AnswerEdit {
    Remove(usize),
    /// Sets the answer of the n-th question of the definition.
    Set(usize, Answer),
    /// Gives the n-th question the answer `example_answers(def, pick)` has for it (possibly hidden now).
    Borrow(usize, usize),
    Unknown(String, Answer),
    /// Small, kind-preserving change to the n-th answer.
    Tweak(usize, u64),
}

fn answer_edit() -> impl Strategy<Value = AnswerEdit> {
    prop_oneof![
        2 => any::<usize>().prop_map(AnswerEdit::Remove),
        2 => (any::<usize>(), arbitrary_answer()).prop_map(|(n, a)| AnswerEdit::Set(n, a)),
        2 => (any::<usize>(), 0..8usize).prop_map(|(n, p)| AnswerEdit::Borrow(n, p)),
        1 => (interesting_string(), arbitrary_answer()).prop_map(|(k, a)| AnswerEdit::Unknown(k, a)),
        5 => (any::<usize>(), any::<u64>()).prop_map(|(n, s)| AnswerEdit::Tweak(n, s)),
    ]
}

fn tweak_answer(answer: &mut Answer, seed: u64) {
    let pick = |n: usize| (seed % n as u64) as usize;
    let other = (seed / 8) as usize;
    match answer {
        Answer::Number(n) => {
            *n = [
                *n + 1.0,
                *n - 1.0,
                -*n,
                *n + 0.5,
                0.0,
                1e300,
                f64::NAN,
                *n * 1e10,
            ][pick(8)]
        }
        Answer::Text(s) => match pick(5) {
            0 => s.push('x'),
            1 => *s = format!(" {s}\n"),
            2 => s.clear(),
            3 => *s = QUESTION_IDS[other % QUESTION_IDS.len()].clone(),
            _ => *s = s.repeat(1 + other % 400),
        },
        Answer::List(items) => match pick(5) {
            0 => items.clear(),
            1 if !items.is_empty() => {
                items.remove(other % items.len());
            }
            2 if !items.is_empty() => {
                let copy = items[other % items.len()].clone();
                items.push(copy);
            }
            3 => items.push(QUESTION_IDS[other % QUESTION_IDS.len()].clone()),
            _ => items.reverse(),
        },
        Answer::Tasks(rows) => match pick(5) {
            0 => rows.clear(),
            1 if !rows.is_empty() => {
                let i = other % rows.len();
                rows[i].volume = [1e7, 1e7 + 1.0, -0.0, f64::MAX, 0.1][other % 5];
            }
            2 if !rows.is_empty() => {
                let i = other % rows.len();
                rows[i].minutes = [1e5, 1e5 + 1.0, 0.0, -1.0, f64::MIN_POSITIVE][other % 5];
            }
            3 if !rows.is_empty() => {
                let i = other % rows.len();
                rows[i].task = ["", " ", &"x".repeat(201), "\n"][other % 4].to_string();
            }
            _ => {
                let copy = rows.first().cloned().unwrap_or(TaskRow {
                    task: "Tugas".into(),
                    volume: 1.0,
                    minutes: 1.0,
                });
                rows.extend(std::iter::repeat_n(copy, 1 + other % 120));
            }
        },
        Answer::Matrix(values) => match pick(4) {
            0 => values.clear(),
            1 if !values.is_empty() => {
                let key = values
                    .keys()
                    .nth(other % values.len())
                    .cloned()
                    .unwrap_or_default();
                values.insert(key, [0, 1, 5, 6, 11, 12, 255][other % 7]);
            }
            2 if !values.is_empty() => {
                let key = values
                    .keys()
                    .nth(other % values.len())
                    .cloned()
                    .unwrap_or_default();
                values.remove(&key);
            }
            _ => {
                values.insert(QUESTION_IDS[other % QUESTION_IDS.len()].clone(), 1);
            }
        },
    }
}

fn apply_answer_edits(
    def: &SurveyDefinition,
    mut answers: Answers,
    edits: &[AnswerEdit],
) -> Answers {
    let questions: Vec<&str> = def.questions().map(|(_, q)| q.id.as_str()).collect();
    for edit in edits {
        match edit {
            AnswerEdit::Remove(n) if !answers.is_empty() => {
                let key = answers
                    .keys()
                    .nth(n % answers.len())
                    .cloned()
                    .unwrap_or_default();
                answers.remove(&key);
            }
            AnswerEdit::Set(n, answer) if !questions.is_empty() => {
                answers.insert(questions[n % questions.len()].to_string(), answer.clone());
            }
            AnswerEdit::Borrow(n, pick) if !questions.is_empty() => {
                let id = questions[n % questions.len()];
                // Example answers for a response where everything is shown: a question's conditions may be
                // on earlier answers, so borrow from the examples that reach it, if any.
                if let Some(a) = example_answers(def, *pick).remove(id) {
                    answers.insert(id.to_string(), a);
                }
            }
            AnswerEdit::Unknown(key, answer) => {
                answers.insert(key.clone(), answer.clone());
            }
            AnswerEdit::Tweak(n, seed) if !answers.is_empty() => {
                let i = n % answers.len();
                if let Some(a) = answers.values_mut().nth(i) {
                    tweak_answer(a, *seed);
                }
            }
            _ => {}
        }
    }
    answers
}

/// Where the answers come from.
#[derive(Debug, Clone)]
enum AnswersInput {
    /// `example_answers(def, pick)` with a few changes.
    Mutated(usize, Vec<AnswerEdit>),
    /// A random map of answers, keyed mostly by the template's question ids.
    Random(Vec<(usize, Answer)>, Vec<(String, Answer)>),
    /// JSON text (from the example answers with byte-level changes, or arbitrary), read with serde.
    Text(Option<usize>, Vec<ByteEdit>, Vec<u8>),
}

fn answers_input() -> impl Strategy<Value = AnswersInput> {
    prop_oneof![
        8 => (0..8usize, vec(answer_edit(), 0..6)).prop_map(|(p, e)| AnswersInput::Mutated(p, e)),
        3 => (
            vec((any::<usize>(), arbitrary_answer()), 0..20),
            vec((interesting_string(), arbitrary_answer()), 0..3),
        )
            .prop_map(|(known, unknown)| AnswersInput::Random(known, unknown)),
        2 => (proptest::option::of(0..8usize), vec(byte_edit(), 0..4), raw_bytes())
            .prop_map(|(p, e, raw)| AnswersInput::Text(p, e, raw)),
    ]
}

fn answers_from(def: &SurveyDefinition, input: &AnswersInput) -> Option<Answers> {
    match input {
        AnswersInput::Mutated(pick, edits) => {
            Some(apply_answer_edits(def, example_answers(def, *pick), edits))
        }
        AnswersInput::Random(known, unknown) => {
            let ids: Vec<&str> = def.questions().map(|(_, q)| q.id.as_str()).collect();
            let mut answers = Answers::new();
            for (n, answer) in known {
                if !ids.is_empty() {
                    answers.insert(ids[n % ids.len()].to_string(), answer.clone());
                }
            }
            answers.extend(unknown.iter().cloned());
            Some(answers)
        }
        AnswersInput::Text(pick, edits, raw) => {
            let text = match pick {
                Some(p) => apply_bytes(
                    serde_json::to_vec(&example_answers(def, *p)).unwrap(),
                    edits,
                ),
                None => raw.clone(),
            };
            serde_json::from_slice(&text).ok()
        }
    }
}

/// A template, or a still valid variant of one (JSON-level changes that keep it publishable).
fn definition_for_responses() -> impl Strategy<Value = (usize, Vec<Edit>)> {
    (
        template_index(),
        prop_oneof![3 => Just(vec![]), 2 => vec(gentle_edit(), 1..4)],
    )
}

/// Found by `fuzz_response_validation`: a number whose JSON text serde_json's default parser read one unit in
/// the last place off, so an answer written and read back differed. The server and these tests read JSON
/// with `float_roundtrip`.
#[test]
fn answers_read_back_exactly_as_written() {
    let answers: Answers = [(
        "tugas".to_string(),
        Answer::Tasks(vec![TaskRow {
            task: "single_choice".into(),
            volume: 1.0763579211498522e-165,
            minutes: 1.0,
        }]),
    )]
    .into_iter()
    .collect();
    let json = serde_json::to_string(&answers).unwrap();
    let back: Answers = serde_json::from_str(&json).unwrap();
    assert_eq!(back, answers);
}

#[test]
fn fuzz_response_validation() {
    fuzz(
        "fuzz_response_validation",
        (definition_for_responses(), answers_input()),
        |((t, edits), input)| {
            let template = &TEMPLATES[t];
            let variant = (!edits.is_empty())
                .then(|| {
                    serde_json::from_value::<SurveyDefinition>(apply_edits(
                        template.json.clone(),
                        &edits,
                    ))
                    .ok()
                })
                .flatten()
                .filter(|d| validate_definition(d).is_empty());
            let def = variant.as_ref().unwrap_or(&template.definition);
            let Some(answers) = answers_from(def, &input) else {
                return Ok(());
            };
            let problems = validate_response(def, &answers);
            // Counters never panic, whatever the answers (invalid ones add nothing).
            let counted = contributions(def, &answers);
            prop_assert!(!counted.is_empty());
            if problems.is_empty() {
                check_accepted(def, &answers)?;
            } else {
                for p in &problems {
                    let id = p.path.strip_prefix("answers").unwrap_or("?");
                    prop_assert!(
                        id.is_empty()
                            || answers
                                .keys()
                                .chain(def.questions().map(|(_, q)| &q.id))
                                .any(|k| {
                                    id.strip_prefix('.')
                                        .and_then(|rest| rest.strip_prefix(k.as_str()))
                                        .is_some_and(|rest| {
                                            rest.is_empty()
                                                || rest.starts_with('.')
                                                || rest.starts_with('[')
                                        })
                                }),
                        "problem path {:?} names no answer: {:?}",
                        p.path,
                        p.message
                    );
                    prop_assert!(p.message.en.is_some(), "{:?}", p);
                }
            }
            if let AnswersInput::Mutated(pick, edits) = &input
                && edits.is_empty()
            {
                prop_assert_eq!(problems, vec![], "example_answers(_, {}) rejected", pick);
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------------------
// Target: NIP
// ---------------------------------------------------------------------------------------------------------

/// The fields of an 18-digit number, mostly in range, sometimes not.
fn nip_digits() -> impl Strategy<Value = String> {
    let birth_year = prop_oneof![8 => 1940..=2015u32, 1 => 1900..=2100u32, 1 => 0..=9999u32];
    let month = prop_oneof![8 => 1..=12u32, 1 => 0..=99u32];
    let day = prop_oneof![6 => 1..=28u32, 3 => 29..=31u32, 1 => 0..=99u32];
    let appointment_year = prop_oneof![8 => 1960..=2035u32, 1 => 0..=9999u32];
    // PNS: appointment month; PPPK: `2` and the contract count.
    let middle = prop_oneof![
        3 => month.clone().prop_map(|m| format!("{m:02}")),
        2 => (1..=9u32).prop_map(|f| format!("2{f}")),
        1 => (0..=99u32).prop_map(|x| format!("{x:02}")),
    ];
    let sex = prop_oneof![8 => 1..=2u32, 1 => 0..=9u32];
    let sequence = prop_oneof![8 => 1..=999u32, 1 => Just(0u32)];
    (
        birth_year,
        month,
        day,
        appointment_year,
        middle,
        sex,
        sequence,
    )
        .prop_map(|(by, bm, bd, ay, middle, sex, seq)| {
            format!("{by:04}{bm:02}{bd:02}{ay:04}{middle}{sex}{seq:03}")
        })
}

/// Separators and look-alikes inserted into a number.
const NIP_NOISE: &[&str] = &[
    " ", ".", "-", "\t", "\n", "\u{a0}", "\u{2003}", "\u{3000}", "/", "_", ",", "+", "０", "١",
    "٠", "x", "\u{feff}", "\u{200b}", "é",
];

#[derive(Debug, Clone)]
enum NipEdit {
    Insert(usize, &'static str),
    Delete(usize),
    Digit(usize, u8),
    Swap(usize),
}

fn nip_edit() -> impl Strategy<Value = NipEdit> {
    prop_oneof![
        3 => (any::<usize>(), select(NIP_NOISE)).prop_map(|(i, s)| NipEdit::Insert(i, s)),
        1 => any::<usize>().prop_map(NipEdit::Delete),
        2 => (any::<usize>(), 0..10u8).prop_map(|(i, d)| NipEdit::Digit(i, d)),
        1 => any::<usize>().prop_map(NipEdit::Swap),
    ]
}

fn apply_nip_edits(digits: &str, edits: &[NipEdit]) -> String {
    let mut chars: Vec<char> = digits.chars().collect();
    for edit in edits {
        let len = chars.len();
        match *edit {
            NipEdit::Insert(i, s) => {
                let i = i % (len + 1);
                chars.splice(i..i, s.chars());
            }
            NipEdit::Delete(i) if len > 0 => {
                chars.remove(i % len);
            }
            NipEdit::Digit(i, d) if len > 0 => chars[i % len] = char::from(b'0' + d),
            NipEdit::Swap(i) if len > 1 => chars.swap(i % (len - 1), i % (len - 1) + 1),
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// The grouped form as people write it: `YYYYMMDD YYYYMM G NNN` with some separator.
fn grouped(digits: &str, separator: &str) -> String {
    if digits.len() != 18 || !digits.is_ascii() {
        return digits.to_string();
    }
    [
        &digits[0..8],
        &digits[8..14],
        &digits[14..15],
        &digits[15..18],
    ]
    .join(separator)
}

fn nip_input() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (nip_digits(), select(vec!["", " ", ".", "-", " - ", "  "]), vec(nip_edit(), 0..3))
            .prop_map(|(d, sep, edits)| apply_nip_edits(&grouped(&d, sep), &edits)),
        2 => "[0-9 .\\-]{0,30}",
        1 => any::<String>(),
        1 => vec(any::<u8>(), 0..40).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// DOMAIN.md's rules, written independently of `nip.rs`: `None` when `digits` (separators removed) is a
/// valid NIP or NI PPPK, else the error `Nip::parse` must give.
fn oracle(digits: &str) -> Option<NipError> {
    if digits.is_empty() {
        return Some(NipError::Empty);
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Some(NipError::NotDigits);
    }
    if digits.len() != 18 {
        return Some(NipError::WrongLength {
            found: digits.len(),
        });
    }
    let n = |r: std::ops::Range<usize>| digits[r].parse::<u32>().unwrap();
    let (by, bm, bd) = (n(0..4), n(4..6), n(6..8));
    if !(1940..=2015).contains(&by) || bd == 0 || bd > days_in_month(by, bm) {
        return Some(NipError::BadBirthDate);
    }
    let ay = n(8..12);
    if !(1960..=2035).contains(&ay) {
        return Some(NipError::BadAppointment);
    }
    if &digits[12..13] == "2" {
        if ay < by {
            return Some(NipError::BadAppointment);
        }
        if n(13..14) == 0 {
            return Some(NipError::BadContract);
        }
    } else {
        let am = n(12..14);
        if !(1..=12).contains(&am) || (ay, am) < (by, bm) {
            return Some(NipError::BadAppointment);
        }
    }
    if !matches!(n(14..15), 1 | 2) {
        return Some(NipError::BadSex);
    }
    if n(15..18) == 0 {
        return Some(NipError::BadSequence);
    }
    None
}

#[test]
fn fuzz_nip() {
    fuzz("fuzz_nip", nip_input(), |raw| {
        let result = Nip::parse(&raw);
        let digits: String = raw
            .chars()
            .filter(|&c| !(c.is_whitespace() || c == '.' || c == '-'))
            .collect();
        let expected = oracle(&digits);
        prop_assert_eq!(result.as_ref().err(), expected.as_ref(), "{:?}", raw);
        let Ok(nip) = result else {
            return Ok(());
        };
        let s = nip.as_str();
        prop_assert_eq!(s, digits.as_str());
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap();
        // Birth date: a real date in the accepted years.
        let (y, m, d) = nip.birth_date();
        prop_assert_eq!(
            (u32::from(y), u32::from(m), u32::from(d)),
            (n(0..4), n(4..6), n(6..8))
        );
        prop_assert!((1940..=2015).contains(&y));
        prop_assert!(d >= 1 && u32::from(d) <= days_in_month(y.into(), m.into()));
        // Appointment (TMT): not before birth.
        let year = nip.appointment_year();
        prop_assert!((1960..=2035).contains(&year));
        prop_assert!(year >= y);
        match nip.kind() {
            NipKind::Pns => {
                let month = n(12..14);
                prop_assert!((1..=12).contains(&month));
                prop_assert!((u32::from(year), month) >= (u32::from(y), u32::from(m)));
            }
            NipKind::Pppk => {
                prop_assert_eq!(&s[12..13], "2");
                prop_assert!((1..=9).contains(&n(13..14)));
            }
        }
        // Sex and sequence.
        let sex = match &s[14..15] {
            "1" => Sex::Male,
            "2" => Sex::Female,
            other => return Err(TestCaseError::fail(format!("sex digit {other}"))),
        };
        prop_assert_eq!(nip.sex(), sex);
        prop_assert_ne!(&s[15..18], "000");
        // Formatting, then parsing, gives the same number.
        prop_assert_eq!(Nip::parse(&nip.display()), Ok(nip.clone()));
        prop_assert_eq!(Nip::parse(&nip.to_string()), Ok(nip.clone()));
        prop_assert_eq!(
            Nip::parse(&nip.display().replace(' ', ".")),
            Ok(nip.clone())
        );
        let json = serde_json::to_string(&nip).unwrap();
        prop_assert_eq!(serde_json::from_str::<Nip>(&json).ok(), Some(nip.clone()));
        prop_assert_eq!(format!("{nip:?}"), "Nip(***)");
        Ok(())
    });
}
