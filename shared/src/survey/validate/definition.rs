//! Validation of a survey definition: ids, texts, the settings of each question kind, and the conditions
//! that show or hide sections and questions.

use std::collections::{HashMap, HashSet};

use super::{
    COMPETENCY_LEVELS, MAX_CONDITION_DEPTH, MAX_LIKERT_POINTS, MAX_LONG_TEXT, MAX_MATRIX_ROWS,
    MAX_NUMBER, MAX_OPTIONS, MAX_QUESTIONS, MAX_RANKING_OPTIONS, MAX_SHORT_TEXT, MAX_TASKS,
    MAX_TEXT_CHARS, MIN_LIKERT_POINTS, MIN_OPTIONS, Problem, dedup, is_numeric_kind, is_valid_id,
    num, parse_date, problem, quote,
};
use crate::i18n::Text;
use crate::survey::model::{
    ChoiceOption, Condition, LikertScale, Question, QuestionKind, SurveyDefinition,
};

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

#[cfg(test)]
#[path = "definition_tests.rs"]
mod tests;
