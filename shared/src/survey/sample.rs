//! Example answers: a complete, valid response to any definition, varied by `pick`. Used for previews,
//! demo and load data, and tests.

use super::condition::visible_question_ids;
use super::model::{Answer, Answers, QuestionKind, SurveyDefinition, TaskRow};
use super::validate::MAX_NUMBER;

/// A valid answer for every visible question of a valid definition (one that passes `validate_definition`,
/// whatever its settings), filled in order so conditions see earlier answers. `pick` varies the choices (0:
/// first option, lowest values). Never panics, even on an invalid definition.
pub fn example_answers(definition: &SurveyDefinition, pick: usize) -> Answers {
    let mut answers = Answers::new();
    for (_, question) in definition.questions() {
        if !visible_question_ids(definition, &answers).contains(&question.id) {
            continue;
        }
        let answer = match &question.kind {
            QuestionKind::SingleChoice { options }
            | QuestionKind::MultipleChoice { options, .. }
                if options.is_empty() =>
            {
                continue;
            }
            QuestionKind::SingleChoice { options } => {
                Answer::Text(options[pick % options.len()].id.clone())
            }
            QuestionKind::MultipleChoice { options, min, max } => {
                let n = (min.unwrap_or(1).max(1) as usize)
                    .min(max.map(|m| m as usize).unwrap_or(options.len()))
                    .clamp(1, options.len());
                let start = pick % (options.len() - n + 1);
                Answer::List(
                    options[start..start + n]
                        .iter()
                        .map(|o| o.id.clone())
                        .collect(),
                )
            }
            QuestionKind::Likert { scale } => {
                Answer::Number((1 + pick % scale.points.max(1) as usize) as f64)
            }
            QuestionKind::LikertMatrix { scale, rows } => Answer::Matrix(
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| {
                        (
                            r.id.clone(),
                            (1 + (pick + i) % scale.points.max(1) as usize) as u8,
                        )
                    })
                    .collect(),
            ),
            QuestionKind::Rating { max } => {
                Answer::Number((1 + pick % (*max).max(1) as usize) as f64)
            }
            QuestionKind::Nps => Answer::Number((pick % 11) as f64),
            QuestionKind::Number {
                integer, min, max, ..
            } => {
                // A whole number from 0 (or the range's end nearest to it) up to 100 more, within the range.
                let (first, last) = (
                    min.unwrap_or(f64::NEG_INFINITY).ceil(),
                    max.unwrap_or(f64::INFINITY).floor(),
                );
                if first <= last {
                    let low = first.max(0.0).min(last);
                    let high = match max {
                        Some(_) => last,
                        None => (low + 100.0).min(MAX_NUMBER.max(low)),
                    };
                    Answer::Number((low + (pick as f64) % (high - low + 1.0)).min(high))
                } else if let (false, Some(low)) = (integer, min) {
                    // A range without a whole number in it: its lower end.
                    Answer::Number(*low)
                } else {
                    continue; // no answer is possible (such a definition is invalid)
                }
            }
            QuestionKind::Date { min, max } => Answer::Text(
                min.clone()
                    .or_else(|| max.clone())
                    .unwrap_or_else(|| "2026-06-15".into()),
            ),
            QuestionKind::ShortText { max_length } => {
                Answer::Text("Baik".chars().take(*max_length as usize).collect())
            }
            QuestionKind::LongText { max_length } => Answer::Text(
                "Sudah cukup jelas, terima kasih."
                    .chars()
                    .take(*max_length as usize)
                    .collect(),
            ),
            QuestionKind::Ranking { options } if options.is_empty() => continue,
            QuestionKind::Ranking { options } => {
                let mut ids: Vec<String> = options.iter().map(|o| o.id.clone()).collect();
                let len = ids.len();
                ids.rotate_left(pick % len);
                Answer::List(ids)
            }
            QuestionKind::Competency { .. } => Answer::Number((1 + pick % 5) as f64),
            QuestionKind::JobLevel => Answer::Text(
                ["pelaksana", "pengawas", "administrator", "jpt_pratama"][pick % 4].into(),
            ),
            QuestionKind::WorkloadTasks { max_tasks } => Answer::Tasks(
                [
                    TaskRow {
                        task: "Menyusun laporan kepegawaian".into(),
                        volume: 120.0 + pick as f64,
                        minutes: 90.0,
                    },
                    TaskRow {
                        task: "Verifikasi usulan kenaikan pangkat".into(),
                        volume: 300.0,
                        minutes: 30.0,
                    },
                ]
                .into_iter()
                .take((*max_tasks).max(1) as usize)
                .collect(),
            ),
        };
        answers.insert(question.id.clone(), answer);
    }
    answers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::{Question, validate_definition, validate_response};
    use crate::templates::test_support::{all_kinds_definition, q};

    /// The one-question definition `all_kinds_definition` with `question` in place of its first question.
    fn with(question: Question) -> SurveyDefinition {
        let mut def = all_kinds_definition();
        def.sections.truncate(1);
        def.sections[0].questions = vec![question];
        def
    }

    // Found by `fuzz_survey_definition`: example answers broke the settings of valid definitions.
    #[test]
    fn example_answers_respect_tight_settings() {
        let number = |integer, min, max| QuestionKind::Number {
            integer,
            min,
            max,
            unit: None,
        };
        for kind in [
            QuestionKind::WorkloadTasks { max_tasks: 1 },
            QuestionKind::ShortText { max_length: 2 },
            number(true, Some(-10.0), Some(-5.0)),
            number(true, None, Some(-5.0)),
            number(false, Some(0.2), Some(0.7)),
            number(true, Some(0.5), Some(1.5)),
            number(false, Some(1e15), None),
            number(true, None, Some(-1e15)),
            QuestionKind::Date {
                min: None,
                max: Some("2020-01-01".into()),
            },
        ] {
            let def = with(q("x", true, kind.clone()));
            assert_eq!(validate_definition(&def), vec![], "{kind:?}");
            for pick in 0..5 {
                let answers = example_answers(&def, pick);
                assert!(answers.contains_key("x"), "{kind:?}");
                assert_eq!(validate_response(&def, &answers), vec![], "{kind:?}");
            }
        }
    }

    #[test]
    fn example_answers_never_panic_on_invalid_definitions() {
        for kind in [
            QuestionKind::WorkloadTasks { max_tasks: 0 },
            QuestionKind::ShortText { max_length: 0 },
            QuestionKind::Likert {
                scale: crate::survey::LikertScale {
                    points: 0,
                    labels: vec![],
                },
            },
            QuestionKind::Rating { max: 0 },
            QuestionKind::Ranking { options: vec![] },
            QuestionKind::MultipleChoice {
                options: vec![],
                min: Some(3),
                max: Some(0),
            },
            QuestionKind::Number {
                integer: true,
                min: Some(0.2),
                max: Some(0.7),
                unit: None,
            },
            QuestionKind::Number {
                integer: false,
                min: Some(5.0),
                max: Some(1.0),
                unit: None,
            },
        ] {
            let def = with(q("x", true, kind));
            for pick in 0..3 {
                let _ = example_answers(&def, pick);
            }
        }
    }
}
