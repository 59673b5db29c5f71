//! Validation of survey definitions (what an author may publish) and of responses (what a respondent may
//! submit). Both return every problem found, each with a path into the input and a bilingual message, and
//! never panic, whatever they are given.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::condition::{is_answered, visible_question_ids};
use super::model::{
    Answer, Answers, ChoiceOption, Condition, JobLevel, LikertScale, Question, QuestionKind,
    SurveyDefinition, TaskRow,
};
use crate::i18n::Text;

/// One problem with one part of a definition or response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// Where the problem is, e.g. `sections[2].questions[0].options` or `answers.q7`.
    pub path: String,
    /// What is wrong, in Indonesian (`id`) and English (`en`).
    pub message: Text,
}

// Limits. Kept small enough that a definition stays usable on a phone and cheap to validate.
const MAX_ID_LEN: usize = 40;
const MAX_TEXT_CHARS: usize = 2000;
const MAX_QUESTIONS: usize = 500;
const MIN_OPTIONS: usize = 2;
const MAX_OPTIONS: usize = 100;
const MAX_RANKING_OPTIONS: usize = 20;
const MIN_LIKERT_POINTS: u8 = 2;
const MAX_LIKERT_POINTS: u8 = 11;
const MAX_MATRIX_ROWS: usize = 50;
const MAX_SHORT_TEXT: u32 = 500;
const MAX_LONG_TEXT: u32 = 10_000;
/// PermenPANRB 38/2017: proficiency levels 1..=5, one descriptor each.
const COMPETENCY_LEVELS: usize = 5;
const MAX_TASKS: u32 = 100;
const MAX_CONDITION_DEPTH: usize = 8;
const MAX_ANSWERS: usize = 1000;
const MAX_TASK_NAME_CHARS: usize = 200;
const MAX_TASK_VOLUME: f64 = 1e7;
const MAX_TASK_MINUTES: f64 = 1e5;
/// Largest magnitude of a number answer or bound: whole numbers are exact up to 2^53 (about 9 x 10^15), and
/// counters add squares (`sumsq`), which must stay finite.
pub(crate) const MAX_NUMBER: f64 = 1e15;

fn problem(path: impl Into<String>, id: impl Into<String>, en: impl Into<String>) -> Problem {
    Problem {
        path: path.into(),
        message: Text::new(id, en),
    }
}

/// Whether `s` is a valid id: `[a-z0-9_]{1,40}`.
fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID_LEN
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// An id quoted in a message, shortened so that hostile input cannot blow messages up.
fn quote(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() > MAX {
        let head: String = s.chars().take(MAX).collect();
        format!("'{head}…'")
    } else {
        format!("'{s}'")
    }
}

/// How messages write numbers, when a program sets it (`set_number_format`): the web client uses the
/// browser's, so that its download does not carry Rust's float printing.
static NUMBER_FORMAT: std::sync::OnceLock<fn(f64) -> String> = std::sync::OnceLock::new();

/// Sets how validation messages write numbers (once; later calls are ignored). Unset, they are written
/// with Rust's `Display` (natively) or, on wasm32, as whole numbers.
pub fn set_number_format(format: fn(f64) -> String) {
    let _ = NUMBER_FORMAT.set(format);
}

#[cfg(not(target_arch = "wasm32"))]
fn default_number(n: f64) -> String {
    format!("{n}")
}

#[cfg(target_arch = "wasm32")]
fn default_number(n: f64) -> String {
    (n as i64).to_string()
}

/// A number for an Indonesian message (decimal comma) and for an English one.
fn num(n: f64) -> (String, String) {
    let en = NUMBER_FORMAT
        .get()
        .map_or_else(|| default_number(n), |f| f(n));
    (en.replace('.', ","), en)
}

/// Parses a real calendar date `YYYY-MM-DD` (years 0001..=9999, Gregorian leap years).
pub(crate) fn parse_date(s: &str) -> Option<(u16, u8, u8)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = digits(0..4)?;
    let month = digits(5..7)?;
    let day = digits(8..10)?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if year == 0 || day == 0 || day > days_in_month {
        return None;
    }
    Some((year as u16, month as u8, day as u8))
}

fn is_whole(n: f64) -> bool {
    n.is_finite() && n.fract() == 0.0
}

/// Question kinds whose answer is a number, so `greater` / `less` conditions make sense.
fn is_numeric_kind(kind: &QuestionKind) -> bool {
    matches!(
        kind,
        QuestionKind::Likert { .. }
            | QuestionKind::Rating { .. }
            | QuestionKind::Nps
            | QuestionKind::Number { .. }
            | QuestionKind::Competency { .. }
    )
}

/// Keeps the first of identical problems, in order.
fn dedup(problems: Vec<Problem>) -> Vec<Problem> {
    let mut seen = HashSet::new();
    problems
        .into_iter()
        .filter(|p| seen.insert((p.path.clone(), p.message.id.clone())))
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------------------

/// Every problem with a survey definition; empty when it may be published.
pub fn validate_definition(def: &SurveyDefinition) -> Vec<Problem> {
    let mut out = Vec::new();
    check_text(&def.title, "title", &mut out);
    if let Some(d) = &def.description {
        check_text(d, "description", &mut out);
    }
    if def.sections.is_empty() {
        out.push(problem(
            "sections",
            "Survei harus memiliki paling sedikit satu bagian",
            "The survey needs at least one section",
        ));
    }
    let total: usize = def.sections.iter().map(|s| s.questions.len()).sum();
    if total > MAX_QUESTIONS {
        out.push(problem(
            "sections",
            format!("Survei paling banyak berisi {MAX_QUESTIONS} pertanyaan (sekarang {total})"),
            format!("A survey may have at most {MAX_QUESTIONS} questions ({total} now)"),
        ));
    }

    let all_ids: HashSet<&str> = def.questions().map(|(_, q)| q.id.as_str()).collect();
    let mut section_ids: HashSet<&str> = HashSet::new();
    let mut question_ids: HashSet<&str> = HashSet::new();
    // Questions before the one being checked (first occurrence of each id).
    let mut earlier: HashMap<&str, &Question> = HashMap::new();

    for (si, section) in def.sections.iter().enumerate() {
        let sp = format!("sections[{si}]");
        check_id(&section.id, &format!("{sp}.id"), &mut out);
        if !section_ids.insert(section.id.as_str()) {
            out.push(problem(
                format!("{sp}.id"),
                format!("Id bagian {} sudah dipakai", quote(&section.id)),
                format!("Section id {} is already used", quote(&section.id)),
            ));
        }
        check_text(&section.title, &format!("{sp}.title"), &mut out);
        if let Some(d) = &section.description {
            check_text(d, &format!("{sp}.description"), &mut out);
        }
        if let Some(c) = &section.visible_if {
            let ctx = ConditionCheck {
                path: format!("{sp}.visible_if"),
                earlier: &earlier,
                all_ids: &all_ids,
                for_section: true,
            };
            ctx.check(c, &mut out);
        }
        if section.questions.is_empty() {
            out.push(problem(
                format!("{sp}.questions"),
                "Bagian harus berisi paling sedikit satu pertanyaan",
                "A section needs at least one question",
            ));
        }
        for (qi, question) in section.questions.iter().enumerate() {
            let qp = format!("{sp}.questions[{qi}]");
            check_id(&question.id, &format!("{qp}.id"), &mut out);
            if question.id.starts_with('_') {
                // Counter keys are question ids, and `_responses`, `_answered`... are the report's own.
                out.push(problem(
                    format!("{qp}.id"),
                    "Id pertanyaan tidak boleh diawali _ (dipakai penghitung laporan)",
                    "A question id may not start with _ (reserved for the report counters)",
                ));
            }
            if !question_ids.insert(question.id.as_str()) {
                out.push(problem(
                    format!("{qp}.id"),
                    format!("Id pertanyaan {} sudah dipakai", quote(&question.id)),
                    format!("Question id {} is already used", quote(&question.id)),
                ));
            }
            check_text(&question.text, &format!("{qp}.text"), &mut out);
            if let Some(h) = &question.help {
                check_text(h, &format!("{qp}.help"), &mut out);
            }
            check_kind(&question.kind, &qp, &mut out);
            if let Some(c) = &question.visible_if {
                let ctx = ConditionCheck {
                    path: format!("{qp}.visible_if"),
                    earlier: &earlier,
                    all_ids: &all_ids,
                    for_section: false,
                };
                ctx.check(c, &mut out);
            }
            earlier.entry(question.id.as_str()).or_insert(question);
        }
    }
    dedup(out)
}

fn check_id(id: &str, path: &str, out: &mut Vec<Problem>) {
    if !is_valid_id(id) {
        out.push(problem(
            path,
            "Id harus 1-40 karakter berupa huruf kecil a-z, angka 0-9 atau _",
            "An id must be 1-40 characters: lowercase letters a-z, digits 0-9 or _",
        ));
    }
}

fn check_text(text: &Text, path: &str, out: &mut Vec<Problem>) {
    if text.id.trim().is_empty() {
        out.push(problem(
            path,
            "Teks bahasa Indonesia wajib diisi",
            "The Indonesian text is required",
        ));
    }
    let too_long = |s: &str| s.chars().count() > MAX_TEXT_CHARS;
    if too_long(&text.id) || text.en.as_deref().is_some_and(too_long) {
        out.push(problem(
            path,
            format!("Teks paling panjang {MAX_TEXT_CHARS} karakter"),
            format!("A text may be at most {MAX_TEXT_CHARS} characters long"),
        ));
    }
}

fn check_options(options: &[ChoiceOption], qp: &str, max_options: usize, out: &mut Vec<Problem>) {
    let n = options.len();
    if n < MIN_OPTIONS {
        out.push(problem(
            format!("{qp}.options"),
            format!("Paling sedikit {MIN_OPTIONS} pilihan (sekarang {n})"),
            format!("At least {MIN_OPTIONS} options are needed ({n} now)"),
        ));
    }
    if n > max_options {
        out.push(problem(
            format!("{qp}.options"),
            format!("Paling banyak {max_options} pilihan (sekarang {n})"),
            format!("At most {max_options} options are allowed ({n} now)"),
        ));
    }
    let mut seen = HashSet::new();
    for (k, option) in options.iter().enumerate() {
        let op = format!("{qp}.options[{k}]");
        check_id(&option.id, &format!("{op}.id"), out);
        if !seen.insert(option.id.as_str()) {
            out.push(problem(
                format!("{op}.id"),
                format!(
                    "Id pilihan {} sudah dipakai di pertanyaan ini",
                    quote(&option.id)
                ),
                format!(
                    "Option id {} is already used in this question",
                    quote(&option.id)
                ),
            ));
        }
        check_text(&option.label, &format!("{op}.label"), out);
    }
}

fn check_scale(scale: &LikertScale, path: &str, out: &mut Vec<Problem>) {
    let points = scale.points;
    if !(MIN_LIKERT_POINTS..=MAX_LIKERT_POINTS).contains(&points) {
        out.push(problem(
            format!("{path}.points"),
            format!("Jumlah titik skala harus {MIN_LIKERT_POINTS} sampai {MAX_LIKERT_POINTS}"),
            format!("A scale needs {MIN_LIKERT_POINTS} to {MAX_LIKERT_POINTS} points"),
        ));
    }
    if scale.labels.len() != usize::from(points) {
        out.push(problem(
            format!("{path}.labels"),
            format!(
                "Jumlah label ({}) harus sama dengan jumlah titik skala ({points})",
                scale.labels.len()
            ),
            format!(
                "The number of labels ({}) must equal the number of points ({points})",
                scale.labels.len()
            ),
        ));
    }
    for (k, label) in scale.labels.iter().enumerate() {
        check_text(label, &format!("{path}.labels[{k}]"), out);
    }
}

fn check_kind(kind: &QuestionKind, qp: &str, out: &mut Vec<Problem>) {
    match kind {
        QuestionKind::SingleChoice { options } => check_options(options, qp, MAX_OPTIONS, out),
        QuestionKind::MultipleChoice { options, min, max } => {
            check_options(options, qp, MAX_OPTIONS, out);
            let n = options.len();
            if let Some(max) = *max {
                if max == 0 {
                    out.push(problem(
                        format!("{qp}.max"),
                        "Batas pilihan maksimum paling sedikit 1",
                        "The maximum number of choices must be at least 1",
                    ));
                } else if max as usize > n {
                    out.push(problem(
                        format!("{qp}.max"),
                        format!("Batas pilihan maksimum ({max}) melebihi jumlah pilihan ({n})"),
                        format!("The maximum number of choices ({max}) exceeds the options ({n})"),
                    ));
                }
            }
            if let Some(min) = *min {
                match *max {
                    Some(max) if min > max => out.push(problem(
                        format!("{qp}.min"),
                        format!("Batas minimum ({min}) lebih besar dari batas maksimum ({max})"),
                        format!("The minimum ({min}) is greater than the maximum ({max})"),
                    )),
                    _ if min as usize > n => out.push(problem(
                        format!("{qp}.min"),
                        format!("Batas pilihan minimum ({min}) melebihi jumlah pilihan ({n})"),
                        format!("The minimum number of choices ({min}) exceeds the options ({n})"),
                    )),
                    _ => {}
                }
            }
        }
        QuestionKind::Likert { scale } => check_scale(scale, &format!("{qp}.scale"), out),
        QuestionKind::LikertMatrix { scale, rows } => {
            check_scale(scale, &format!("{qp}.scale"), out);
            let n = rows.len();
            if n == 0 || n > MAX_MATRIX_ROWS {
                out.push(problem(
                    format!("{qp}.rows"),
                    format!("Matriks harus berisi 1 sampai {MAX_MATRIX_ROWS} baris (sekarang {n})"),
                    format!("A matrix needs 1 to {MAX_MATRIX_ROWS} rows ({n} now)"),
                ));
            }
            let mut seen = HashSet::new();
            for (k, row) in rows.iter().enumerate() {
                let rp = format!("{qp}.rows[{k}]");
                check_id(&row.id, &format!("{rp}.id"), out);
                if !seen.insert(row.id.as_str()) {
                    out.push(problem(
                        format!("{rp}.id"),
                        format!(
                            "Id baris {} sudah dipakai di pertanyaan ini",
                            quote(&row.id)
                        ),
                        format!("Row id {} is already used in this question", quote(&row.id)),
                    ));
                }
                check_text(&row.label, &format!("{rp}.label"), out);
            }
        }
        QuestionKind::Rating { max } => {
            if *max != 5 && *max != 10 {
                out.push(problem(
                    format!("{qp}.max"),
                    "Jumlah bintang harus 5 atau 10",
                    "The number of stars must be 5 or 10",
                ));
            }
        }
        QuestionKind::Nps | QuestionKind::JobLevel => {}
        QuestionKind::Number {
            integer,
            min,
            max,
            unit,
        } => {
            for (field, value) in [("min", min), ("max", max)] {
                if value.is_some_and(|v| !v.is_finite()) {
                    out.push(problem(
                        format!("{qp}.{field}"),
                        "Batas harus berupa angka yang valid",
                        "A bound must be a valid number",
                    ));
                } else if value.is_some_and(|v| v.abs() > MAX_NUMBER) {
                    out.push(problem(
                        format!("{qp}.{field}"),
                        "Batas paling besar 10^15 (positif atau negatif)",
                        "A bound must be within plus or minus 10^15",
                    ));
                }
            }
            if let (Some(lo), Some(hi)) = (*min, *max)
                && lo > hi
            {
                let (lo_id, lo_en) = num(lo);
                let (hi_id, hi_en) = num(hi);
                out.push(problem(
                    format!("{qp}.max"),
                    format!("Batas maksimum ({hi_id}) lebih kecil dari batas minimum ({lo_id})"),
                    format!("The maximum ({hi_en}) is less than the minimum ({lo_en})"),
                ));
            } else if let (true, Some(lo), Some(hi)) = (*integer, *min, *max)
                && lo.ceil() > hi.floor()
            {
                // No answer could be given.
                let (lo_id, lo_en) = num(lo);
                let (hi_id, hi_en) = num(hi);
                out.push(problem(
                    format!("{qp}.max"),
                    format!("Tidak ada bilangan bulat antara {lo_id} dan {hi_id}"),
                    format!("There is no whole number from {lo_en} to {hi_en}"),
                ));
            }
            if let Some(unit) = unit {
                check_text(unit, &format!("{qp}.unit"), out);
            }
        }
        QuestionKind::Date { min, max } => {
            for (field, value) in [("min", min), ("max", max)] {
                if let Some(v) = value
                    && parse_date(v).is_none()
                {
                    out.push(problem(
                        format!("{qp}.{field}"),
                        format!("Tanggal {} tidak valid (format TTTT-BB-HH)", quote(v)),
                        format!("Date {} is not valid (format YYYY-MM-DD)", quote(v)),
                    ));
                }
            }
            if let (Some(lo), Some(hi)) = (min, max)
                && parse_date(lo).is_some()
                && parse_date(hi).is_some()
                && lo > hi
            {
                out.push(problem(
                    format!("{qp}.max"),
                    format!("Tanggal maksimum ({hi}) lebih awal dari tanggal minimum ({lo})"),
                    format!("The latest date ({hi}) is before the earliest date ({lo})"),
                ));
            }
        }
        QuestionKind::ShortText { max_length } => {
            check_max_length(*max_length, MAX_SHORT_TEXT, qp, out)
        }
        QuestionKind::LongText { max_length } => {
            check_max_length(*max_length, MAX_LONG_TEXT, qp, out)
        }
        QuestionKind::Ranking { options } => check_options(options, qp, MAX_RANKING_OPTIONS, out),
        QuestionKind::Competency {
            code,
            group: _,
            levels,
        } => {
            if !is_valid_id(code) {
                out.push(problem(
                    format!("{qp}.code"),
                    "Kode kompetensi harus 1-40 karakter berupa huruf kecil a-z, angka 0-9 atau _",
                    "A competency code must be 1-40 characters: lowercase letters a-z, digits 0-9 or _",
                ));
            }
            if levels.len() != COMPETENCY_LEVELS {
                out.push(problem(
                    format!("{qp}.levels"),
                    format!(
                        "Harus ada tepat {COMPETENCY_LEVELS} deskripsi level (sekarang {})",
                        levels.len()
                    ),
                    format!(
                        "Exactly {COMPETENCY_LEVELS} level descriptors are needed ({} now)",
                        levels.len()
                    ),
                ));
            }
            for (k, level) in levels.iter().enumerate() {
                check_text(level, &format!("{qp}.levels[{k}]"), out);
            }
        }
        QuestionKind::WorkloadTasks { max_tasks } => {
            if !(1..=MAX_TASKS).contains(max_tasks) {
                out.push(problem(
                    format!("{qp}.max_tasks"),
                    format!("Jumlah tugas maksimum harus 1 sampai {MAX_TASKS}"),
                    format!("The maximum number of tasks must be 1 to {MAX_TASKS}"),
                ));
            }
        }
    }
}

fn check_max_length(max_length: u32, limit: u32, qp: &str, out: &mut Vec<Problem>) {
    if !(1..=limit).contains(&max_length) {
        out.push(problem(
            format!("{qp}.max_length"),
            format!("Panjang maksimum harus 1 sampai {limit} karakter"),
            format!("The maximum length must be 1 to {limit} characters"),
        ));
    }
}

/// Checks one condition tree; every problem goes to `path` (the `visible_if` field).
struct ConditionCheck<'a> {
    path: String,
    /// Questions the condition may refer to: those before the question, or in earlier sections.
    earlier: &'a HashMap<&'a str, &'a Question>,
    all_ids: &'a HashSet<&'a str>,
    for_section: bool,
}

impl ConditionCheck<'_> {
    fn check(&self, condition: &Condition, out: &mut Vec<Problem>) {
        self.walk(condition, 1, out);
    }

    fn walk(&self, condition: &Condition, depth: usize, out: &mut Vec<Problem>) {
        if depth > MAX_CONDITION_DEPTH {
            out.push(problem(
                &self.path,
                format!("Kondisi bertingkat paling dalam {MAX_CONDITION_DEPTH} tingkat"),
                format!("Conditions may be nested at most {MAX_CONDITION_DEPTH} levels deep"),
            ));
            return;
        }
        match condition {
            Condition::Equals { question, .. }
            | Condition::NotEquals { question, .. }
            | Condition::In { question, .. }
            | Condition::Answered { question } => self.reference(question, false, out),
            Condition::Greater { question, value } | Condition::Less { question, value } => {
                self.reference(question, true, out);
                if !value.is_finite() {
                    out.push(problem(
                        &self.path,
                        "Nilai pembanding harus berupa angka yang valid",
                        "The value compared with must be a valid number",
                    ));
                }
            }
            Condition::And { all: parts } | Condition::Or { any: parts } => {
                if parts.is_empty() {
                    out.push(problem(
                        &self.path,
                        "Kondisi gabungan (dan/atau) harus berisi paling sedikit satu syarat",
                        "A combined condition (and/or) needs at least one part",
                    ));
                }
                for part in parts {
                    self.walk(part, depth + 1, out);
                }
            }
            Condition::Not { condition } => self.walk(condition, depth + 1, out),
        }
    }

    fn reference(&self, id: &str, numeric: bool, out: &mut Vec<Problem>) {
        match self.earlier.get(id) {
            Some(q) => {
                if numeric && !is_numeric_kind(&q.kind) {
                    out.push(problem(
                        &self.path,
                        format!(
                            "Kondisi lebih besar/lebih kecil hanya untuk pertanyaan berjawaban angka ({} bukan)",
                            quote(id)
                        ),
                        format!(
                            "Greater/less conditions need a question answered with a number ({} is not)",
                            quote(id)
                        ),
                    ));
                }
            }
            None if self.all_ids.contains(id) => {
                let (id_msg, en_msg) = if self.for_section {
                    (
                        "Kondisi bagian hanya boleh merujuk pertanyaan di bagian sebelumnya",
                        "A section's condition may only refer to questions in earlier sections",
                    )
                } else {
                    (
                        "Kondisi hanya boleh merujuk pertanyaan sebelumnya",
                        "A condition may only refer to earlier questions",
                    )
                };
                out.push(problem(
                    &self.path,
                    format!("{id_msg} ({} ada sesudahnya)", quote(id)),
                    format!("{en_msg} ({} comes later)", quote(id)),
                ));
            }
            None => out.push(problem(
                &self.path,
                format!("Kondisi merujuk pertanyaan yang tidak ada: {}", quote(id)),
                format!(
                    "The condition refers to a question that does not exist: {}",
                    quote(id)
                ),
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------------------

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
mod tests {
    use super::*;
    use crate::survey::model::{CompetencyGroup, MatrixRow, Scalar, Section};
    use crate::templates::test_support::{all_kinds_definition, q, sample_response};

    fn paths(problems: &[Problem]) -> BTreeSet<String> {
        problems.iter().map(|p| p.path.clone()).collect()
    }

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn answered(q: &str) -> Condition {
        Condition::Answered { question: q.into() }
    }

    fn nest(mut c: Condition, levels: usize) -> Condition {
        for _ in 1..levels {
            c = Condition::Not {
                condition: Box::new(c),
            };
        }
        c
    }

    /// `sections[s].questions[i]`
    fn question_mut(def: &mut SurveyDefinition, s: usize, i: usize) -> &mut Question {
        &mut def.sections[s].questions[i]
    }

    fn options_mut(def: &mut SurveyDefinition, s: usize, i: usize) -> &mut Vec<ChoiceOption> {
        match &mut question_mut(def, s, i).kind {
            QuestionKind::SingleChoice { options }
            | QuestionKind::MultipleChoice { options, .. }
            | QuestionKind::Ranking { options } => options,
            other => panic!("not a choice question: {other:?}"),
        }
    }

    fn many_options(n: usize) -> Vec<ChoiceOption> {
        (0..n)
            .map(|i| ChoiceOption {
                id: format!("o{i}"),
                label: Text::id_only(format!("Pilihan {i}")),
            })
            .collect()
    }

    #[test]
    fn fixture_definition_is_valid() {
        assert_eq!(validate_definition(&all_kinds_definition()), vec![]);
    }

    #[test]
    fn parses_real_calendar_dates_only() {
        for ok in [
            "2024-02-29",
            "2000-02-29",
            "2026-11-27",
            "0001-01-01",
            "9999-12-31",
            "2026-04-30",
        ] {
            assert!(parse_date(ok).is_some(), "{ok}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "0000-01-01",
            "2026-1-01",
            "2026/01/01",
            "27-11-2026",
            "2026-01-01T00:00",
            "+026-01-01",
            "２０２６-01-01",
            "",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
        assert_eq!(parse_date("2026-11-27"), Some((2026, 11, 27)));
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("q_1"));
        assert!(is_valid_id(&"a".repeat(40)));
        for bad in ["", "Q1", "q-1", "q 1", "é", &"a".repeat(41)] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    type Mutation = fn(&mut SurveyDefinition);

    #[test]
    fn invalid_definitions_report_the_expected_paths() {
        let table: Vec<(&str, Mutation, &[&str])> = vec![
            ("blank title", |d| d.title.id = "  ".into(), &["title"]),
            (
                "long english title",
                |d| d.title.en = Some("x".repeat(2001)),
                &["title"],
            ),
            ("no sections", |d| d.sections.clear(), &["sections"]),
            (
                "empty section",
                |d| d.sections[1].questions.clear(),
                &["sections[1].questions"],
            ),
            (
                "bad section id",
                |d| d.sections[1].id = "Isian".into(),
                &["sections[1].id"],
            ),
            (
                "duplicate section id",
                |d| d.sections[1].id = "pilihan".into(),
                &["sections[1].id"],
            ),
            (
                "blank section title",
                |d| d.sections[0].title.id = String::new(),
                &["sections[0].title"],
            ),
            (
                "duplicate question id across sections",
                |d| question_mut(d, 1, 0).id = "likert".into(),
                &["sections[1].questions[0].id"],
            ),
            (
                "question id too long",
                |d| question_mut(d, 1, 2).id = "a".repeat(41),
                &["sections[1].questions[2].id"],
            ),
            (
                "text too long",
                |d| question_mut(d, 0, 3).text.id = "x".repeat(2001),
                &["sections[0].questions[3].text"],
            ),
            (
                "blank help",
                |d| question_mut(d, 0, 3).help = Some(Text::id_only(" ")),
                &["sections[0].questions[3].help"],
            ),
            (
                "duplicate option id",
                |d| options_mut(d, 0, 2)[2].id = "a".into(),
                &["sections[0].questions[2].options[2].id"],
            ),
            (
                "bad option id",
                |d| options_mut(d, 0, 0)[1].id = "B".into(),
                &["sections[0].questions[0].options[1].id"],
            ),
            (
                "blank option label",
                |d| options_mut(d, 0, 0)[0].label = Text::new("", "A"),
                &["sections[0].questions[0].options[0].label"],
            ),
            (
                "one option",
                |d| options_mut(d, 0, 0).truncate(1),
                &["sections[0].questions[0].options"],
            ),
            (
                "101 options",
                |d| *options_mut(d, 0, 0) = many_options(101),
                &["sections[0].questions[0].options"],
            ),
            (
                "ranking of 21",
                |d| *options_mut(d, 1, 4) = many_options(21),
                &["sections[1].questions[4].options"],
            ),
            (
                "ranking of 1",
                |d| options_mut(d, 1, 4).truncate(1),
                &["sections[1].questions[4].options"],
            ),
            (
                "multiple choice max above options",
                |d| {
                    if let QuestionKind::MultipleChoice { max, .. } =
                        &mut question_mut(d, 0, 2).kind
                    {
                        *max = Some(5);
                    }
                },
                &["sections[0].questions[2].max"],
            ),
            (
                "multiple choice max zero",
                |d| {
                    if let QuestionKind::MultipleChoice { min, max, .. } =
                        &mut question_mut(d, 0, 2).kind
                    {
                        *min = None;
                        *max = Some(0);
                    }
                },
                &["sections[0].questions[2].max"],
            ),
            (
                "multiple choice min above max",
                |d| {
                    if let QuestionKind::MultipleChoice { min, .. } =
                        &mut question_mut(d, 0, 2).kind
                    {
                        *min = Some(3);
                    }
                },
                &["sections[0].questions[2].min"],
            ),
            (
                "multiple choice min above options",
                |d| {
                    if let QuestionKind::MultipleChoice { min, max, .. } =
                        &mut question_mut(d, 0, 2).kind
                    {
                        *min = Some(5);
                        *max = None;
                    }
                },
                &["sections[0].questions[2].min"],
            ),
            (
                "likert with 12 points",
                |d| {
                    question_mut(d, 0, 3).kind = QuestionKind::Likert {
                        scale: crate::templates::test_support::scale(12),
                    }
                },
                &["sections[0].questions[3].scale.points"],
            ),
            (
                "likert with 1 point",
                |d| {
                    question_mut(d, 0, 3).kind = QuestionKind::Likert {
                        scale: crate::templates::test_support::scale(1),
                    }
                },
                &["sections[0].questions[3].scale.points"],
            ),
            (
                "likert labels missing",
                |d| {
                    if let QuestionKind::Likert { scale } = &mut question_mut(d, 0, 3).kind {
                        scale.labels.pop();
                    }
                },
                &["sections[0].questions[3].scale.labels"],
            ),
            (
                "blank likert label",
                |d| {
                    if let QuestionKind::Likert { scale } = &mut question_mut(d, 0, 3).kind {
                        scale.labels[4].id = " ".into();
                    }
                },
                &["sections[0].questions[3].scale.labels[4]"],
            ),
            (
                "matrix without rows",
                |d| {
                    if let QuestionKind::LikertMatrix { rows, .. } = &mut question_mut(d, 0, 4).kind
                    {
                        rows.clear();
                    }
                },
                &["sections[0].questions[4].rows"],
            ),
            (
                "matrix with 51 rows",
                |d| {
                    if let QuestionKind::LikertMatrix { rows, .. } = &mut question_mut(d, 0, 4).kind
                    {
                        *rows = (0..51)
                            .map(|i| MatrixRow {
                                id: format!("r{i}"),
                                label: Text::id_only("Baris"),
                            })
                            .collect();
                    }
                },
                &["sections[0].questions[4].rows"],
            ),
            (
                "duplicate row id",
                |d| {
                    if let QuestionKind::LikertMatrix { rows, .. } = &mut question_mut(d, 0, 4).kind
                    {
                        rows[1].id = "r1".into();
                    }
                },
                &["sections[0].questions[4].rows[1].id"],
            ),
            (
                "rating of 7",
                |d| question_mut(d, 0, 5).kind = QuestionKind::Rating { max: 7 },
                &["sections[0].questions[5].max"],
            ),
            (
                "number min above max",
                |d| {
                    question_mut(d, 1, 0).kind = QuestionKind::Number {
                        integer: false,
                        min: Some(10.0),
                        max: Some(1.0),
                        unit: None,
                    }
                },
                &["sections[1].questions[0].max"],
            ),
            (
                // A question `_responses` with an option `all` counted every response twice.
                "question id reserved for counters",
                |d| question_mut(d, 0, 5).id = "_responses".into(),
                &["sections[0].questions[5].id"],
            ),
            (
                // Found by `fuzz_survey_definition`: no answer could be given.
                "whole number range without a whole number",
                |d| {
                    question_mut(d, 1, 0).kind = QuestionKind::Number {
                        integer: true,
                        min: Some(0.2),
                        max: Some(0.7),
                        unit: None,
                    }
                },
                &["sections[1].questions[0].max"],
            ),
            (
                // Answers up to a bound of 1e300 would make the counters' sum of squares infinite.
                "number bound too large",
                |d| {
                    question_mut(d, 1, 0).kind = QuestionKind::Number {
                        integer: false,
                        min: Some(-1e16),
                        max: Some(1e300),
                        unit: None,
                    }
                },
                &[
                    "sections[1].questions[0].min",
                    "sections[1].questions[0].max",
                ],
            ),
            (
                "number bound not finite",
                |d| {
                    question_mut(d, 1, 0).kind = QuestionKind::Number {
                        integer: false,
                        min: Some(f64::NAN),
                        max: None,
                        unit: None,
                    }
                },
                &["sections[1].questions[0].min"],
            ),
            (
                "blank unit",
                |d| {
                    question_mut(d, 1, 0).kind = QuestionKind::Number {
                        integer: false,
                        min: None,
                        max: None,
                        unit: Some(Text::id_only("")),
                    }
                },
                &["sections[1].questions[0].unit"],
            ),
            (
                "date min not a real date",
                |d| {
                    question_mut(d, 1, 1).kind = QuestionKind::Date {
                        min: Some("2023-02-29".into()),
                        max: None,
                    }
                },
                &["sections[1].questions[1].min"],
            ),
            (
                "date max badly formatted",
                |d| {
                    question_mut(d, 1, 1).kind = QuestionKind::Date {
                        min: None,
                        max: Some("31/12/2026".into()),
                    }
                },
                &["sections[1].questions[1].max"],
            ),
            (
                "date min after max",
                |d| {
                    question_mut(d, 1, 1).kind = QuestionKind::Date {
                        min: Some("2026-12-31".into()),
                        max: Some("2026-01-01".into()),
                    }
                },
                &["sections[1].questions[1].max"],
            ),
            (
                "short text max 0",
                |d| question_mut(d, 1, 2).kind = QuestionKind::ShortText { max_length: 0 },
                &["sections[1].questions[2].max_length"],
            ),
            (
                "short text max 501",
                |d| question_mut(d, 1, 2).kind = QuestionKind::ShortText { max_length: 501 },
                &["sections[1].questions[2].max_length"],
            ),
            (
                "long text max 10001",
                |d| question_mut(d, 1, 3).kind = QuestionKind::LongText { max_length: 10_001 },
                &["sections[1].questions[3].max_length"],
            ),
            (
                "competency with 4 levels",
                |d| {
                    if let QuestionKind::Competency { levels, .. } = &mut question_mut(d, 1, 5).kind
                    {
                        levels.pop();
                    }
                },
                &["sections[1].questions[5].levels"],
            ),
            (
                "competency with a bad code",
                |d| {
                    question_mut(d, 1, 5).kind = QuestionKind::Competency {
                        code: "Integritas".into(),
                        group: CompetencyGroup::Teknis,
                        levels: (1..=5)
                            .map(|l| Text::id_only(format!("Level {l}")))
                            .collect(),
                    }
                },
                &["sections[1].questions[5].code"],
            ),
            (
                "blank competency level",
                |d| {
                    if let QuestionKind::Competency { levels, .. } = &mut question_mut(d, 1, 5).kind
                    {
                        levels[2] = Text::id_only("");
                    }
                },
                &["sections[1].questions[5].levels[2]"],
            ),
            (
                "workload max 0",
                |d| question_mut(d, 1, 7).kind = QuestionKind::WorkloadTasks { max_tasks: 0 },
                &["sections[1].questions[7].max_tasks"],
            ),
            (
                "workload max 101",
                |d| question_mut(d, 1, 7).kind = QuestionKind::WorkloadTasks { max_tasks: 101 },
                &["sections[1].questions[7].max_tasks"],
            ),
            (
                "too many questions",
                |d| {
                    d.sections.push(Section {
                        id: "banyak".into(),
                        title: Text::id_only("Banyak"),
                        description: None,
                        visible_if: None,
                        questions: (0..490)
                            .map(|i| q(&format!("n{i}"), false, QuestionKind::Nps))
                            .collect(),
                    })
                },
                &["sections"],
            ),
            (
                "condition on an unknown question",
                |d| question_mut(d, 0, 1).visible_if = Some(answered("hantu")),
                &["sections[0].questions[1].visible_if"],
            ),
            (
                "condition on a later question",
                |d| question_mut(d, 0, 1).visible_if = Some(answered("likert")),
                &["sections[0].questions[1].visible_if"],
            ),
            (
                "condition on itself",
                |d| question_mut(d, 0, 1).visible_if = Some(answered("lanjutan")),
                &["sections[0].questions[1].visible_if"],
            ),
            (
                "section condition on its own question",
                |d| d.sections[1].visible_if = Some(answered("angka")),
                &["sections[1].visible_if"],
            ),
            (
                "section condition on a later section",
                |d| d.sections[0].visible_if = Some(answered("angka")),
                &["sections[0].visible_if"],
            ),
            (
                "greater on a choice question",
                |d| {
                    question_mut(d, 0, 1).visible_if = Some(Condition::Greater {
                        question: "pilih_satu".into(),
                        value: 1.0,
                    })
                },
                &["sections[0].questions[1].visible_if"],
            ),
            (
                "less than NaN",
                |d| {
                    question_mut(d, 1, 1).visible_if = Some(Condition::Less {
                        question: "angka".into(),
                        value: f64::NAN,
                    })
                },
                &["sections[1].questions[1].visible_if"],
            ),
            (
                "empty and",
                |d| question_mut(d, 0, 1).visible_if = Some(Condition::And { all: vec![] }),
                &["sections[0].questions[1].visible_if"],
            ),
            (
                "empty or, nested",
                |d| question_mut(d, 0, 1).visible_if = Some(nest(Condition::Or { any: vec![] }, 3)),
                &["sections[0].questions[1].visible_if"],
            ),
            (
                "nested 9 deep",
                |d| question_mut(d, 0, 1).visible_if = Some(nest(answered("pilih_satu"), 9)),
                &["sections[0].questions[1].visible_if"],
            ),
        ];
        for (name, mutate, expected) in table {
            let mut def = all_kinds_definition();
            mutate(&mut def);
            let problems = validate_definition(&def);
            assert_eq!(paths(&problems), set(expected), "{name}: {problems:#?}");
            for p in &problems {
                assert!(
                    !p.message.id.is_empty()
                        && p.message.en.as_deref().is_some_and(|e| !e.is_empty())
                );
            }
        }
    }

    #[test]
    fn valid_conditions_are_accepted() {
        let mut def = all_kinds_definition();
        question_mut(&mut def, 0, 1).visible_if = Some(nest(answered("pilih_satu"), 8));
        question_mut(&mut def, 1, 1).visible_if = Some(Condition::Or {
            any: vec![
                Condition::Greater {
                    question: "angka".into(),
                    value: 3.0,
                },
                Condition::Less {
                    question: "nps".into(),
                    value: 7.0,
                },
                Condition::In {
                    question: "pilih_banyak".into(),
                    values: vec![Scalar::Text("a".into())],
                },
            ],
        });
        def.sections[1].visible_if = Some(Condition::NotEquals {
            question: "pilih_satu".into(),
            value: Scalar::Text("c".into()),
        });
        assert_eq!(validate_definition(&def), vec![]);
    }

    #[test]
    fn every_problem_is_reported() {
        let mut def = all_kinds_definition();
        def.title.id.clear();
        def.sections[0].id = "X".into();
        question_mut(&mut def, 0, 5).kind = QuestionKind::Rating { max: 3 };
        question_mut(&mut def, 1, 7).kind = QuestionKind::WorkloadTasks { max_tasks: 0 };
        assert_eq!(
            paths(&validate_definition(&def)),
            set(&[
                "title",
                "sections[0].id",
                "sections[0].questions[5].max",
                "sections[1].questions[7].max_tasks"
            ])
        );
    }

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
                    !p.message.id.is_empty()
                        && p.message.en.as_deref().is_some_and(|e| !e.is_empty())
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

    #[test]
    fn problem_serialises_with_bilingual_message() {
        let p = problem("answers.q1", "Wajib diisi", "Required");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"path": "answers.q1", "message": {"id": "Wajib diisi", "en": "Required"}})
        );
        assert_eq!(serde_json::from_value::<Problem>(json).unwrap(), p);
    }
}

#[cfg(test)]
mod number_limits {
    use super::*;
    use crate::survey::aggregate::contributions;
    use crate::survey::model::Section;
    use crate::templates::test_support::q;

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

    fn paths(problems: &[Problem]) -> BTreeSet<String> {
        problems.iter().map(|p| p.path.clone()).collect()
    }

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;
    use crate::survey::aggregate::contributions;
    use crate::survey::model::{CompetencyGroup, MatrixRow, Scalar, Section};
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
                let min = (seed.below(2) == 0)
                    .then(|| seed.range(0, max.map_or(n, |m| m as usize)) as u32);
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
                let max =
                    (seed.below(2) == 0).then(|| min.unwrap_or(0.0) + seed.range(0, 1000) as f64);
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
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultipleChoice { options, .. },
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
                Some(s) if !earlier_refs.is_empty() => {
                    Some(condition(&mut Seed(*s), &earlier_refs, 0))
                }
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
}
