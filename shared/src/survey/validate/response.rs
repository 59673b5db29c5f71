//! Validation of a response against its definition: each answer against its question's kind and settings,
//! required questions, and answers to questions that are unknown or not shown.

use std::collections::{BTreeSet, HashSet};

use super::{
    COMPETENCY_LEVELS, MAX_ANSWERS, MAX_NUMBER, MAX_TASK_MINUTES, MAX_TASK_NAME_CHARS,
    MAX_TASK_VOLUME, Problem, is_whole, num, parse_date, problem, quote,
};
use crate::survey::condition::{is_answered, visible_question_ids};
use crate::survey::model::{
    Answer, Answers, ChoiceOption, JobLevel, Question, QuestionKind, SurveyDefinition, TaskRow,
};

fn required(path: impl Into<String>) -> Problem {
    problem(path, "Wajib diisi", "Required")
}

fn wrong_type(path: impl Into<String>) -> Problem {
    problem(path, "Jenis jawaban salah", "Wrong answer type")
}

/// A whole number within `lo..=hi`.
fn check_whole_in(n: f64, lo: i64, hi: i64, path: &str, out: &mut Vec<Problem>) {
    if !is_whole(n) || n < lo as f64 || n > hi as f64 {
        out.push(problem(
            path,
            format!("Pilih bilangan bulat {lo} sampai {hi}"),
            format!("Choose a whole number from {lo} to {hi}"),
        ));
    }
}

/// Unknown and repeated option ids in a list answer.
fn check_list_items(
    items: &[String],
    options: &[ChoiceOption],
    path: &str,
    out: &mut Vec<Problem>,
) {
    let known: HashSet<&str> = options.iter().map(|o| o.id.as_str()).collect();
    let mut seen = HashSet::new();
    for item in items {
        if !known.contains(item.as_str()) {
            out.push(problem(
                path,
                format!("Pilihan tidak dikenal: {}", quote(item)),
                format!("Unknown option: {}", quote(item)),
            ));
        } else if !seen.insert(item.as_str()) {
            out.push(problem(
                path,
                format!("Pilihan {} muncul lebih dari sekali", quote(item)),
                format!("Option {} appears more than once", quote(item)),
            ));
        }
    }
}

/// Every problem with the answer to one shown question (`None` when unanswered).
pub fn validate_answer(question: &Question, answer: Option<&Answer>) -> Vec<Problem> {
    let mut out = Vec::new();
    let path = format!("answers.{}", question.id);
    let answer = match answer {
        Some(a) if is_answered(Some(a)) => a,
        _ => {
            if question.required {
                out.push(required(path));
            }
            return out;
        }
    };
    match (&question.kind, answer) {
        (QuestionKind::SingleChoice { options }, Answer::Text(v)) => {
            if !options.iter().any(|o| &o.id == v) {
                out.push(problem(
                    &path,
                    format!("Pilihan tidak dikenal: {}", quote(v)),
                    format!("Unknown option: {}", quote(v)),
                ));
            }
        }
        (QuestionKind::MultipleChoice { options, min, max }, Answer::List(items)) => {
            check_list_items(items, options, &path, &mut out);
            let count = items.len();
            if let Some(min) = *min
                && count < min as usize
            {
                out.push(problem(
                    &path,
                    format!("Pilih paling sedikit {min}"),
                    format!("Choose at least {min}"),
                ));
            }
            if let Some(max) = *max
                && count > max as usize
            {
                out.push(problem(
                    &path,
                    format!("Pilih paling banyak {max}"),
                    format!("Choose at most {max}"),
                ));
            }
        }
        (QuestionKind::Likert { scale }, Answer::Number(n)) => {
            check_whole_in(*n, 1, i64::from(scale.points), &path, &mut out)
        }
        (QuestionKind::LikertMatrix { scale, rows }, Answer::Matrix(values)) => {
            let row_ids: BTreeSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            for (row, value) in values {
                let rp = format!("{path}.{row}");
                if !row_ids.contains(row.as_str()) {
                    out.push(problem(
                        rp,
                        format!("Baris tidak dikenal: {}", quote(row)),
                        format!("Unknown row: {}", quote(row)),
                    ));
                } else if *value < 1 || *value > scale.points {
                    out.push(problem(
                        rp,
                        format!("Pilih nilai 1 sampai {}", scale.points),
                        format!("Choose a value from 1 to {}", scale.points),
                    ));
                }
            }
            if question.required {
                for row in rows {
                    if !values.contains_key(&row.id) {
                        out.push(required(format!("{path}.{}", row.id)));
                    }
                }
            }
        }
        (QuestionKind::Rating { max }, Answer::Number(n)) => {
            check_whole_in(*n, 1, i64::from(*max), &path, &mut out)
        }
        (QuestionKind::Nps, Answer::Number(n)) => check_whole_in(*n, 0, 10, &path, &mut out),
        (QuestionKind::Competency { .. }, Answer::Number(n)) => {
            check_whole_in(*n, 1, COMPETENCY_LEVELS as i64, &path, &mut out)
        }
        (
            QuestionKind::Number {
                integer, min, max, ..
            },
            Answer::Number(n),
        ) => {
            let n = *n;
            if !n.is_finite() {
                out.push(problem(&path, "Angka tidak valid", "Not a valid number"));
            } else if n.abs() > MAX_NUMBER {
                // Whatever the bounds: its square is added to the counters.
                out.push(problem(
                    &path,
                    "Angka paling besar 10^15 (positif atau negatif)",
                    "The number must be within plus or minus 10^15",
                ));
            } else {
                if *integer && !is_whole(n) {
                    out.push(problem(
                        &path,
                        "Harus bilangan bulat",
                        "Must be a whole number",
                    ));
                }
                if let Some(lo) = *min
                    && n < lo
                {
                    let (id, en) = num(lo);
                    out.push(problem(
                        &path,
                        format!("Paling kecil {id}"),
                        format!("Must be at least {en}"),
                    ));
                }
                if let Some(hi) = *max
                    && n > hi
                {
                    let (id, en) = num(hi);
                    out.push(problem(
                        &path,
                        format!("Paling besar {id}"),
                        format!("Must be at most {en}"),
                    ));
                }
            }
        }
        (QuestionKind::Date { min, max }, Answer::Text(s)) => {
            if parse_date(s).is_none() {
                out.push(problem(
                    &path,
                    "Tanggal tidak valid (format TTTT-BB-HH)",
                    "Not a valid date (format YYYY-MM-DD)",
                ));
            } else {
                if let Some(lo) = min
                    && parse_date(lo).is_some()
                    && s < lo
                {
                    out.push(problem(
                        &path,
                        format!("Tanggal paling awal {lo}"),
                        format!("The date must be on or after {lo}"),
                    ));
                }
                if let Some(hi) = max
                    && parse_date(hi).is_some()
                    && s > hi
                {
                    out.push(problem(
                        &path,
                        format!("Tanggal paling akhir {hi}"),
                        format!("The date must be on or before {hi}"),
                    ));
                }
            }
        }
        (QuestionKind::ShortText { max_length }, Answer::Text(s)) => {
            if s.contains(['\n', '\r']) {
                out.push(problem(
                    &path,
                    "Isi dalam satu baris saja",
                    "Only one line is allowed",
                ));
            }
            check_length(s, *max_length, &path, &mut out);
        }
        (QuestionKind::LongText { max_length }, Answer::Text(s)) => {
            check_length(s, *max_length, &path, &mut out)
        }
        (QuestionKind::Ranking { options }, Answer::List(items)) => {
            check_list_items(items, options, &path, &mut out);
            for option in options {
                if !items.contains(&option.id) {
                    out.push(problem(
                        &path,
                        format!("Pilihan {} belum diurutkan", quote(&option.id)),
                        format!("Option {} is not ranked", quote(&option.id)),
                    ));
                }
            }
        }
        (QuestionKind::JobLevel, Answer::Text(s)) => {
            if JobLevel::from_id(s).is_none() {
                out.push(problem(
                    &path,
                    format!("Jenjang jabatan tidak dikenal: {}", quote(s)),
                    format!("Unknown position level: {}", quote(s)),
                ));
            }
        }
        (QuestionKind::WorkloadTasks { max_tasks }, Answer::Tasks(rows)) => {
            if rows.len() > *max_tasks as usize {
                out.push(problem(
                    &path,
                    format!("Paling banyak {max_tasks} tugas (sekarang {})", rows.len()),
                    format!("At most {max_tasks} tasks ({} now)", rows.len()),
                ));
            }
            for (i, row) in rows.iter().enumerate() {
                check_task(row, &format!("{path}[{i}]"), &mut out);
            }
        }
        _ => out.push(wrong_type(path)),
    }
    out
}

fn check_length(s: &str, max_length: u32, path: &str, out: &mut Vec<Problem>) {
    let len = s.chars().count();
    if len > max_length as usize {
        out.push(problem(
            path,
            format!("Paling panjang {max_length} karakter (sekarang {len})"),
            format!("At most {max_length} characters ({len} now)"),
        ));
    }
}

fn check_task(row: &TaskRow, rp: &str, out: &mut Vec<Problem>) {
    if row.task.trim().is_empty() {
        out.push(required(format!("{rp}.task")));
    } else if row.task.chars().count() > MAX_TASK_NAME_CHARS {
        out.push(problem(
            format!("{rp}.task"),
            format!("Nama tugas paling panjang {MAX_TASK_NAME_CHARS} karakter"),
            format!("A task name may be at most {MAX_TASK_NAME_CHARS} characters long"),
        ));
    }
    if !(row.volume.is_finite() && (0.0..=MAX_TASK_VOLUME).contains(&row.volume)) {
        out.push(problem(
            format!("{rp}.volume"),
            "Volume kerja per tahun harus 0 sampai 10.000.000",
            "The yearly volume must be from 0 to 10,000,000",
        ));
    }
    if !(row.minutes.is_finite() && row.minutes > 0.0 && row.minutes <= MAX_TASK_MINUTES) {
        out.push(problem(
            format!("{rp}.minutes"),
            "Waktu penyelesaian harus lebih dari 0 dan paling lama 100.000 menit",
            "The standard time must be more than 0 and at most 100,000 minutes",
        ));
    }
}

/// Every problem with a response: answers to unknown or hidden questions, and the answer to every shown
/// question (see [`validate_answer`]), in question order. An empty answer left for a hidden question is
/// tolerated (it counts as no answer).
pub fn validate_response(def: &SurveyDefinition, answers: &Answers) -> Vec<Problem> {
    if answers.len() > MAX_ANSWERS {
        return vec![problem(
            "answers",
            format!(
                "Paling banyak {MAX_ANSWERS} jawaban (sekarang {})",
                answers.len()
            ),
            format!("At most {MAX_ANSWERS} answers ({} now)", answers.len()),
        )];
    }
    let visible = visible_question_ids(def, answers);
    let mut out = Vec::new();
    let mut known: HashSet<&str> = HashSet::new();
    for (_, question) in def.questions() {
        if !known.insert(question.id.as_str()) {
            continue; // a repeated id (invalid definition): the first question wins
        }
        let answer = answers.get(&question.id);
        if visible.contains(&question.id) {
            out.extend(validate_answer(question, answer));
        } else if is_answered(answer) {
            out.push(problem(
                format!("answers.{}", question.id),
                "Pertanyaan ini tidak ditampilkan",
                "This question is not shown",
            ));
        }
    }
    for id in answers.keys() {
        if !known.contains(id.as_str()) {
            out.push(problem(
                format!("answers.{id}"),
                "Pertanyaan tidak dikenal",
                "Unknown question",
            ));
        }
    }
    out
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
