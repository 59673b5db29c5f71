//! The report as it crosses the wire (`WaveReport`) and the settings that shape it. Every figure computed
//! from responses is an `Option`: `None` when it is hidden (fewer than k respondents behind it) or when there
//! is nothing to compute it from; a `suppressed` flag next to a count says which of the two.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::i18n::Text;
use crate::survey::CompetencyGroup;

/// Which part of the unit tree a report covers (within the caller's scope).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportFilter {
    /// Root of the subtree to report on; `None`: every unit in scope.
    #[serde(default)]
    pub unit: Option<Uuid>,
    /// Planning sector (e.g. `pendidikan`); a unit without its own sector has its parent's.
    #[serde(default)]
    pub sector: Option<String>,
}

/// How figures are protected and computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportSettings {
    /// Reporting threshold (docs/design.md invariant 5): default 5; values below 3 are raised to 3.
    pub k: u32,
    /// SKM weight 0.11 as printed in PermenPANRB 14/2017 instead of the exact 1/9.
    #[serde(default)]
    pub skm_legacy_weights: bool,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            k: 5,
            skm_legacy_weights: false,
        }
    }
}

/// A unit as the report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRef {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

/// The filter the report was built with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
}

/// The report of one wave for one filter and scope. Built only from counters, with the threshold applied
/// (see the `report` module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaveReport {
    /// The reporting threshold applied.
    pub k: u32,
    /// Whether SKM figures use the legacy weight 0.11.
    pub skm_legacy_weights: bool,
    pub filter: AppliedFilter,
    /// The whole filtered group.
    pub overall: GroupReport,
    /// Every question of the definition, in order, over the whole group.
    pub questions: Vec<QuestionReport>,
    /// One row per child of the filter's unit (the unit itself first, for its own responses), or per
    /// top-level unit when no unit is filtered; a unit outside the scope is replaced by its highest
    /// descendants inside it. Rows without covered units are left out.
    pub breakdown: Vec<UnitRow>,
    /// One row per planning sector of the units covered.
    pub sectors: Vec<SectorRow>,
    /// Mean competency gap: breakdown rows x competencies (competency surveys only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heatmap: Option<GapHeatmap>,
    /// Headline indicators against the previous wave (when one was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<IndicatorChange>>,
    /// Free-text comments of the group (not computed from counters: the server adds them from the comments
    /// the counter folder copied out of responses, see [`super::build_report_counting`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<CommentsReport>,
    /// Responses of the whole wave received but not yet released (they wait until their group can add at
    /// least k at once), rounded down to a multiple of k; set by the server for unfiltered reports of
    /// everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_back: Option<u64>,
}

/// Free-text comments released to the group's atoms (each atom's comments per question come in steps of at
/// least `threshold`), in an order unrelated to their arrival (a keyed hash), without unit or date; with the
/// most frequent words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentsReport {
    pub threshold: u32,
    /// False when no comment of the group has been released: then `items` and `keywords` are empty.
    pub shown: bool,
    /// How many released comments the group has.
    pub total: u64,
    /// At most 100 of them.
    pub items: Vec<CommentItem>,
    pub keywords: Vec<crate::keywords::KeywordCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentItem {
    pub question_id: String,
    pub text: String,
}

/// The figures of one group of respondents: the whole report, a breakdown row or a sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupReport {
    /// Respondents: 0 or at least k; `None` when the group had responses but fewer than k can be shown.
    pub respondents: Option<u64>,
    /// `true`: hidden, fewer than k respondents.
    pub suppressed: bool,
    /// Staff on the roster in the group's units (not survey data, never hidden).
    pub headcount: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competency: Option<CompetencyAnalysis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingAnalysis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staffing: Option<StaffingAnalysis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub socialisation: Option<SocialisationAnalysis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skm: Option<SkmAnalysis>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRow {
    pub unit: UnitRef,
    /// `true`: only the unit's own responses (and those of small sub-units merged into it), not its subtree.
    pub own_only: bool,
    pub group: GroupReport,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectorRow {
    /// `None`: units without a sector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    pub group: GroupReport,
}

/// One question over the whole group. Which of the optional parts are filled depends on `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionReport {
    pub id: String,
    pub text: Text,
    /// The question kind tag, e.g. `single_choice`, `likert`, `nps`.
    pub kind: String,
    /// Respondents who answered: 0 or at least k; `None` when hidden.
    pub answered: Option<u64>,
    /// `true`: fewer than k answered, only "hidden" is shown.
    pub suppressed: bool,
    /// Choice and job level: every option. Scales (likert, rating, competency, NPS): every point, lowest
    /// first. Ranking: every option with its mean position. Empty when hidden or unanswered.
    #[serde(default)]
    pub options: Vec<OptionStat>,
    /// Scales: mean point. Number: mean value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Number: sample standard deviation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// Likert: share (0..1) answering one of the two highest points (the highest only on 2- and 3-point
    /// scales).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top2_share: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nps: Option<NpsStat>,
    /// Likert matrix: one entry per row.
    #[serde(default)]
    pub rows: Vec<MatrixRowStat>,
    /// Workload tasks: Σ volume x minutes over every answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_minutes: Option<f64>,
    /// Workload tasks: task rows listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<u64>,
}

/// An option or scale point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OptionStat {
    /// Option or level id, or the point (`"3"`).
    pub id: String,
    pub label: Text,
    pub count: u64,
    /// `count / answered`, 0..1.
    pub share: f64,
    /// Ranking: mean 1-based position (lower is preferred).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_position: Option<f64>,
}

/// Net Promoter Score: promoters answer 9-10, passives 7-8, detractors 0-6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NpsStat {
    pub promoters: u64,
    pub passives: u64,
    pub detractors: u64,
    /// (promoters - detractors) / answered x 100, -100..100.
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixRowStat {
    pub id: String,
    pub label: Text,
    pub answered: Option<u64>,
    pub suppressed: bool,
    #[serde(default)]
    pub options: Vec<OptionStat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top2_share: Option<f64>,
}

/// Job Person Match category (PermenPANRB 38/2017 practice): >= 90 optimal, 78 to < 90 cukup optimal,
/// < 78 kurang optimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JpmCategory {
    Optimal,
    CukupOptimal,
    KurangOptimal,
}

/// Competency self-assessment against the required level of each respondent's jabatan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompetencyAnalysis {
    /// Respondents whose jabatan sets a required level (not JF) and who rated at least one managerial or
    /// socio-cultural competency.
    pub assessed: Option<u64>,
    pub suppressed: bool,
    /// Mean of the respondents' JPM (Σ actual / Σ required x 100), in %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jpm: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jpm_category: Option<JpmCategory>,
    /// Respondents per JPM category (empty when hidden).
    #[serde(default)]
    pub categories: Vec<JpmCategoryCount>,
    /// One entry per competency question, in order.
    pub competencies: Vec<CompetencyStat>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JpmCategoryCount {
    pub category: JpmCategory,
    pub count: u64,
    /// Share of `assessed`, 0..1.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompetencyStat {
    pub question_id: String,
    pub code: String,
    pub group: CompetencyGroup,
    pub label: Text,
    /// Respondents who rated this competency.
    pub answered: Option<u64>,
    pub suppressed: bool,
    /// Mean self-assessed level (1..5) over everyone who answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_level: Option<f64>,
    /// Of those, respondents with a required level (managerial and socio-cultural competencies, jabatan
    /// other than JF).
    pub with_standard: Option<u64>,
    pub standard_suppressed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_required: Option<f64>,
    /// Mean of (actual - required) over `with_standard`; negative = development need.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
    /// Share of `with_standard` below their required level, 0..1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below_share: Option<f64>,
}

/// Breakdown rows x competencies, cells = mean gap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapHeatmap {
    pub columns: Vec<HeatmapColumn>,
    pub rows: Vec<HeatmapRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeatmapColumn {
    pub question_id: String,
    pub code: String,
    pub label: Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeatmapRow {
    pub unit: UnitRef,
    pub own_only: bool,
    pub respondents: Option<u64>,
    pub suppressed: bool,
    /// One per column: the mean gap, `None` when hidden or without data.
    pub cells: Vec<Option<f64>>,
}

/// Training needs: topics ranked by demand weighted by priority, and the 20 JP entitlement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingAnalysis {
    /// Respondents who chose topics.
    pub answered: Option<u64>,
    pub suppressed: bool,
    /// Respondents who named a top priority and rated its urgency.
    pub prioritised: Option<u64>,
    pub priority_suppressed: bool,
    /// Highest score first (empty when hidden). Score = times chosen + Σ urgency (1..4) of those who made it
    /// their top priority (the priority part only when `prioritised` is shown).
    #[serde(default)]
    pub topics: Vec<TopicDemand>,
    /// Respondents who gave their JP this year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jp_answered: Option<u64>,
    #[serde(default)]
    pub jp_suppressed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jp_mean: Option<f64>,
    /// Respondents below the 20 JP a year every PNS is entitled to (PP 11/2017 art. 203(4), PP 17/2020).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below_20: Option<u64>,
    /// `below_20 / jp_answered`, 0..1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below_20_share: Option<f64>,
    /// Mean of max(0, 20 - JP) over `jp_answered`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_shortfall: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicDemand {
    pub id: String,
    pub label: Text,
    /// Respondents who chose the topic.
    pub chosen: u64,
    /// `chosen / answered`, 0..1.
    pub chosen_share: f64,
    /// Respondents whose top priority it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u64>,
    /// Their mean urgency, 1..4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_urgency: Option<f64>,
    pub score: f64,
}

/// Staffing needs by ABK (PermenPANRB 1/2020): required staff = Σ volume x minutes / 75,000.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffingAnalysis {
    /// Responses listing tasks.
    pub answered: Option<u64>,
    pub suppressed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<u64>,
    /// Σ volume x minutes a year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_minutes: Option<f64>,
    /// Required staff, fractional (total minutes / 75,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_fte: Option<f64>,
    /// Required staff, rounded up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_staff: Option<u64>,
    /// Current staff on the roster in the units whose responses are counted here (units with responses
    /// of their own, or merged into them), so that workload and staff cover the same units.
    pub headcount: u64,
    /// `required_staff - headcount`: positive = shortage, negative = surplus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<i64>,
}

/// Socialisation feedback: acceptance index, favourable share, concerns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SocialisationAnalysis {
    /// Respondents who answered the acceptance items.
    pub answered: Option<u64>,
    pub suppressed: bool,
    /// Mean of the shown acceptance items, rescaled: (mean - 1) / (points - 1) x 100, 0..100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance_index: Option<f64>,
    /// Share of the shown acceptance answers in the top two points, 0..1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favourable_share: Option<f64>,
    pub items: Vec<AcceptanceItem>,
    /// Respondents who named concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concerns_answered: Option<u64>,
    #[serde(default)]
    pub concerns_suppressed: bool,
    /// Most named first (empty when hidden); shares of `concerns_answered`.
    #[serde(default)]
    pub concerns: Vec<OptionStat>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptanceItem {
    pub id: String,
    pub label: Text,
    pub answered: Option<u64>,
    pub suppressed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// The mean rescaled to 0..100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favourable_share: Option<f64>,
}

/// SKM quality category of the converted IKM (PermenPANRB 14/2017).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SkmGrade {
    /// 88.31-100.00 Sangat Baik.
    A,
    /// 76.61-88.30 Baik.
    B,
    /// 65.00-76.60 Kurang Baik.
    C,
    /// 25.00-64.99 Tidak Baik.
    D,
}

/// SKM: NRR per element, IKM and its category, and the Krejcie-Morgan minimum sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkmAnalysis {
    /// U1..U9.
    pub elements: Vec<SkmElementStat>,
    /// Weight of each NRR: 1/9, or 0.11 with legacy weights.
    pub weight: f64,
    /// Σ NRR x weight (1..4); only when every element is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ikm: Option<f64>,
    /// IKM x 25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converted: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<SkmGrade>,
    /// N: staff on the roster in the group's units.
    pub population: u64,
    /// Krejcie-Morgan minimum sample for N (P = Q = 0.5, 95 %).
    pub min_sample: u64,
    pub respondents: Option<u64>,
    /// Whether `respondents >= min_sample` (unknown when hidden or N = 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_sufficient: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkmElementStat {
    /// `u1`..`u9`.
    pub id: String,
    pub label: Text,
    pub answered: Option<u64>,
    pub suppressed: bool,
    /// Σ answers / number of answers, 1..4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nrr: Option<f64>,
    /// NRR x weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighted: Option<f64>,
}

/// One headline indicator in this wave and the previous one, each computed with the same protection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorChange {
    /// Stable id, e.g. `respondents`, `jpm`, `competency.integritas.mean_level`, `skm.converted`.
    pub indicator: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<f64>,
    /// `current - previous` when both are shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<f64>,
}

impl JpmCategory {
    pub const ALL: [JpmCategory; 3] = [
        JpmCategory::Optimal,
        JpmCategory::CukupOptimal,
        JpmCategory::KurangOptimal,
    ];

    /// The counter bucket of [`super::keys::COMPETENCY_KEY`] counting respondents in this category.
    pub fn bucket(self) -> &'static str {
        match self {
            JpmCategory::Optimal => "optimal",
            JpmCategory::CukupOptimal => "cukup",
            JpmCategory::KurangOptimal => "kurang",
        }
    }

    pub fn label(self) -> Text {
        match self {
            JpmCategory::Optimal => Text::new("Optimal", "Optimal"),
            JpmCategory::CukupOptimal => Text::new("Cukup Optimal", "Fairly optimal"),
            JpmCategory::KurangOptimal => Text::new("Kurang Optimal", "Below optimal"),
        }
    }
}

impl SkmGrade {
    pub fn letter(self) -> &'static str {
        match self {
            SkmGrade::A => "A",
            SkmGrade::B => "B",
            SkmGrade::C => "C",
            SkmGrade::D => "D",
        }
    }

    pub fn label(self) -> Text {
        match self {
            SkmGrade::A => Text::new("Sangat Baik", "Very good"),
            SkmGrade::B => Text::new("Baik", "Good"),
            SkmGrade::C => Text::new("Kurang Baik", "Poor"),
            SkmGrade::D => Text::new("Tidak Baik", "Very poor"),
        }
    }
}
