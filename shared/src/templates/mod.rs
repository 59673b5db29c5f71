//! Ready-made survey definitions an author can start from: competency self-assessment, training needs,
//! staffing needs (ABK), policy socialisation feedback and the SKM public satisfaction survey, one module
//! each. Each passes `validate_definition`; authors edit them (e.g. append technical competencies) before
//! publishing. This module lists them, finds one by id and holds the builders they are written with.

use crate::i18n::Text;
use crate::survey::{
    ChoiceOption, LikertScale, MatrixRow, Question, QuestionKind, Section, SurveyDefinition,
};

mod competency;
mod skm;
mod socialisation;
mod staffing_abk;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
mod training_needs;

/// A starting point for a new survey.
#[derive(Debug, Clone)]
pub struct Template {
    /// Stable id, e.g. `skm`.
    pub id: &'static str,
    /// Name shown in the template picker.
    pub title: Text,
    /// What the template is for, shown in the template picker.
    pub description: Text,
    pub definition: SurveyDefinition,
}

/// Every template, in the order the picker shows them.
pub fn all() -> Vec<Template> {
    vec![
        competency::template(),
        training_needs::template(),
        staffing_abk::template(),
        socialisation::template(),
        skm::template(),
    ]
}

/// The template with this id.
pub fn get(id: &str) -> Option<Template> {
    all().into_iter().find(|t| t.id == id)
}

// Builders the templates are written with.

fn t(id: &str, en: &str) -> Text {
    Text::new(id, en)
}

fn option(id: &str, label_id: &str, label_en: &str) -> ChoiceOption {
    ChoiceOption {
        id: id.to_string(),
        label: t(label_id, label_en),
    }
}

fn row(id: &str, label_id: &str, label_en: &str) -> MatrixRow {
    MatrixRow {
        id: id.to_string(),
        label: t(label_id, label_en),
    }
}

fn scale(labels: &[(&str, &str)]) -> LikertScale {
    LikertScale {
        points: labels.len() as u8,
        labels: labels.iter().map(|(id, en)| t(id, en)).collect(),
    }
}

fn question(id: &str, text: Text, required: bool, kind: QuestionKind) -> Question {
    Question {
        id: id.to_string(),
        text,
        help: None,
        required,
        visible_if: None,
        kind,
    }
}

fn with_help(mut q: Question, help: Text) -> Question {
    q.help = Some(help);
    q
}

fn section(id: &str, title: Text, questions: Vec<Question>) -> Section {
    Section {
        id: id.to_string(),
        title,
        description: None,
        visible_if: None,
        questions,
    }
}

fn long_text(id: &str, text: Text, max_length: u32) -> Question {
    question(id, text, false, QuestionKind::LongText { max_length })
}
