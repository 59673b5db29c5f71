//! Structure-aware JSON mutations: arbitrary JSON biased towards the survey model's words, keys and
//! numbers, and edits of a document's nodes (gentle ones keep its shape, so that it often still reads).

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

use crate::surveys::QUESTION_IDS;

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

pub(crate) const NUMBERS: &[f64] = &[
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

pub(crate) fn interesting_string() -> BoxedStrategy<String> {
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
pub(crate) fn arbitrary_json() -> impl Strategy<Value = Value> {
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
pub(crate) enum Edit {
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

pub(crate) fn edit() -> impl Strategy<Value = Edit> {
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
pub(crate) fn gentle_edit() -> impl Strategy<Value = Edit> {
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

pub(crate) fn apply_edits(mut v: Value, edits: &[Edit]) -> Value {
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
