//! The survey model as `serap_shared::survey`'s `wire.rs` reads it: texts, options, scales, every question
//! kind, conditions, sections, definitions, and answers (the first variant that fits).

use serap_shared::i18n::Text;
use serap_shared::survey::{
    Answer, Answers, ChoiceOption, CompetencyGroup, Condition, LikertScale, MatrixRow, Question,
    QuestionKind, Scalar, Section, SurveyDefinition, TaskRow,
};
use wasm_bindgen::JsValue;

use super::read::{Obj, boolean, from_json, is_array, list, number, obj, string, uint8, uint32};

fn text(v: &JsValue) -> Option<Text> {
    let o = obj(v)?;
    Some(Text {
        id: o.string("id")?,
        en: o.opt("en", string)?,
    })
}

fn texts(v: &JsValue) -> Option<Vec<Text>> {
    list(v, text)
}

fn choice(v: &JsValue) -> Option<ChoiceOption> {
    let o = obj(v)?;
    Some(ChoiceOption {
        id: o.string("id")?,
        label: o.req("label", text)?,
    })
}

fn choices(v: &JsValue) -> Option<Vec<ChoiceOption>> {
    list(v, choice)
}

fn row(v: &JsValue) -> Option<MatrixRow> {
    let o = obj(v)?;
    Some(MatrixRow {
        id: o.string("id")?,
        label: o.req("label", text)?,
    })
}

fn scale(v: &JsValue) -> Option<LikertScale> {
    let o = obj(v)?;
    Some(LikertScale {
        points: o.req("points", uint8)?,
        labels: o.req("labels", texts)?,
    })
}

fn group(v: &JsValue) -> Option<CompetencyGroup> {
    Some(match v.as_string()?.as_str() {
        "manajerial" => CompetencyGroup::Manajerial,
        "sosial_kultural" => CompetencyGroup::SosialKultural,
        "teknis" => CompetencyGroup::Teknis,
        _ => return None,
    })
}

fn kind(o: &Obj) -> Option<QuestionKind> {
    Some(match o.string("kind")?.as_str() {
        "single_choice" => QuestionKind::SingleChoice {
            options: o.req("options", choices)?,
        },
        "multiple_choice" => QuestionKind::MultipleChoice {
            options: o.req("options", choices)?,
            min: o.opt("min", uint32)?,
            max: o.opt("max", uint32)?,
        },
        "likert" => QuestionKind::Likert {
            scale: o.req("scale", scale)?,
        },
        "likert_matrix" => QuestionKind::LikertMatrix {
            scale: o.req("scale", scale)?,
            rows: o.req("rows", |v| list(v, row))?,
        },
        "rating" => QuestionKind::Rating {
            max: o.req("max", uint8)?,
        },
        "nps" => QuestionKind::Nps,
        "number" => QuestionKind::Number {
            integer: o.or_default("integer", boolean)?,
            min: o.opt("min", number)?,
            max: o.opt("max", number)?,
            unit: o.opt("unit", text)?,
        },
        "date" => QuestionKind::Date {
            min: o.opt("min", string)?,
            max: o.opt("max", string)?,
        },
        "short_text" => QuestionKind::ShortText {
            max_length: o.req("max_length", uint32)?,
        },
        "long_text" => QuestionKind::LongText {
            max_length: o.req("max_length", uint32)?,
        },
        "ranking" => QuestionKind::Ranking {
            options: o.req("options", choices)?,
        },
        "competency" => QuestionKind::Competency {
            code: o.string("code")?,
            group: o.req("group", group)?,
            levels: o.req("levels", texts)?,
        },
        "job_level" => QuestionKind::JobLevel,
        "workload_tasks" => QuestionKind::WorkloadTasks {
            max_tasks: o.req("max_tasks", uint32)?,
        },
        _ => return None,
    })
}

fn question(v: &JsValue) -> Option<Question> {
    let o = obj(v)?;
    Some(Question {
        id: o.string("id")?,
        text: o.req("text", text)?,
        help: o.opt("help", text)?,
        required: o.or_default("required", boolean)?,
        visible_if: o.opt("visible_if", condition)?,
        kind: kind(&o)?,
    })
}

fn scalar(v: &JsValue) -> Option<Scalar> {
    match v.as_f64() {
        Some(n) => Some(Scalar::Number(n)),
        None => v.as_string().map(Scalar::Text),
    }
}

fn conditions(v: &JsValue) -> Option<Vec<Condition>> {
    list(v, condition)
}

fn condition(v: &JsValue) -> Option<Condition> {
    let o = obj(v)?;
    let question = || o.string("question");
    Some(match o.string("op")?.as_str() {
        "equals" => Condition::Equals {
            question: question()?,
            value: o.req("value", scalar)?,
        },
        "not_equals" => Condition::NotEquals {
            question: question()?,
            value: o.req("value", scalar)?,
        },
        "in" => Condition::In {
            question: question()?,
            values: o.req("values", |v| list(v, scalar))?,
        },
        "greater" => Condition::Greater {
            question: question()?,
            value: o.req("value", number)?,
        },
        "less" => Condition::Less {
            question: question()?,
            value: o.req("value", number)?,
        },
        "answered" => Condition::Answered {
            question: question()?,
        },
        "and" => Condition::And {
            all: o.req("all", conditions)?,
        },
        "or" => Condition::Or {
            any: o.req("any", conditions)?,
        },
        "not" => Condition::Not {
            condition: Box::new(o.req("condition", condition)?),
        },
        _ => return None,
    })
}

fn section(v: &JsValue) -> Option<Section> {
    let o = obj(v)?;
    Some(Section {
        id: o.string("id")?,
        title: o.req("title", text)?,
        description: o.opt("description", text)?,
        visible_if: o.opt("visible_if", condition)?,
        questions: o.req("questions", |v| list(v, question))?,
    })
}

pub(super) fn definition(v: &JsValue) -> Option<SurveyDefinition> {
    let o = obj(v)?;
    Some(SurveyDefinition {
        title: o.req("title", text)?,
        description: o.opt("description", text)?,
        sections: o.req("sections", |v| list(v, section))?,
    })
}

fn task(v: &JsValue) -> Option<TaskRow> {
    let o = obj(v)?;
    Some(TaskRow {
        task: o.string("task")?,
        volume: o.req("volume", number)?,
        minutes: o.req("minutes", number)?,
    })
}

/// The first variant that fits, in declaration order: a number, a text, a list of texts, workload rows, or
/// matrix points.
fn answer(v: &JsValue) -> Option<Answer> {
    if let Some(n) = v.as_f64() {
        return Some(Answer::Number(n));
    }
    if let Some(s) = v.as_string() {
        return Some(Answer::Text(s));
    }
    if is_array(v) {
        return list(v, string)
            .map(Answer::List)
            .or_else(|| list(v, task).map(Answer::Tasks));
    }
    let mut points = std::collections::BTreeMap::new();
    for (k, v) in obj(v)?.entries() {
        points.insert(k, uint8(&v)?);
    }
    Some(Answer::Matrix(points))
}

pub(super) fn answers(v: &JsValue) -> Option<Answers> {
    let mut out = Answers::new();
    for (k, v) in obj(v)?.entries() {
        out.insert(k, answer(&v)?);
    }
    Some(out)
}

from_json! {
    Text => text,
    ChoiceOption => choice,
    MatrixRow => row,
    LikertScale => scale,
    CompetencyGroup => group,
    Question => question,
    Scalar => scalar,
    Condition => condition,
    Section => section,
    SurveyDefinition => definition,
    TaskRow => task,
    Answer => answer,
    Answers => answers,
}
