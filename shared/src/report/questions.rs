//! Per-question figures over one group: counts and shares, means, spreads, top-2-box, NPS, rankings,
//! workload totals. Texts are never read: text and date questions give answered counts only.

use super::formulas::{nps_score, sample_sd, top_box_points};
use super::keys::ANSWERED_KEY;
use super::model::{MatrixRowStat, NpsStat, OptionStat, QuestionReport};
use super::protect::{Gate, Group};
use crate::i18n::Text;
use crate::survey::{JobLevel, Question, QuestionKind};

/// The kind tag of a question, as serialised in definitions.
pub(crate) fn kind_id(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::SingleChoice { .. } => "single_choice",
        QuestionKind::MultipleChoice { .. } => "multiple_choice",
        QuestionKind::Likert { .. } => "likert",
        QuestionKind::LikertMatrix { .. } => "likert_matrix",
        QuestionKind::Rating { .. } => "rating",
        QuestionKind::Nps => "nps",
        QuestionKind::Number { .. } => "number",
        QuestionKind::Date { .. } => "date",
        QuestionKind::ShortText { .. } => "short_text",
        QuestionKind::LongText { .. } => "long_text",
        QuestionKind::Ranking { .. } => "ranking",
        QuestionKind::Competency { .. } => "competency",
        QuestionKind::JobLevel => "job_level",
        QuestionKind::WorkloadTasks { .. } => "workload_tasks",
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn share(count: i64, n: u64) -> f64 {
    if n == 0 { 0.0 } else { count as f64 / n as f64 }
}

/// One bucket of a question: its id, label and counter bucket name.
pub(crate) struct Bucket {
    pub(crate) id: String,
    pub(crate) label: Text,
}

/// A scale's points with their labels: likert and matrix (scale labels), rating (`1`..`max`), competency
/// (`Level 1`..`Level 5`), NPS (`0`..`10`).
pub(crate) fn scale_points(kind: &QuestionKind) -> Vec<(u32, Text)> {
    match kind {
        QuestionKind::Likert { scale } | QuestionKind::LikertMatrix { scale, .. } => (1
            ..=u32::from(scale.points))
            .map(|p| {
                let label = scale
                    .labels
                    .get(p as usize - 1)
                    .cloned()
                    .unwrap_or_else(|| Text::id_only(p.to_string()));
                (p, label)
            })
            .collect(),
        QuestionKind::Rating { max } => (1..=u32::from(*max))
            .map(|p| (p, Text::id_only(p.to_string())))
            .collect(),
        QuestionKind::Competency { .. } => (1..=5)
            .map(|p| (p, Text::new(format!("Level {p}"), format!("Level {p}"))))
            .collect(),
        QuestionKind::Nps => (0..=10)
            .map(|p| (p, Text::id_only(p.to_string())))
            .collect(),
        _ => Vec::new(),
    }
}

/// Counts per point of a scale question (or matrix row) under `key`.
pub(crate) struct ScaleCounts {
    pub(crate) counts: Vec<(u32, Text, i64)>,
    pub(crate) n: i64,
    pub(crate) sum: f64,
}

pub(crate) fn scale_counts(group: &Group, key: &str, points: &[(u32, Text)]) -> ScaleCounts {
    let counts: Vec<(u32, Text, i64)> = points
        .iter()
        .map(|(p, label)| (*p, label.clone(), group.count(key, &p.to_string()).max(0)))
        .collect();
    let n = counts.iter().map(|c| c.2).sum();
    let sum = counts.iter().map(|c| f64::from(c.0) * c.2 as f64).sum();
    ScaleCounts { counts, n, sum }
}

impl ScaleCounts {
    pub(crate) fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }

    /// Answers in the top two points of a scale of `points`.
    pub(crate) fn top2(&self, points: u32) -> i64 {
        let top = top_box_points(points);
        self.counts
            .iter()
            .filter(|c| top.contains(&c.0))
            .map(|c| c.2)
            .sum()
    }

    fn options(&self, n: u64) -> Vec<OptionStat> {
        self.counts
            .iter()
            .map(|(p, label, count)| OptionStat {
                id: p.to_string(),
                label: label.clone(),
                count: *count as u64,
                share: share(*count, n),
                mean_position: None,
            })
            .collect()
    }
}

/// Count per option bucket of a choice question.
fn option_stats(group: &Group, key: &str, buckets: &[Bucket], n: u64) -> Vec<OptionStat> {
    buckets
        .iter()
        .map(|b| {
            let count = group.count(key, &b.id).max(0);
            OptionStat {
                id: b.id.clone(),
                label: b.label.clone(),
                count: count as u64,
                share: share(count, n),
                mean_position: None,
            }
        })
        .collect()
}

pub(crate) fn choice_buckets(options: &[crate::survey::ChoiceOption]) -> Vec<Bucket> {
    options
        .iter()
        .map(|o| Bucket {
            id: o.id.clone(),
            label: o.label.clone(),
        })
        .collect()
}

fn job_level_buckets() -> Vec<Bucket> {
    JobLevel::ALL
        .iter()
        .map(|l| Bucket {
            id: l.id().to_string(),
            label: l.label(),
        })
        .collect()
}

/// Respondents who answered a multiple choice or matrix question: its `_answered` counter, or (for counters
/// written before that counter existed) the largest option count, a lower bound.
pub(crate) fn answered_multi(group: &Group, question_id: &str, fallback: i64) -> i64 {
    let n = group.count(ANSWERED_KEY, question_id);
    if n > 0 { n } else { fallback }
}

fn empty(question: &Question, gate: Gate) -> QuestionReport {
    QuestionReport {
        id: question.id.clone(),
        text: question.text.clone(),
        kind: kind_id(&question.kind).to_string(),
        answered: gate.shown,
        suppressed: gate.suppressed,
        options: Vec::new(),
        mean: None,
        sd: None,
        top2_share: None,
        nps: None,
        rows: Vec::new(),
        total_minutes: None,
        tasks: None,
    }
}

/// The figures of one question over `group`; everything but the (hidden) count is left out when fewer than
/// k answered.
pub(crate) fn question_report(question: &Question, group: &Group) -> QuestionReport {
    let key = question.id.as_str();
    match &question.kind {
        QuestionKind::SingleChoice { options } => {
            choice(question, group, &choice_buckets(options), None)
        }
        QuestionKind::JobLevel => choice(question, group, &job_level_buckets(), None),
        QuestionKind::MultipleChoice { options, .. } => {
            let buckets = choice_buckets(options);
            let most = buckets
                .iter()
                .map(|b| group.count(key, &b.id))
                .max()
                .unwrap_or(0);
            choice(
                question,
                group,
                &buckets,
                Some(answered_multi(group, key, most)),
            )
        }
        QuestionKind::Likert { .. }
        | QuestionKind::Rating { .. }
        | QuestionKind::Competency { .. }
        | QuestionKind::Nps => {
            let points = scale_points(&question.kind);
            let counts = scale_counts(group, key, &points);
            let gate = group.gate(counts.n);
            let mut report = empty(question, gate);
            let Some(n) = gate.n() else {
                return report;
            };
            report.options = counts.options(n);
            report.mean = counts.mean().and_then(finite);
            if let QuestionKind::Likert { scale } = &question.kind {
                report.top2_share = Some(share(counts.top2(u32::from(scale.points)), n));
            }
            if matches!(question.kind, QuestionKind::Nps) {
                let sum_of = |range: std::ops::RangeInclusive<u32>| -> u64 {
                    counts
                        .counts
                        .iter()
                        .filter(|c| range.contains(&c.0))
                        .map(|c| c.2 as u64)
                        .sum()
                };
                let (promoters, passives, detractors) =
                    (sum_of(9..=10), sum_of(7..=8), sum_of(0..=6));
                report.nps = nps_score(promoters, detractors, n).map(|score| NpsStat {
                    promoters,
                    passives,
                    detractors,
                    score,
                });
            }
            report
        }
        QuestionKind::LikertMatrix { scale, rows } => {
            let points = scale_points(&question.kind);
            let mut most = 0;
            let stats: Vec<MatrixRowStat> = rows
                .iter()
                .map(|row| {
                    let counts = scale_counts(group, &format!("{key}.{}", row.id), &points);
                    most = most.max(counts.n);
                    let gate = group.gate(counts.n);
                    let mut stat = MatrixRowStat {
                        id: row.id.clone(),
                        label: row.label.clone(),
                        answered: gate.shown,
                        suppressed: gate.suppressed,
                        options: Vec::new(),
                        mean: None,
                        top2_share: None,
                    };
                    if let Some(n) = gate.n() {
                        stat.options = counts.options(n);
                        stat.mean = counts.mean().and_then(finite);
                        stat.top2_share = Some(share(counts.top2(u32::from(scale.points)), n));
                    }
                    stat
                })
                .collect();
            let gate = group.gate(answered_multi(group, key, most));
            let mut report = empty(question, gate);
            if gate.n().is_some() {
                report.rows = stats;
            }
            report
        }
        QuestionKind::Number { .. } => {
            let n = group.count(key, "value");
            let gate = group.gate(n);
            let mut report = empty(question, gate);
            if let Some(n) = gate.n() {
                let sum = group.sum(key, "value");
                report.mean = finite(sum / n as f64);
                report.sd = sample_sd(n, sum, group.sum(key, "sumsq")).and_then(finite);
            }
            report
        }
        QuestionKind::Date { .. }
        | QuestionKind::ShortText { .. }
        | QuestionKind::LongText { .. } => {
            empty(question, group.gate(group.count(key, "answered")))
        }
        QuestionKind::Ranking { options } => {
            let n = options
                .iter()
                .map(|o| group.count(key, &o.id))
                .max()
                .unwrap_or(0);
            let gate = group.gate(n);
            let mut report = empty(question, gate);
            if let Some(n) = gate.n() {
                report.options = options
                    .iter()
                    .map(|o| {
                        let count = group.count(key, &o.id).max(0);
                        OptionStat {
                            id: o.id.clone(),
                            label: o.label.clone(),
                            count: count as u64,
                            share: share(count, n),
                            mean_position: (count > 0)
                                .then(|| group.sum(key, &o.id) / count as f64)
                                .and_then(finite),
                        }
                    })
                    .collect();
            }
            report
        }
        QuestionKind::WorkloadTasks { .. } => {
            let gate = group.gate(group.count(key, "minutes"));
            let mut report = empty(question, gate);
            if gate.n().is_some() {
                report.total_minutes = finite(group.sum(key, "minutes"));
                report.tasks = Some(group.count(key, "tasks").max(0) as u64);
            }
            report
        }
    }
}

/// Single choice, job level and multiple choice: `n` is the answered count (single choice and job level:
/// the sum of the option counts).
fn choice(
    question: &Question,
    group: &Group,
    buckets: &[Bucket],
    n: Option<i64>,
) -> QuestionReport {
    let key = question.id.as_str();
    let n = n.unwrap_or_else(|| buckets.iter().map(|b| group.count(key, &b.id).max(0)).sum());
    let gate = group.gate(n);
    let mut report = empty(question, gate);
    if let Some(n) = gate.n() {
        report.options = option_stats(group, key, buckets, n);
    }
    report
}
