//! Example answers: a complete, valid response to any definition, varied by `pick`. Used for previews,
//! demo and load data, and tests.

use super::condition::visible_question_ids;
use super::model::{Answer, Answers, QuestionKind, SurveyDefinition, TaskRow};

/// A valid answer for every visible question, filled in order so conditions see earlier answers.
/// `pick` varies the choices (0: first option, lowest values).
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
            QuestionKind::Number { min, max, .. } => {
                let low = min.unwrap_or(0.0).max(0.0).ceil();
                let high = max.unwrap_or(low + 100.0).floor().max(low);
                Answer::Number((low + (pick as f64) % (high - low + 1.0)).min(high))
            }
            QuestionKind::Date { min, .. } => {
                Answer::Text(min.clone().unwrap_or_else(|| "2026-06-15".into()))
            }
            QuestionKind::ShortText { .. } => Answer::Text("Baik".into()),
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
            QuestionKind::WorkloadTasks { .. } => Answer::Tasks(vec![
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
            ]),
        };
        answers.insert(question.id.clone(), answer);
    }
    answers
}
