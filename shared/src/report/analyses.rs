//! Domain analyses over one group (docs/domain.md): competency against the required levels, training needs,
//! staffing by ABK, socialisation feedback and SKM. Each is present when the definition has the questions
//! it needs (found by kind and by the template ids in `keys`), and every figure in it is gated on the count
//! it is computed from.

use super::formulas::{
    ikm, ikm_converted, krejcie_morgan, required_fte, rescale_0_100, round_up_staff, skm_weight,
};
use super::keys::{
    ACCEPTANCE_ID, BELOW_SUFFIX, COMPETENCY_KEY, CONCERNS_ID, GAP_SUFFIX, JP_BELOW_BUCKET,
    JPM_BUCKET, JPM_SCALE, REQUIRED_SUFFIX, SKM_ELEMENT_IDS, TRAINING_JP_ID, TRAINING_KEY,
    TRAINING_TOPICS_ID, competency_bucket, priority_bucket,
};
use super::model::{
    AcceptanceItem, CompetencyAnalysis, CompetencyStat, JpmCategory, JpmCategoryCount, OptionStat,
    SkmAnalysis, SkmElementStat, SkmGrade, SocialisationAnalysis, StaffingAnalysis, TopicDemand,
    TrainingAnalysis,
};
use super::protect::Group;
use super::questions::{answered_multi, scale_counts, scale_points};
use crate::i18n::Text;
use crate::survey::{Question, QuestionKind, SurveyDefinition};

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn ratio(count: i64, n: u64) -> f64 {
    if n == 0 { 0.0 } else { count as f64 / n as f64 }
}

/// Competency questions of the definition, in order.
pub(crate) fn competency_questions(def: &SurveyDefinition) -> Vec<&Question> {
    def.questions()
        .map(|(_, q)| q)
        .filter(|q| matches!(q.kind, QuestionKind::Competency { .. }))
        .collect()
}

pub(crate) fn competency(def: &SurveyDefinition, group: &Group) -> Option<CompetencyAnalysis> {
    let questions = competency_questions(def);
    if questions.is_empty() {
        return None;
    }
    let gate = group.gate(group.count(COMPETENCY_KEY, JPM_BUCKET));
    let n = gate.n();
    let jpm = n.and_then(|n| finite(group.sum(COMPETENCY_KEY, JPM_BUCKET) / JPM_SCALE / n as f64));
    let categories = match n {
        Some(n) => JpmCategory::ALL
            .iter()
            .map(|c| {
                let count = group.count(COMPETENCY_KEY, c.bucket()).max(0);
                JpmCategoryCount {
                    category: *c,
                    count: count as u64,
                    share: ratio(count, n),
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let competencies = questions
        .iter()
        .map(|q| {
            let QuestionKind::Competency {
                code, group: cg, ..
            } = &q.kind
            else {
                unreachable!("filtered on kind")
            };
            let counts = scale_counts(group, &q.id, &scale_points(&q.kind));
            let answered = group.gate(counts.n);
            let bucket = |what: &str| competency_bucket(&q.id, what);
            let standard = group.gate(group.count(COMPETENCY_KEY, &bucket(GAP_SUFFIX)));
            let per = |what: &str| {
                standard
                    .n()
                    .and_then(|n| finite(group.sum(COMPETENCY_KEY, &bucket(what)) / n as f64))
            };
            CompetencyStat {
                question_id: q.id.clone(),
                code: code.clone(),
                group: *cg,
                label: q.text.clone(),
                answered: answered.shown,
                suppressed: answered.suppressed,
                mean_level: answered.n().and_then(|_| counts.mean()).and_then(finite),
                with_standard: standard.shown,
                standard_suppressed: standard.suppressed,
                mean_required: per(REQUIRED_SUFFIX),
                gap: per(GAP_SUFFIX),
                below_share: standard
                    .n()
                    .map(|n| ratio(group.count(COMPETENCY_KEY, &bucket(BELOW_SUFFIX)), n)),
            }
        })
        .collect();
    Some(CompetencyAnalysis {
        assessed: gate.shown,
        suppressed: gate.suppressed,
        jpm,
        jpm_category: jpm.map(JpmCategory::of),
        categories,
        competencies,
    })
}

pub(crate) fn training(def: &SurveyDefinition, group: &Group) -> Option<TrainingAnalysis> {
    let topics_q = def.question(TRAINING_TOPICS_ID)?;
    let QuestionKind::MultipleChoice { options, .. } = &topics_q.kind else {
        return None;
    };
    let most = options
        .iter()
        .map(|o| group.count(&topics_q.id, &o.id))
        .max()
        .unwrap_or(0);
    let gate = group.gate(answered_multi(group, &topics_q.id, most));
    let prioritised = group.gate(
        options
            .iter()
            .map(|o| group.count(TRAINING_KEY, &priority_bucket(&o.id)).max(0))
            .sum(),
    );
    let mut topics: Vec<(usize, TopicDemand)> = match gate.n() {
        Some(n) => options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let chosen = group.count(&topics_q.id, &o.id).max(0);
                let bucket = priority_bucket(&o.id);
                let priority = prioritised
                    .n()
                    .map(|_| group.count(TRAINING_KEY, &bucket).max(0));
                let urgency_sum = group.sum(TRAINING_KEY, &bucket);
                let mean_urgency = priority
                    .filter(|p| *p > 0)
                    .and_then(|p| finite(urgency_sum / p as f64));
                let score = chosen as f64 + priority.map_or(0.0, |_| urgency_sum);
                let demand = TopicDemand {
                    id: o.id.clone(),
                    label: o.label.clone(),
                    chosen: chosen as u64,
                    chosen_share: ratio(chosen, n),
                    priority: priority.map(|p| p as u64),
                    mean_urgency,
                    score: finite(score).unwrap_or(0.0),
                };
                (i, demand)
            })
            .collect(),
        None => Vec::new(),
    };
    topics.sort_by(|(ia, a), (ib, b)| {
        b.score
            .total_cmp(&a.score)
            .then(b.chosen.cmp(&a.chosen))
            .then(ia.cmp(ib))
    });
    let mut analysis = TrainingAnalysis {
        answered: gate.shown,
        suppressed: gate.suppressed,
        prioritised: prioritised.shown,
        priority_suppressed: prioritised.suppressed,
        topics: topics.into_iter().map(|(_, t)| t).collect(),
        jp_answered: None,
        jp_suppressed: false,
        jp_mean: None,
        below_20: None,
        below_20_share: None,
        mean_shortfall: None,
    };
    if let Some(jp) = def
        .question(TRAINING_JP_ID)
        .filter(|q| matches!(q.kind, QuestionKind::Number { .. }))
    {
        let jp_gate = group.gate(group.count(&jp.id, "value"));
        analysis.jp_answered = jp_gate.shown;
        analysis.jp_suppressed = jp_gate.suppressed;
        if let Some(n) = jp_gate.n() {
            let below = group.count(TRAINING_KEY, JP_BELOW_BUCKET).max(0);
            analysis.jp_mean = finite(group.sum(&jp.id, "value") / n as f64);
            analysis.below_20 = Some(below as u64);
            analysis.below_20_share = Some(ratio(below, n));
            analysis.mean_shortfall = finite(group.sum(TRAINING_KEY, JP_BELOW_BUCKET) / n as f64);
        }
    }
    Some(analysis)
}

pub(crate) fn staffing(def: &SurveyDefinition, group: &Group) -> Option<StaffingAnalysis> {
    let tasks_q = def
        .questions()
        .map(|(_, q)| q)
        .find(|q| matches!(q.kind, QuestionKind::WorkloadTasks { .. }))?;
    let gate = group.gate(group.count(&tasks_q.id, "minutes"));
    let mut analysis = StaffingAnalysis {
        answered: gate.shown,
        suppressed: gate.suppressed,
        tasks: None,
        total_minutes: None,
        required_fte: None,
        required_staff: None,
        headcount: group.counted_headcount,
        gap: None,
    };
    if gate.n().is_some() {
        let minutes = group.sum(&tasks_q.id, "minutes");
        let fte = required_fte(minutes);
        let staff = round_up_staff(fte);
        analysis.tasks = Some(group.count(&tasks_q.id, "tasks").max(0) as u64);
        analysis.total_minutes = finite(minutes);
        analysis.required_fte = finite(fte);
        analysis.required_staff = Some(staff);
        analysis.gap = Some(staff as i64 - group.counted_headcount as i64);
    }
    Some(analysis)
}

pub(crate) fn socialisation(
    def: &SurveyDefinition,
    group: &Group,
) -> Option<SocialisationAnalysis> {
    let q = def.question(ACCEPTANCE_ID)?;
    // (counter key, id, label) per acceptance item, and the scale.
    let (items, scale): (Vec<(String, String, Text)>, _) = match &q.kind {
        QuestionKind::LikertMatrix { scale, rows } => (
            rows.iter()
                .map(|r| (format!("{}.{}", q.id, r.id), r.id.clone(), r.label.clone()))
                .collect(),
            scale,
        ),
        QuestionKind::Likert { scale } => {
            (vec![(q.id.clone(), q.id.clone(), q.text.clone())], scale)
        }
        _ => return None,
    };
    let points = u32::from(scale.points);
    let scale_labels = scale_points(&q.kind);
    let (mut total_n, mut total_sum, mut total_top2, mut most) = (0i64, 0.0, 0i64, 0i64);
    let items: Vec<AcceptanceItem> = items
        .into_iter()
        .map(|(key, id, label)| {
            let counts = scale_counts(group, &key, &scale_labels);
            most = most.max(counts.n);
            let gate = group.gate(counts.n);
            let mut item = AcceptanceItem {
                id,
                label,
                answered: gate.shown,
                suppressed: gate.suppressed,
                mean: None,
                index: None,
                favourable_share: None,
            };
            if let Some(n) = gate.n() {
                // Only shown items enter the pooled figures, so no hidden item can be recovered from them.
                total_n += counts.n;
                total_sum += counts.sum;
                total_top2 += counts.top2(points);
                item.mean = counts.mean().and_then(finite);
                item.index = item.mean.and_then(|m| rescale_0_100(m, points));
                item.favourable_share = Some(ratio(counts.top2(points), n));
            }
            item
        })
        .collect();
    let answered = if matches!(q.kind, QuestionKind::LikertMatrix { .. }) {
        answered_multi(group, &q.id, most)
    } else {
        most
    };
    let gate = group.gate(answered);
    let mut analysis = SocialisationAnalysis {
        answered: gate.shown,
        suppressed: gate.suppressed,
        acceptance_index: None,
        favourable_share: None,
        items,
        concerns_answered: None,
        concerns_suppressed: false,
        concerns: Vec::new(),
    };
    if gate.n().is_some() && total_n > 0 {
        let mean = total_sum / total_n as f64;
        analysis.acceptance_index = rescale_0_100(mean, points).and_then(finite);
        analysis.favourable_share = Some(total_top2 as f64 / total_n as f64);
    }
    if let Some(concerns) = def.question(CONCERNS_ID)
        && let QuestionKind::MultipleChoice { options, .. } = &concerns.kind
    {
        let most = options
            .iter()
            .map(|o| group.count(&concerns.id, &o.id))
            .max()
            .unwrap_or(0);
        let gate = group.gate(answered_multi(group, &concerns.id, most));
        analysis.concerns_answered = gate.shown;
        analysis.concerns_suppressed = gate.suppressed;
        if let Some(n) = gate.n() {
            let mut list: Vec<(usize, OptionStat)> = options
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let count = group.count(&concerns.id, &o.id).max(0);
                    let stat = OptionStat {
                        id: o.id.clone(),
                        label: o.label.clone(),
                        count: count as u64,
                        share: ratio(count, n),
                        mean_position: None,
                    };
                    (i, stat)
                })
                .collect();
            list.sort_by(|(ia, a), (ib, b)| b.count.cmp(&a.count).then(ia.cmp(ib)));
            analysis.concerns = list.into_iter().map(|(_, s)| s).collect();
        }
    }
    Some(analysis)
}

/// The nine SKM element questions when the definition has all of them as 4-point likerts.
pub(crate) fn skm_questions(def: &SurveyDefinition) -> Option<Vec<&Question>> {
    SKM_ELEMENT_IDS
        .iter()
        .map(|id| {
            def.question(id)
                .filter(|q| matches!(&q.kind, QuestionKind::Likert { scale } if scale.points == 4))
        })
        .collect()
}

pub(crate) fn skm(def: &SurveyDefinition, group: &Group, legacy: bool) -> Option<SkmAnalysis> {
    let questions = skm_questions(def)?;
    let weight = skm_weight(legacy);
    let elements: Vec<SkmElementStat> = questions
        .iter()
        .map(|q| {
            let counts = scale_counts(group, &q.id, &scale_points(&q.kind));
            let gate = group.gate(counts.n);
            let nrr = gate.n().and_then(|_| counts.mean()).and_then(finite);
            SkmElementStat {
                id: q.id.clone(),
                label: q.text.clone(),
                answered: gate.shown,
                suppressed: gate.suppressed,
                nrr,
                weighted: nrr.map(|v| v * weight),
            }
        })
        .collect();
    let nrr: Option<Vec<f64>> = elements.iter().map(|e| e.nrr).collect();
    let ikm = nrr.map(|v| ikm(&v, legacy)).and_then(finite);
    let converted = ikm.map(ikm_converted);
    let population = group.headcount;
    let min_sample = krejcie_morgan(population);
    let respondents = group.respondents_gate();
    Some(SkmAnalysis {
        elements,
        weight,
        ikm,
        converted,
        grade: converted.map(SkmGrade::of),
        population,
        min_sample,
        respondents: respondents.shown,
        sample_sufficient: respondents
            .shown
            .filter(|_| population > 0)
            .map(|r| r >= min_sample),
    })
}
