//! Survey authoring: the built-in templates, a survey created from a template or blank, its editable
//! draft (checked with `validate_definition` before it is saved), its preview as a respondent's form, and
//! the immutable versions it is published as (docs/design.md invariant 3).

mod cache;
pub mod routes;

pub use cache::VersionCache;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serap_shared::api::{
    Anonymity, CreateSurvey, PublicForm, SurveyDetail, TemplateSummary, VersionSummary,
};
use serap_shared::error::FieldError;
use serap_shared::i18n::Text;
use serap_shared::survey::{SurveyDefinition, validate_definition};
use serap_shared::templates;
use uuid::Uuid;

use crate::entities::{survey, survey_version};
use crate::error::ApiError;
use crate::state::AppState;

/// The built-in templates, as listed to authors.
pub fn template_summaries() -> Vec<TemplateSummary> {
    templates::all()
        .into_iter()
        .map(|t| TemplateSummary {
            id: t.id.to_string(),
            title: t.title,
            description: t.description,
            question_count: t.definition.questions().count() as u32,
        })
        .collect()
}

/// The survey `id`, or 404.
async fn load(state: &AppState, id: Uuid) -> Result<survey::Model, ApiError> {
    survey::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::NotFound("survei / survey".into()))
}

/// `row` with its draft and published versions.
async fn detail(state: &AppState, row: survey::Model) -> Result<SurveyDetail, ApiError> {
    let versions = survey_version::Entity::find()
        .filter(survey_version::Column::SurveyId.eq(row.id))
        .order_by_asc(survey_version::Column::Version)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|v| VersionSummary {
            id: v.id,
            version: v.version,
            published_at: crate::infra::time::wib_rfc3339(v.published_at),
        })
        .collect();
    let draft: SurveyDefinition = serde_json::from_value(row.draft)
        .map_err(|e| anyhow::anyhow!("stored draft of survey {}: {e}", row.id))?;
    Ok(SurveyDetail {
        id: row.id,
        title: row.title,
        template: row.template,
        draft,
        versions,
    })
}

/// The first draft `input` asks for: the template's definition (with `title` instead of its own when
/// given), or a blank one, which needs a title. 422 on `template` or `title` otherwise.
fn first_draft(input: &CreateSurvey) -> Result<SurveyDefinition, ApiError> {
    match (&input.template, &input.title) {
        (Some(id), title) => {
            let template = templates::get(id).ok_or_else(|| {
                ApiError::validation(vec![FieldError::new(
                    "template",
                    "templat tidak dikenal / unknown template",
                )])
            })?;
            let mut definition = template.definition;
            if let Some(title) = title {
                definition.title = title.clone();
            }
            Ok(definition)
        }
        (None, Some(title)) if !title.id.trim().is_empty() => Ok(blank(title.clone())),
        (None, _) => Err(ApiError::validation(vec![FieldError::new(
            "title",
            "judul wajib untuk survei kosong / a blank survey needs a title",
        )])),
    }
}

/// A blank survey: one section with one optional question, ready to edit.
fn blank(title: Text) -> SurveyDefinition {
    serde_json::from_value(serde_json::json!({
        "title": title,
        "sections": [{
            "id": "bagian_1",
            "title": {"id": "Bagian 1", "en": "Part 1"},
            "questions": [{
                "id": "q1",
                "text": {"id": "Pertanyaan pertama", "en": "First question"},
                "kind": "short_text",
                "max_length": 200
            }]
        }]
    }))
    .expect("the blank definition is well formed")
}

/// The stored title of a draft: its Indonesian title, at most 300 characters.
fn stored_title(draft: &SurveyDefinition) -> String {
    draft.title.id.chars().take(300).collect()
}

/// Creates the survey `input` asks for, audited as `actor`.
pub async fn create(
    state: &AppState,
    input: &CreateSurvey,
    actor: &str,
) -> Result<SurveyDetail, ApiError> {
    let draft = first_draft(input)?;
    let row = insert(&state.db, input.template.clone(), &draft, Utc::now()).await?;
    crate::infra::audit::audit(
        &state.db,
        actor,
        "survey.create",
        &format!("survey {}", row.id),
        serde_json::json!({"template": input.template}),
    )
    .await?;
    detail(state, row).await
}

/// Stores a new survey with `draft`, made from `template` when given, unaudited (`create` audits; the
/// demo data has no actor).
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    template: Option<String>,
    draft: &SurveyDefinition,
    now: DateTime<Utc>,
) -> Result<survey::Model, ApiError> {
    Ok(survey::ActiveModel {
        id: Set(Uuid::new_v4()),
        title: Set(stored_title(draft)),
        template: Set(template),
        draft: Set(serde_json::to_value(draft).map_err(anyhow::Error::from)?),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Every survey with its versions, newest first.
pub async fn list(state: &AppState) -> Result<Vec<SurveyDetail>, ApiError> {
    let rows = survey::Entity::find()
        .order_by_desc(survey::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(detail(state, row).await?);
    }
    Ok(out)
}

/// The survey `id` with its draft and versions, or 404.
pub async fn get(state: &AppState, id: Uuid) -> Result<SurveyDetail, ApiError> {
    let row = load(state, id).await?;
    detail(state, row).await
}

/// Replaces the draft of survey `id` with `definition`, audited as `actor`: 422 with every problem of
/// the definition (paths under `definition.`), then 404 when there is no such survey.
pub async fn update_draft(
    state: &AppState,
    id: Uuid,
    definition: &SurveyDefinition,
    actor: &str,
) -> Result<SurveyDetail, ApiError> {
    let problems = validate_definition(definition);
    if !problems.is_empty() {
        return Err(ApiError::problems(
            problems
                .into_iter()
                .map(|mut p| {
                    p.path = format!("definition.{}", p.path);
                    p
                })
                .collect(),
        ));
    }
    let row = load(state, id).await?;
    let mut active: survey::ActiveModel = row.into();
    active.title = Set(stored_title(definition));
    active.draft = Set(serde_json::to_value(definition).map_err(anyhow::Error::from)?);
    active.updated_at = Set(Utc::now());
    let row = active.update(&state.db).await?;
    crate::infra::audit::audit(
        &state.db,
        actor,
        "survey.edit_draft",
        &format!("survey {id}"),
        serde_json::json!({}),
    )
    .await?;
    detail(state, row).await
}

/// The draft of survey `id` as a respondent's form: not submittable (`is_open` false, `version` 0).
pub async fn preview(state: &AppState, id: Uuid) -> Result<PublicForm, ApiError> {
    let detail = get(state, id).await?;
    let now = crate::infra::time::wib_rfc3339(crate::infra::time::now());
    Ok(PublicForm {
        wave_id: Uuid::nil(),
        slug: format!("preview-{id}"),
        name: detail.title,
        survey_version_id: Uuid::nil(),
        version: 0,
        definition: detail.draft,
        anonymity: Anonymity::Anonymous,
        opens_at: now.clone(),
        closes_at: now,
        is_open: false,
        units: crate::units::all_units(&state.db).await?,
    })
}

/// Publishes the draft of survey `id` as its next version, audited as `actor`: 404 when there is no such
/// survey, 422 with every problem when the draft is not valid.
pub async fn publish(state: &AppState, id: Uuid, actor: &str) -> Result<VersionSummary, ApiError> {
    let row = load(state, id).await?;
    let draft: SurveyDefinition = serde_json::from_value(row.draft)
        .map_err(|e| anyhow::anyhow!("stored draft of survey {id}: {e}"))?;
    let problems = validate_definition(&draft);
    if !problems.is_empty() {
        return Err(ApiError::problems(problems));
    }
    let summary = publish_version(&state.db, id, &draft).await?;
    crate::infra::audit::audit(
        &state.db,
        actor,
        "survey.publish",
        &format!("survey {id}"),
        serde_json::json!({"version": summary.version, "version_id": summary.id}),
    )
    .await?;
    Ok(summary)
}

/// Inserts the next version number of `survey_id` with `definition`, unaudited (`publish` audits).
pub async fn publish_version(
    db: &DatabaseConnection,
    survey_id: Uuid,
    definition: &SurveyDefinition,
) -> Result<VersionSummary, ApiError> {
    let txn = crate::infra::db::begin_write(db).await?;
    let latest: Option<i32> = survey_version::Entity::find()
        .select_only()
        .column_as(survey_version::Column::Version.max(), "max")
        .filter(survey_version::Column::SurveyId.eq(survey_id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    let now = Utc::now();
    let version = survey_version::ActiveModel {
        id: Set(Uuid::new_v4()),
        survey_id: Set(survey_id),
        version: Set(latest.unwrap_or(0) + 1),
        definition: Set(serde_json::to_value(definition).map_err(anyhow::Error::from)?),
        published_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(VersionSummary {
        id: version.id,
        version: version.version,
        published_at: crate::infra::time::wib_rfc3339(now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: serde_json::Value) -> CreateSurvey {
        serde_json::from_value(body).unwrap()
    }

    fn field_of(err: ApiError) -> String {
        err.body().error.fields[0].path.clone()
    }

    #[test]
    fn a_first_draft_comes_from_a_template_or_a_titled_blank() {
        let from_template = first_draft(&request(serde_json::json!({"template": "skm"}))).unwrap();
        assert_eq!(from_template, templates::get("skm").unwrap().definition);
        let retitled = first_draft(&request(
            serde_json::json!({"template": "skm", "title": {"id": "Survei uji"}}),
        ))
        .unwrap();
        assert_eq!(retitled.title.id, "Survei uji");
        let blank = first_draft(&request(serde_json::json!({"title": {"id": "Kosong"}}))).unwrap();
        assert_eq!(blank.title.id, "Kosong");
        assert!(validate_definition(&blank).is_empty());
    }

    #[test]
    fn an_unknown_template_or_an_untitled_blank_is_refused() {
        let unknown = first_draft(&request(serde_json::json!({"template": "nope"}))).unwrap_err();
        assert_eq!(field_of(unknown), "template");
        for body in [
            serde_json::json!({}),
            serde_json::json!({"title": {"id": "  "}}),
        ] {
            assert_eq!(field_of(first_draft(&request(body)).unwrap_err()), "title");
        }
    }
}
