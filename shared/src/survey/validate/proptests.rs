//! Property tests of validation: generated valid definitions and responses pass and round-trip through
//! JSON, and arbitrary or mutated input never panics.

use proptest::prelude::*;
use serde_json::Value;

use super::*;
use crate::survey::aggregate::contributions;
use crate::survey::condition::visible_question_ids;
use crate::survey::model::{
    Answer, Answers, ChoiceOption, CompetencyGroup, Condition, MatrixRow, Question, Scalar,
    Section, SurveyDefinition, TaskRow,
};
use crate::templates::test_support::{random_response, scale};

/// A tiny deterministic generator to turn one seed into many small choices.
struct Seed(u64);

impl Seed {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn text(&mut self, what: &str) -> Text {
        let n = self.below(1000);
        if self.below(3) == 0 {
            Text::id_only(format!("{what} {n} – “ya” ✓"))
        } else {
            Text::new(format!("{what} {n}"), format!("{what} {n} (en)"))
        }
    }
}

fn options(seed: &mut Seed, n: usize) -> Vec<ChoiceOption> {
    (0..n)
        .map(|i| ChoiceOption {
            id: format!("o{i}"),
            label: seed.text("Pilihan"),
        })
        .collect()
}

fn kind(seed: &mut Seed) -> QuestionKind {
    match seed.below(15) {
        0 | 14 => {
            let n = seed.range(2, 6);
            QuestionKind::SingleChoice {
                options: options(seed, n),
            }
        }
        1 => {
            let n = seed.range(2, 6);
            let max = (seed.below(2) == 0).then(|| seed.range(1, n) as u32);
            let min =
                (seed.below(2) == 0).then(|| seed.range(0, max.map_or(n, |m| m as usize)) as u32);
            QuestionKind::MultipleChoice {
                options: options(seed, n),
                min,
                max,
            }
        }
        2 => QuestionKind::Likert {
            scale: scale(seed.range(2, 11) as u8),
        },
        3 => QuestionKind::LikertMatrix {
            scale: scale(seed.range(2, 7) as u8),
            rows: (0..seed.range(1, 4))
                .map(|i| MatrixRow {
                    id: format!("r{i}"),
                    label: seed.text("Baris"),
                })
                .collect(),
        },
        4 => QuestionKind::Rating {
            max: if seed.below(2) == 0 { 5 } else { 10 },
        },
        5 => QuestionKind::Nps,
        6 => {
            let min = (seed.below(2) == 0).then(|| seed.range(0, 200) as f64 - 100.0);
            let max = (seed.below(2) == 0).then(|| min.unwrap_or(0.0) + seed.range(0, 1000) as f64);
            QuestionKind::Number {
                integer: seed.below(2) == 0,
                min,
                max,
                unit: (seed.below(2) == 0).then(|| seed.text("Satuan")),
            }
        }
        7 => QuestionKind::Date {
            min: (seed.below(2) == 0)
                .then(|| format!("20{:02}-02-{:02}", seed.range(10, 25), seed.range(1, 28))),
            max: (seed.below(2) == 0)
                .then(|| format!("2030-{:02}-{:02}", seed.range(1, 12), seed.range(1, 28))),
        },
        8 => QuestionKind::ShortText {
            max_length: seed.range(1, 500) as u32,
        },
        9 => QuestionKind::LongText {
            max_length: seed.range(1, 10_000) as u32,
        },
        10 => {
            let n = seed.range(2, 6);
            QuestionKind::Ranking {
                options: options(seed, n),
            }
        }
        11 => QuestionKind::Competency {
            code: format!("kompetensi_{}", seed.below(100)),
            group: [
                CompetencyGroup::Manajerial,
                CompetencyGroup::SosialKultural,
                CompetencyGroup::Teknis,
            ][seed.below(3)],
            levels: (1..=5).map(|_| seed.text("Level")).collect(),
        },
        12 => QuestionKind::JobLevel,
        _ => QuestionKind::WorkloadTasks {
            max_tasks: seed.range(1, 100) as u32,
        },
    }
}

/// A condition on one of `earlier` (which must not be empty) that fits its kind.
fn condition(seed: &mut Seed, earlier: &[&Question], depth: usize) -> Condition {
    let target = earlier[seed.below(earlier.len())];
    let question = target.id.clone();
    let choice = seed.below(8);
    match (choice, &target.kind) {
        (0, _) if depth < 3 => Condition::And {
            all: (0..seed.range(1, 3))
                .map(|_| condition(seed, earlier, depth + 1))
                .collect(),
        },
        (1, _) if depth < 3 => Condition::Or {
            any: (0..seed.range(1, 3))
                .map(|_| condition(seed, earlier, depth + 1))
                .collect(),
        },
        (2, _) if depth < 3 => Condition::Not {
            condition: Box::new(condition(seed, earlier, depth + 1)),
        },
        (
            3 | 4,
            QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. },
        ) => {
            let value = Scalar::Text(options[seed.below(options.len())].id.clone());
            if choice == 3 {
                Condition::Equals { question, value }
            } else {
                Condition::NotEquals { question, value }
            }
        }
        (5, QuestionKind::SingleChoice { options }) => Condition::In {
            question,
            values: options
                .iter()
                .take(2)
                .map(|o| Scalar::Text(o.id.clone()))
                .collect(),
        },
        (3..=5, kind) if is_numeric_kind(kind) => {
            let value = seed.range(0, 10) as f64;
            match choice {
                3 => Condition::Greater { question, value },
                4 => Condition::Less { question, value },
                _ => Condition::Equals {
                    question,
                    value: Scalar::Number(value),
                },
            }
        }
        _ => Condition::Answered { question },
    }
}

/// Seeds for one question: its kind and texts, whether it is required, and its condition, if any.
type QuestionSpec = (u64, bool, Option<u64>);
/// Seeds for one section: its condition, if any, and its questions.
type SectionSpec = (Option<u64>, Vec<QuestionSpec>);

fn build_definition(spec: &[SectionSpec], described: bool) -> SurveyDefinition {
    let mut def = SurveyDefinition {
        title: Text::new("Survei uji", "Test survey"),
        description: described.then(|| Text::new("Deskripsi", "Description")),
        sections: Vec::new(),
    };
    let mut n = 0;
    for (si, (section_condition, questions)) in spec.iter().enumerate() {
        let earlier: Vec<Question> = def.questions().map(|(_, q)| q.clone()).collect();
        let earlier_refs: Vec<&Question> = earlier.iter().collect();
        let visible_if = match section_condition {
            Some(s) if !earlier_refs.is_empty() => Some(condition(&mut Seed(*s), &earlier_refs, 0)),
            _ => None,
        };
        let mut section = Section {
            id: format!("s{si}"),
            title: Text::new(format!("Bagian {si}"), format!("Section {si}")),
            description: None,
            visible_if,
            questions: Vec::new(),
        };
        let mut before = earlier;
        for (seed, required, question_condition) in questions {
            let mut seed = Seed(*seed);
            let refs: Vec<&Question> = before.iter().collect();
            let visible_if = match question_condition {
                Some(s) if !refs.is_empty() => Some(condition(&mut Seed(*s), &refs, 0)),
                _ => None,
            };
            let question = Question {
                id: format!("q{n}"),
                text: seed.text("Pertanyaan"),
                help: (seed.below(3) == 0).then(|| seed.text("Bantuan")),
                required: *required,
                visible_if,
                kind: kind(&mut seed),
            };
            n += 1;
            before.push(question.clone());
            section.questions.push(question);
        }
        def.sections.push(section);
    }
    def
}

fn valid_definition() -> impl Strategy<Value = SurveyDefinition> {
    let question = (
        any::<u64>(),
        any::<bool>(),
        proptest::option::weighted(0.4, any::<u64>()),
    );
    let section = (
        proptest::option::weighted(0.3, any::<u64>()),
        proptest::collection::vec(question, 1..5),
    );
    (proptest::collection::vec(section, 1..4), any::<bool>())
        .prop_map(|(spec, described)| build_definition(&spec, described))
}

fn valid_definition_and_response() -> impl Strategy<Value = (SurveyDefinition, Answers)> {
    (valid_definition(), any::<u64>(), any::<bool>()).prop_map(|(def, seed, complete)| {
        let mut seed = Seed(seed);
        let answers = random_response(&def, complete, &mut |n| seed.below(n));
        (def, answers)
    })
}

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
    "q0",
    "q1",
    "o0",
    "r0",
];

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
    "teknis",
    "q0",
    "q1",
    "o0",
    "o1",
    "r0",
    "s0",
    "2026-02-29",
    "2024-02-29",
    "pelaksana",
    "",
    " ",
    "\n",
];

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-20i64..20).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        proptest::sample::select(WORDS).prop_map(|s| Value::String(s.to_string())),
        "[a-z_0-9\\-]{0,8}".prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        let key = prop_oneof![
            proptest::sample::select(KEYS).prop_map(str::to_string),
            "[a-z_0-9]{0,4}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(key, inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// A small, type-preserving change to one JSON node, so that the result often still deserialises.
fn tweak(v: &mut Value, seed: u64) {
    let mut seed = Seed(seed);
    match v {
        Value::String(s) => *s = WORDS[seed.below(WORDS.len())].to_string(),
        Value::Number(_) => {
            const NUMBERS: &[f64] = &[
                -1.0, 0.0, 1.0, 2.0, 2.5, 5.0, 11.0, 12.0, 41.0, 255.0, 501.0, 1e9,
            ];
            *v = Value::from(NUMBERS[seed.below(NUMBERS.len())]);
        }
        Value::Bool(b) => *b = !*b,
        Value::Null => {}
        Value::Array(items) => match seed.below(3) {
            0 if !items.is_empty() => {
                items.remove(seed.below(items.len()));
            }
            1 if !items.is_empty() => {
                let copy = items[seed.below(items.len())].clone();
                items.push(copy);
            }
            _ => items.clear(),
        },
        Value::Object(map) => {
            if !map.is_empty() {
                let key = map
                    .keys()
                    .nth(seed.below(map.len()))
                    .cloned()
                    .unwrap_or_default();
                map.remove(&key);
            }
        }
    }
}

/// Applies `change` to the `target`-th node (pre-order) of `v`.
fn change_node(v: &mut Value, target: &mut usize, change: &dyn Fn(&mut Value)) -> bool {
    if *target == 0 {
        change(v);
        return true;
    }
    *target -= 1;
    match v {
        Value::Array(items) => items.iter_mut().any(|i| change_node(i, target, change)),
        Value::Object(map) => map.values_mut().any(|i| change_node(i, target, change)),
        _ => false,
    }
}

/// A mutation: the index of the node to change, and either a replacement or a seed for [`tweak`].
type Mutation = (usize, Result<u64, Value>);

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let one = (
        any::<usize>(),
        prop_oneof![4 => any::<u64>().prop_map(Ok), 1 => arbitrary_json().prop_map(Err)],
    );
    proptest::collection::vec(one, 0..4)
}

fn mutate(mut v: Value, mutations: &[Mutation]) -> Value {
    for (index, how) in mutations {
        let mut target = index % count_nodes(&v);
        match how {
            Ok(seed) => change_node(&mut v, &mut target, &|n| tweak(n, *seed)),
            Err(replacement) => change_node(&mut v, &mut target, &|n| *n = replacement.clone()),
        };
    }
    v
}

fn arbitrary_answer() -> impl Strategy<Value = Answer> {
    let word = prop_oneof![
        proptest::sample::select(WORDS).prop_map(str::to_string),
        "[a-z_0-9]{0,6}",
        any::<String>(),
    ];
    let number = prop_oneof![(-3i32..15).prop_map(f64::from), any::<f64>()];
    prop_oneof![
        number.clone().prop_map(Answer::Number),
        word.clone().prop_map(Answer::Text),
        proptest::collection::vec(word.clone(), 0..6).prop_map(Answer::List),
        proptest::collection::vec(
            (word.clone(), number.clone(), number).prop_map(|(task, volume, minutes)| {
                TaskRow {
                    task,
                    volume,
                    minutes,
                }
            }),
            0..4
        )
        .prop_map(Answer::Tasks),
        proptest::collection::btree_map(word, any::<u8>(), 0..4).prop_map(Answer::Matrix),
    ]
}

fn arbitrary_answers(ids: Vec<String>) -> impl Strategy<Value = Answers> {
    let key = prop_oneof![3 => proptest::sample::select(ids), 1 => "[a-z_0-9]{0,6}"];
    proptest::collection::btree_map(key, arbitrary_answer(), 0..25)
}

fn template_question_ids() -> Vec<String> {
    let mut ids: Vec<String> = crate::templates::all()
        .iter()
        .flat_map(|t| {
            t.definition
                .questions()
                .map(|(_, q)| q.id.clone())
                .collect::<Vec<_>>()
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Runs everything that must never panic.
fn exercise(def: &SurveyDefinition, answers: &Answers) {
    let _ = validate_definition(def);
    let _ = validate_response(def, answers);
    let _ = visible_question_ids(def, answers);
    let _ = contributions(def, answers);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_definitions_and_responses_round_trip((def, answers) in valid_definition_and_response()) {
        prop_assert_eq!(validate_definition(&def), vec![]);
        prop_assert_eq!(validate_response(&def, &answers), vec![]);

        let json = serde_json::to_string(&def).unwrap();
        let back: SurveyDefinition = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &def);

        let json = serde_json::to_string(&answers).unwrap();
        let back: Answers = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &answers);

        // Every answered question is counted.
        let counted = contributions(&def, &answers);
        prop_assert_eq!(counted[0].key.as_str(), crate::survey::RESPONSES_KEY);
        for id in answers.keys() {
            prop_assert!(counted.iter().any(|c| c.key == *id || c.key.starts_with(&format!("{id}."))), "{}", id);
        }
    }

    #[test]
    fn arbitrary_json_never_panics(def_json in arbitrary_json(), answers_json in arbitrary_json()) {
        let def: Option<SurveyDefinition> = serde_json::from_value(def_json).ok();
        let answers: Answers = serde_json::from_value(answers_json).unwrap_or_default();
        if let Some(def) = def {
            exercise(&def, &answers);
        }
        for template in crate::templates::all() {
            exercise(&template.definition, &answers);
        }
    }

    #[test]
    fn mutated_definitions_never_panic(
        (def, answers) in valid_definition_and_response(),
        def_mutations in mutations(),
        answer_mutations in mutations(),
    ) {
        let def_json = mutate(serde_json::to_value(&def).unwrap(), &def_mutations);
        let answers_json = mutate(serde_json::to_value(&answers).unwrap(), &answer_mutations);
        let answers: Answers = serde_json::from_value(answers_json).unwrap_or(answers);
        match serde_json::from_value::<SurveyDefinition>(def_json) {
            Ok(mutated) => exercise(&mutated, &answers),
            Err(_) => exercise(&def, &answers),
        }
    }

    #[test]
    fn arbitrary_answers_to_templates_never_panic(answers in arbitrary_answers(template_question_ids())) {
        for template in crate::templates::all() {
            exercise(&template.definition, &answers);
        }
    }

    #[test]
    fn arbitrary_answers_to_random_definitions_never_panic(
        def in valid_definition(),
        answers in arbitrary_answers((0..20).map(|i| format!("q{i}")).collect()),
    ) {
        exercise(&def, &answers);
    }
}
