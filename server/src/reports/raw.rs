//! The raw responses of an identified wave, for admins (docs/design.md invariant 4: only identified waves have
//! any): one CSV row per response with the respondent's name when invited, written page by page into a
//! stream so memory stays at one page however many responses there are. Every export is audited.

use std::collections::HashMap;

use bytes::Bytes;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serap_shared::api::Anonymity;
use serap_shared::survey::Answers;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use uuid::Uuid;

use crate::entities::{invitation, invitation_response, org_unit, person, response};
use crate::error::ApiError;
use crate::state::AppState;
use crate::waves::anonymity_of;

/// Responses per page of a raw export.
const EXPORT_PAGE: u64 = 500;

/// A CSV on its way: the file's name and its body, chunk by chunk. A failure midway ends the body with an
/// error, so the download is visibly cut short rather than silently incomplete.
pub struct RawExport {
    pub file_name: String,
    pub body: ReceiverStream<Result<Bytes, std::io::Error>>,
}

/// Starts the export of every response of wave `slug`: 403 unless the wave is identified. Audited as
/// `actor` before anything is read.
pub async fn raw_responses(
    state: &AppState,
    actor: &str,
    slug: &str,
) -> Result<RawExport, ApiError> {
    let wave = crate::waves::by_slug(&state.db, slug).await?;
    if anonymity_of(&wave) != Anonymity::Identified {
        return Err(ApiError::Forbidden);
    }
    crate::infra::audit::audit(
        &state.db,
        actor,
        "export.responses_csv",
        &wave.slug,
        serde_json::json!({}),
    )
    .await?;
    let definition = state
        .versions
        .get(&state.db, wave.survey_version_id)
        .await?;
    let question_ids: Vec<String> = definition.questions().map(|(_, q)| q.id.clone()).collect();
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let db = state.db.clone();
    let wave_id = wave.id;
    tokio::spawn(async move {
        if let Err(err) = stream_responses(&db, wave_id, &question_ids, &sender).await {
            tracing::error!(error = format!("{err:#}"), "raw export failed");
            let _ = sender
                .send(Err(std::io::Error::other("export failed")))
                .await;
        }
    });
    Ok(RawExport {
        file_name: format!("jawaban-{}.csv", wave.slug),
        body: ReceiverStream::new(receiver),
    })
}

/// Writes the CSV page by page (keyset pagination on the response id) into `sender`; memory stays at one
/// page whatever the number of responses.
async fn stream_responses(
    db: &sea_orm::DatabaseConnection,
    wave_id: Uuid,
    question_ids: &[String],
    sender: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> anyhow::Result<()> {
    let units: HashMap<Uuid, String> = org_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let mut header = vec![
        "receipt_code".to_string(),
        "received_on".into(),
        "unit".into(),
        "respondent".into(),
    ];
    header.extend(question_ids.iter().cloned());
    let mut chunk = csv_line(&header, true);
    let mut after: Option<Uuid> = None;
    loop {
        let mut page = response::Entity::find()
            .filter(response::Column::WaveId.eq(wave_id))
            .order_by_asc(response::Column::Id)
            .limit(EXPORT_PAGE);
        if let Some(last) = after {
            page = page.filter(response::Column::Id.gt(last));
        }
        let rows = page.all(db).await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id);
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let links: HashMap<Uuid, Uuid> = invitation_response::Entity::find()
            .filter(invitation_response::Column::ResponseId.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|l| (l.response_id, l.invitation_id))
            .collect();
        let invitations: HashMap<Uuid, Uuid> = invitation::Entity::find()
            .filter(invitation::Column::Id.is_in(links.values().copied().collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.person_id))
            .collect();
        let people: HashMap<Uuid, String> = person::Entity::find()
            .filter(person::Column::Id.is_in(invitations.values().copied().collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        for row in &rows {
            let answers: Answers = serde_json::from_value(row.answers.clone()).unwrap_or_default();
            let respondent = links
                .get(&row.id)
                .and_then(|i| invitations.get(i))
                .and_then(|p| people.get(p))
                .cloned()
                .unwrap_or_default();
            let mut line = vec![
                row.receipt_code.clone(),
                row.received_on.clone(),
                units.get(&row.unit_id).cloned().unwrap_or_default(),
                respondent,
            ];
            line.extend(question_ids.iter().map(|q| {
                answers
                    .get(q)
                    .map(|a| match serde_json::to_value(a) {
                        Ok(serde_json::Value::String(s)) => s,
                        Ok(other) => other.to_string(),
                        Err(_) => String::new(),
                    })
                    .unwrap_or_default()
            }));
            chunk.extend(csv_line(&line, false));
        }
        if sender
            .send(Ok(Bytes::from(std::mem::take(&mut chunk))))
            .await
            .is_err()
        {
            return Ok(()); // the client went away
        }
        if (rows.len() as u64) < EXPORT_PAGE {
            break;
        }
    }
    if !chunk.is_empty() {
        let _ = sender.send(Ok(Bytes::from(chunk))).await;
    }
    Ok(())
}

/// One CSV record (`;`, quoted where needed), with the UTF-8 BOM before the header.
fn csv_line(fields: &[String], bom: bool) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(if bom {
            vec![0xEF, 0xBB, 0xBF]
        } else {
            Vec::new()
        });
    let _ = writer.write_record(fields);
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_quote_what_needs_quoting() {
        let header = csv_line(&["receipt_code".into(), "q1".into()], true);
        assert_eq!(header, "\u{feff}receipt_code;q1\n".as_bytes());
        let line = csv_line(&["SRP-7K3M-Q9TA".into(), "ya; \"tentu\"".into()], false);
        assert_eq!(line, "SRP-7K3M-Q9TA;\"ya; \"\"tentu\"\"\"\n".as_bytes());
    }
}
