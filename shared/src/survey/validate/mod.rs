//! Validation of survey definitions (what an author may publish, [`validate_definition`]) and of responses
//! (what a respondent may submit, [`validate_response`]). Both return every problem found, each with a path
//! into the input and a bilingual message, and never panic, whatever they are given. This module holds what
//! both share: the problem type, the limits, and how messages quote ids and write numbers and dates.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::model::QuestionKind;
use crate::i18n::Text;

mod definition;
#[cfg(test)]
mod proptests;
mod response;

pub use definition::validate_definition;
pub use response::{validate_answer, validate_response};

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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The paths of `problems`, to compare with [`set`].
    pub(super) fn paths(problems: &[Problem]) -> BTreeSet<String> {
        problems.iter().map(|p| p.path.clone()).collect()
    }

    pub(super) fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
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
