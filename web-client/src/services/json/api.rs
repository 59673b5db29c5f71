//! The API bodies the respondent app reads (server info, forms, invitations, receipts, errors, credentials)
//! and what it keeps on the device (the draft, the outbox).

use serap_shared::api::{
    Anonymity, Credential, CredentialIssued, CredentialKey, InvitationForm, PublicForm, Receipt,
    ServerInfo, SubmitResponse, Unit,
};
use serap_shared::error::{ErrorBody, ErrorDetail, FieldError};
use wasm_bindgen::JsValue;

use super::read::{FromJson, boolean, from_json, list, obj, string, uint32, uuid};
use super::survey::{answers, definition};
use crate::services::store::{Draft, Queued};

impl FromJson for ServerInfo {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        Some(ServerInfo {
            name: o.string("name")?,
            version: o.string("version")?,
            database: o.string("database")?,
            database_ok: o.req("database_ok", boolean)?,
            bus: o.string("bus")?,
            mail: o.string("mail")?,
            time_wib: o.string("time_wib")?,
        })
    }
}

impl FromJson for Receipt {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        Some(Receipt {
            submission_id: o.uuid("submission_id")?,
            receipt_code: o.string("receipt_code")?,
            received_on: o.string("received_on")?,
        })
    }
}

pub(super) fn field_error(v: &JsValue) -> Option<FieldError> {
    let o = obj(v)?;
    Some(FieldError {
        path: o.string("path")?,
        message: o.string("message")?,
    })
}

impl FromJson for ErrorBody {
    fn from_json(v: &JsValue) -> Option<Self> {
        let error = obj(v)?.get("error");
        let o = obj(&error)?;
        Some(ErrorBody {
            error: ErrorDetail {
                code: o.string("code")?,
                message: o.string("message")?,
                fields: o.or_default("fields", |v| list(v, field_error))?,
            },
        })
    }
}

pub(super) fn unit(v: &JsValue) -> Option<Unit> {
    let o = obj(v)?;
    Some(Unit {
        id: o.uuid("id")?,
        code: o.string("code")?,
        name: o.string("name")?,
        kind: o.string("kind")?,
        sector: o.opt("sector", string)?,
        parent_id: o.opt("parent_id", uuid)?,
    })
}

impl FromJson for PublicForm {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        let version = o.get("version").as_f64()?;
        Some(PublicForm {
            wave_id: o.uuid("wave_id")?,
            slug: o.string("slug")?,
            name: o.string("name")?,
            survey_version_id: o.uuid("survey_version_id")?,
            version: (version.fract() == 0.0 && version.abs() <= f64::from(i32::MAX))
                .then_some(version as i32)?,
            definition: o.req("definition", definition)?,
            anonymity: match o.string("anonymity")?.as_str() {
                "identified" => Anonymity::Identified,
                "confidential" => Anonymity::Confidential,
                "anonymous" => Anonymity::Anonymous,
                _ => return None,
            },
            opens_at: o.string("opens_at")?,
            closes_at: o.string("closes_at")?,
            is_open: o.req("is_open", boolean)?,
            units: o.req("units", |v| list(v, unit))?,
        })
    }
}

impl FromJson for InvitationForm {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        Some(InvitationForm {
            greeting_name: o.string("greeting_name")?,
            unit_id: o.uuid("unit_id")?,
            credential_key: o.opt("credential_key", credential_key)?,
            form: PublicForm::from_json(&o.get("form"))?,
        })
    }
}

pub(super) fn credential_key(v: &JsValue) -> Option<CredentialKey> {
    let o = obj(v)?;
    Some(CredentialKey {
        modulus: o.string("modulus")?,
        exponent: o.string("exponent")?,
    })
}

pub(super) fn credential(v: &JsValue) -> Option<Credential> {
    let o = obj(v)?;
    Some(Credential {
        message: o.string("message")?,
        signature: o.string("signature")?,
    })
}

impl FromJson for CredentialIssued {
    fn from_json(v: &JsValue) -> Option<Self> {
        Some(CredentialIssued {
            blind_signature: obj(v)?.string("blind_signature")?,
        })
    }
}

impl FromJson for Draft {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        Some(Draft {
            submission_id: o.uuid("submission_id")?,
            consent: o.or_default("consent", boolean)?,
            unit_id: o.opt("unit_id", uuid)?,
            step: o.or_default("step", uint32)?,
            answers: o.or_default("answers", answers)?,
            typed: o.or_default("typed", answers)?,
        })
    }
}

const SUBMIT_FIELDS: [&str; 4] = ["submission_id", "unit_id", "answers", "credential"];

/// `SubmitResponse` denies unknown fields.
pub(super) fn submit_response(v: &JsValue) -> Option<SubmitResponse> {
    let o = obj(v)?;
    if o.entries()
        .iter()
        .any(|(k, _)| !SUBMIT_FIELDS.contains(&k.as_str()))
    {
        return None;
    }
    Some(SubmitResponse {
        submission_id: o.uuid("submission_id")?,
        unit_id: o.uuid("unit_id")?,
        answers: o.req("answers", answers)?,
        credential: o.opt("credential", credential)?,
    })
}

impl FromJson for Queued {
    fn from_json(v: &JsValue) -> Option<Self> {
        let o = obj(v)?;
        Some(Queued {
            slug: o.string("slug")?,
            body: o.req("body", submit_response)?,
        })
    }
}

from_json! {
    FieldError => field_error,
    Unit => unit,
    CredentialKey => credential_key,
    Credential => credential,
    SubmitResponse => submit_response,
}
