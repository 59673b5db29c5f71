//! Tests of response validation: each kind of wrong answer is reported at its path with a specific message.

use super::*;
use crate::i18n::Text;
use crate::survey::aggregate::contributions;
use crate::survey::model::Section;
use crate::survey::validate::tests::{paths, set};
use crate::survey::validate::validate_definition;
use crate::templates::test_support::{all_kinds_definition, q, sample_response};

/// The fixture with every question required.
fn required_definition() -> SurveyDefinition {
    let mut def = all_kinds_definition();
    for section in &mut def.sections {
        for question in &mut section.questions {
            question.required = question.visible_if.is_none();
        }
    }
    def
}

fn text(s: &str) -> Answer {
    Answer::Text(s.into())
}

fn list(items: &[&str]) -> Answer {
    Answer::List(items.iter().map(|s| s.to_string()).collect())
}

fn task(name: &str, volume: f64, minutes: f64) -> TaskRow {
    TaskRow {
        task: name.into(),
        volume,
        minutes,
    }
}

/// A valid complete response to `required_definition` with pilih_satu = "a" (so `lanjutan` is shown).
fn base_answers(def: &SurveyDefinition) -> Answers {
    let mut a = sample_response(def);
    a.insert("pilih_satu".into(), text("a"));
    a.insert("lanjutan".into(), text("Ya"));
    a
}

fn num(n: f64) -> Option<Answer> {
    Some(Answer::Number(n))
}

fn txt(s: &str) -> Option<Answer> {
    Some(text(s))
}

fn lst(items: &[&str]) -> Option<Answer> {
    Some(list(items))
}

fn matrix(rows: &[(&str, u8)]) -> Option<Answer> {
    Some(Answer::Matrix(
        rows.iter().map(|(r, v)| (r.to_string(), *v)).collect(),
    ))
}

fn tasks(rows: Vec<TaskRow>) -> Option<Answer> {
    Some(Answer::Tasks(rows))
}

#[test]
fn invalid_answers_report_the_expected_paths() {
    let def = required_definition();
    assert_eq!(validate_response(&def, &base_answers(&def)), vec![]);
    let long_task = "t".repeat(201);
    let bad_rows = vec![
        task(" ", 1.0, 1.0),
        task("Rapat", -1.0, 1.0),
        task("Surat", 1.0, 0.0),
        task(&long_task, 1e8, f64::NAN),
    ];
    let bad_row_paths: &[&str] = &[
        "answers.tugas[0].task",
        "answers.tugas[1].volume",
        "answers.tugas[2].minutes",
        "answers.tugas[3].task",
        "answers.tugas[3].volume",
        "answers.tugas[3].minutes",
    ];
    let six_tasks = (0..6).map(|_| task("Surat", 1.0, 1.0)).collect();
    // (case, question, new answer or None to remove it, expected problem paths)
    #[rustfmt::skip]
    let table: Vec<(&str, &str, Option<Answer>, &[&str])> = vec![
        ("missing required", "likert", None, &["answers.likert"]),
        ("blank required text", "singkat", txt("   "), &["answers.singkat"]),
        ("empty required list", "pilih_banyak", lst(&[]), &["answers.pilih_banyak"]),
        ("empty required tasks", "tugas", tasks(vec![]), &["answers.tugas"]),
        ("missing matrix row", "matriks", matrix(&[("r1", 3)]), &["answers.matriks.r2"]),
        ("likert out of range", "likert", num(6.0), &["answers.likert"]),
        ("likert zero", "likert", num(0.0), &["answers.likert"]),
        ("likert fraction", "likert", num(2.5), &["answers.likert"]),
        ("likert NaN", "likert", num(f64::NAN), &["answers.likert"]),
        ("matrix value", "matriks", matrix(&[("r1", 6), ("r2", 1)]), &["answers.matriks.r1"]),
        ("matrix value 0", "matriks", matrix(&[("r1", 1), ("r2", 0)]), &["answers.matriks.r2"]),
        ("matrix unknown row", "matriks", matrix(&[("r1", 1), ("r2", 1), ("r9", 1)]), &["answers.matriks.r9"]),
        ("rating zero", "bintang", num(0.0), &["answers.bintang"]),
        ("rating six of five", "bintang", num(6.0), &["answers.bintang"]),
        ("nps 11", "nps", num(11.0), &["answers.nps"]),
        ("nps negative", "nps", num(-1.0), &["answers.nps"]),
        ("competency 6", "integritas", num(6.0), &["answers.integritas"]),
        ("number above max", "angka", num(101.0), &["answers.angka"]),
        ("number below min", "angka", num(-1.0), &["answers.angka"]),
        ("number not whole", "angka", num(2.5), &["answers.angka"]),
        ("number infinite", "angka", num(f64::INFINITY), &["answers.angka"]),
        // An unknown option or a wrong type also hides `lanjutan` (shown only for "a").
        ("unknown option", "pilih_satu", txt("zzz"), &["answers.pilih_satu", "answers.lanjutan"]),
        ("unknown option in list", "pilih_banyak", lst(&["a", "zzz"]), &["answers.pilih_banyak"]),
        ("repeated option in list", "pilih_banyak", lst(&["a", "a"]), &["answers.pilih_banyak"]),
        ("too many selections", "pilih_banyak", lst(&["a", "b", "c"]), &["answers.pilih_banyak"]),
        ("answer to a hidden question", "pilih_satu", txt("b"), &["answers.lanjutan"]),
        ("unknown question", "tidak_ada", txt("x"), &["answers.tidak_ada"]),
        ("wrong type for likert", "likert", txt("4"), &["answers.likert"]),
        ("wrong type for choice", "pilih_satu", num(1.0), &["answers.pilih_satu", "answers.lanjutan"]),
        ("wrong type for multiple", "pilih_banyak", txt("a"), &["answers.pilih_banyak"]),
        ("wrong type for tasks", "tugas", lst(&["x"]), &["answers.tugas"]),
        ("wrong type for matrix", "matriks", num(3.0), &["answers.matriks"]),
        ("wrong type for date", "tanggal", num(20260101.0), &["answers.tanggal"]),
        ("wrong type for job level", "jabatan", lst(&["pelaksana"]), &["answers.jabatan"]),
        ("oversized short text", "singkat", txt(&"x".repeat(21)), &["answers.singkat"]),
        ("short text with newline", "singkat", txt("a\nb"), &["answers.singkat"]),
        ("oversized long text", "panjang", txt(&"é".repeat(101)), &["answers.panjang"]),
        ("bad date", "tanggal", txt("2026-02-30"), &["answers.tanggal"]),
        ("date in another format", "tanggal", txt("27/11/2026"), &["answers.tanggal"]),
        ("date before min", "tanggal", txt("2024-02-28"), &["answers.tanggal"]),
        ("date after max", "tanggal", txt("2031-01-01"), &["answers.tanggal"]),
        ("ranking duplicates", "urutan", lst(&["x", "x", "y"]), &["answers.urutan"]),
        ("ranking incomplete", "urutan", lst(&["x", "y"]), &["answers.urutan"]),
        ("ranking unknown", "urutan", lst(&["x", "y", "z", "w"]), &["answers.urutan"]),
        ("unknown job level", "jabatan", txt("camat"), &["answers.jabatan"]),
        ("too many tasks", "tugas", tasks(six_tasks), &["answers.tugas"]),
        ("bad task rows", "tugas", tasks(bad_rows), bad_row_paths),
    ];
    for (name, id, answer, expected) in table {
        let mut answers = base_answers(&def);
        match answer {
            Some(a) => answers.insert(id.to_string(), a),
            None => answers.remove(id),
        };
        let problems = validate_response(&def, &answers);
        assert_eq!(paths(&problems), set(expected), "{name}: {problems:#?}");
        for p in &problems {
            assert!(
                !p.message.id.is_empty() && p.message.en.as_deref().is_some_and(|e| !e.is_empty())
            );
        }
    }
}

#[test]
fn messages_are_specific() {
    let def = required_definition();
    let mut a = base_answers(&def);
    a.insert("pilih_banyak".into(), list(&["a", "b", "c"]));
    a.remove("likert");
    a.insert("likert".into(), text("4"));
    a.insert("bintang".into(), Answer::Number(9.0));
    a.insert("tidak_ada".into(), text("x"));
    a.remove("nps");
    a.insert("pilih_satu".into(), text("b"));
    let problems = validate_response(&def, &a);
    let msgs: Vec<(&str, &str, &str)> = problems
        .iter()
        .map(|p| {
            (
                p.path.as_str(),
                p.message.id.as_str(),
                p.message.en.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        msgs,
        vec![
            (
                "answers.lanjutan",
                "Pertanyaan ini tidak ditampilkan",
                "This question is not shown"
            ),
            (
                "answers.pilih_banyak",
                "Pilih paling banyak 2",
                "Choose at most 2"
            ),
            ("answers.likert", "Jenis jawaban salah", "Wrong answer type"),
            (
                "answers.bintang",
                "Pilih bilangan bulat 1 sampai 5",
                "Choose a whole number from 1 to 5"
            ),
            ("answers.nps", "Wajib diisi", "Required"),
            (
                "answers.tidak_ada",
                "Pertanyaan tidak dikenal",
                "Unknown question"
            ),
        ]
    );
}

#[test]
fn optional_questions_may_be_skipped_or_blank() {
    let def = all_kinds_definition();
    assert_eq!(validate_response(&def, &Answers::new()), vec![]);
    let mut a = Answers::new();
    a.insert("singkat".into(), text(""));
    a.insert("pilih_banyak".into(), list(&[]));
    a.insert("matriks".into(), Answer::Matrix(Default::default()));
    // Blank answers to hidden questions count as no answer.
    a.insert("lanjutan".into(), text(""));
    assert_eq!(validate_response(&def, &a), vec![]);
    // An optional matrix may be answered in part.
    a.insert(
        "matriks".into(),
        Answer::Matrix([("r2".to_string(), 4)].into()),
    );
    assert_eq!(validate_response(&def, &a), vec![]);
    let q = def.question("likert").unwrap();
    assert_eq!(validate_answer(q, None), vec![]);
}

#[test]
fn too_many_answers_is_one_problem() {
    let def = all_kinds_definition();
    let a: Answers = (0..1001)
        .map(|i| (format!("x{i}"), Answer::Number(1.0)))
        .collect();
    let problems = validate_response(&def, &a);
    assert_eq!(paths(&problems), set(&["answers"]));
    assert_eq!(problems.len(), 1);
}

/// A number question without bounds: any finite answer used to pass, and `1e200` made the counters'
/// sum of squares infinite (and with it every mean and spread of the wave).
#[test]
fn huge_numbers_are_rejected_whatever_the_bounds() {
    let def = SurveyDefinition {
        title: Text::id_only("Angka"),
        description: None,
        sections: vec![Section {
            id: "s".into(),
            title: Text::id_only("Bagian"),
            description: None,
            visible_if: None,
            questions: vec![q(
                "angka",
                true,
                QuestionKind::Number {
                    integer: false,
                    min: None,
                    max: None,
                    unit: None,
                },
            )],
        }],
    };
    assert_eq!(validate_definition(&def), vec![]);
    let answer = |n: f64| Answers::from([("angka".to_string(), Answer::Number(n))]);
    for n in [1e200, -1e16, f64::MAX] {
        let problems = validate_response(&def, &answer(n));
        assert_eq!(paths(&problems), set(&["answers.angka"]), "{n}");
        // Rejected answers add nothing.
        assert!(
            contributions(&def, &answer(n))
                .iter()
                .all(|c| c.sum.is_finite())
        );
    }
    for n in [1e15, -1e15, 0.0, 123.5] {
        assert_eq!(validate_response(&def, &answer(n)), vec![], "{n}");
        assert!(
            contributions(&def, &answer(n))
                .iter()
                .all(|c| c.sum.is_finite())
        );
    }
}
