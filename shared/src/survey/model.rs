//! Survey definitions and answers as they travel on the wire and are stored (JSON).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::Text;

// `Question`, `QuestionKind`, `Condition`, `Scalar` and `Answer` derive `Serialize` (and utoipa's schema) from
// the serde attributes below; their `Deserialize` is hand-written in `wire.rs` (same JSON, far less code in
// the wasm client than serde's flatten / tagged / untagged machinery).

/// A survey definition: what a published version freezes and what respondents answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyDefinition {
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Pages, shown one per screen, in order.
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Section {
    /// Stable id, unique among sections (`[a-z0-9_]{1,40}`).
    pub id: String,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Shown only when this holds (may refer only to questions of earlier sections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_if: Option<Condition>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    /// Stable id, unique in the whole survey (`[a-z0-9_]{1,40}`); answers are keyed by it.
    pub id: String,
    pub text: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    #[serde(default)]
    pub required: bool,
    /// Shown only when this holds (may refer only to questions before this one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_if: Option<Condition>,
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// What kind of answer a question takes, with its settings. Serialised with a `kind` tag next to the
/// question's other fields, e.g. `{"id": "q1", "kind": "rating", "max": 5, ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One option. Answer: `Answer::Text(option id)`.
    SingleChoice { options: Vec<ChoiceOption> },
    /// Several options. Answer: `Answer::List(option ids)`, between `min` and `max` of them.
    MultipleChoice {
        options: Vec<ChoiceOption>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u32>,
    },
    /// One point on a scale of `scale.points` (2..=11). Answer: `Answer::Number(1..=points)`.
    Likert { scale: LikertScale },
    /// Several rows on one scale. Answer: `Answer::Matrix(row id -> 1..=points)`; every row when required.
    LikertMatrix {
        scale: LikertScale,
        rows: Vec<MatrixRow>,
    },
    /// Stars from 1 to `max` (5 or 10). Answer: `Answer::Number`.
    Rating { max: u8 },
    /// Net Promoter Score, 0..=10. Answer: `Answer::Number`.
    Nps,
    /// A number. Answer: `Answer::Number`, whole when `integer`, within `min..=max`.
    Number {
        #[serde(default)]
        integer: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<Text>,
    },
    /// A calendar date `YYYY-MM-DD`, within `min..=max` (same format). Answer: `Answer::Text`.
    Date {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<String>,
    },
    /// One line of text, at most `max_length` characters. Answer: `Answer::Text`.
    ShortText { max_length: u32 },
    /// Free text, at most `max_length` characters. Answer: `Answer::Text`.
    LongText { max_length: u32 },
    /// All options in order of preference. Answer: `Answer::List(every option id exactly once)`.
    Ranking { options: Vec<ChoiceOption> },
    /// Self-assessed proficiency level 1..=5 for one competency (PermenPANRB 38/2017), one behavioural
    /// descriptor per level. Answer: `Answer::Number(1..=5)`.
    Competency {
        /// e.g. `integritas`, `kerja_sama`, or an author-defined technical competency code.
        code: String,
        /// `manajerial`, `sosial_kultural` or `teknis`.
        group: CompetencyGroup,
        /// Exactly five descriptors, level 1 first.
        levels: Vec<Text>,
    },
    /// The respondent's jabatan level, which sets the required competency level (docs/domain.md).
    /// Answer: `Answer::Text(JobLevel id)`.
    JobLevel,
    /// ABK workload rows: task name, annual volume, standard minutes per task.
    /// Answer: `Answer::Tasks`, 1..=`max_tasks` rows (at least one when required).
    WorkloadTasks { max_tasks: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChoiceOption {
    /// Stable id, unique within the question (`[a-z0-9_]{1,40}`).
    pub id: String,
    pub label: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LikertScale {
    /// Number of points, 2..=11.
    pub points: u8,
    /// One label per point, lowest first (`labels.len() == points`).
    pub labels: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixRow {
    pub id: String,
    pub label: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CompetencyGroup {
    Manajerial,
    SosialKultural,
    Teknis,
}

/// Jabatan levels (docs/domain.md). Serialised as snake_case ids, e.g. `jpt_pratama`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobLevel {
    JptUtama,
    JptMadya,
    JptPratama,
    Administrator,
    Pengawas,
    Pelaksana,
    Fungsional,
}

/// Conditional display. Serialised with an `op` tag, e.g.
/// `{"op": "equals", "question": "q1", "value": "ya"}`,
/// `{"op": "and", "all": [...]}`, `{"op": "not", "condition": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Condition {
    Equals {
        question: String,
        value: Scalar,
    },
    NotEquals {
        question: String,
        value: Scalar,
    },
    /// The answer (or, for list answers, any selected item) is one of `values`.
    In {
        question: String,
        values: Vec<Scalar>,
    },
    Greater {
        question: String,
        value: f64,
    },
    Less {
        question: String,
        value: f64,
    },
    Answered {
        question: String,
    },
    And {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        all: Vec<Condition>,
    },
    Or {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        any: Vec<Condition>,
    },
    Not {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        condition: Box<Condition>,
    },
}

/// A literal compared with an answer: an option id or text, or a number.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Scalar {
    Number(f64),
    Text(String),
}

/// One answer. Which variant a question takes is given by its `QuestionKind`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Answer {
    Number(f64),
    Text(String),
    List(Vec<String>),
    Tasks(Vec<TaskRow>),
    Matrix(BTreeMap<String, u8>),
}

/// One ABK task: annual volume x standard minutes per task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskRow {
    pub task: String,
    /// Times per year, >= 0.
    pub volume: f64,
    /// Standard minutes per task, > 0.
    pub minutes: f64,
}

/// Answers keyed by question id.
pub type Answers = BTreeMap<String, Answer>;

impl SurveyDefinition {
    /// Every question, in order, with the index of its section.
    pub fn questions(&self) -> impl Iterator<Item = (usize, &Question)> {
        self.sections
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.questions.iter().map(move |q| (i, q)))
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().map(|(_, q)| q).find(|q| q.id == id)
    }
}

impl JobLevel {
    pub const ALL: [JobLevel; 7] = [
        JobLevel::JptUtama,
        JobLevel::JptMadya,
        JobLevel::JptPratama,
        JobLevel::Administrator,
        JobLevel::Pengawas,
        JobLevel::Pelaksana,
        JobLevel::Fungsional,
    ];

    pub fn id(self) -> &'static str {
        match self {
            JobLevel::JptUtama => "jpt_utama",
            JobLevel::JptMadya => "jpt_madya",
            JobLevel::JptPratama => "jpt_pratama",
            JobLevel::Administrator => "administrator",
            JobLevel::Pengawas => "pengawas",
            JobLevel::Pelaksana => "pelaksana",
            JobLevel::Fungsional => "fungsional",
        }
    }

    pub fn from_id(id: &str) -> Option<JobLevel> {
        JobLevel::ALL.into_iter().find(|l| l.id() == id)
    }

    pub fn label(self) -> Text {
        match self {
            JobLevel::JptUtama => Text::new("JPT Utama", "Senior executive (Utama)"),
            JobLevel::JptMadya => Text::new("JPT Madya", "Senior executive (Madya)"),
            JobLevel::JptPratama => Text::new("JPT Pratama", "Senior executive (Pratama)"),
            JobLevel::Administrator => Text::new("Administrator", "Administrator"),
            JobLevel::Pengawas => Text::new("Pengawas", "Supervisor"),
            JobLevel::Pelaksana => Text::new("Pelaksana", "Staff"),
            JobLevel::Fungsional => Text::new("Jabatan Fungsional", "Functional position"),
        }
    }

    /// Required managerial / socio-cultural competency level by default table (PermenPANRB 38/2017):
    /// JPT Utama/Madya 5, JPT Pratama 4, Administrator 3, Pengawas 2, Pelaksana 1; JF per its own standard
    /// (`None`).
    pub fn required_level(self) -> Option<u8> {
        match self {
            JobLevel::JptUtama | JobLevel::JptMadya => Some(5),
            JobLevel::JptPratama => Some(4),
            JobLevel::Administrator => Some(3),
            JobLevel::Pengawas => Some(2),
            JobLevel::Pelaksana => Some(1),
            JobLevel::Fungsional => None,
        }
    }
}
