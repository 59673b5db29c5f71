//! Loading the form and sending the answers. The form's text is kept on this device for when the network
//! fails; a submission is put in the outbox before the first attempt and retried with the same
//! `submission_id` (doubling delays, at once when the browser is online again) until a definitive answer.
//! Anonymous waves: the invitation's one-time credential is obtained first and sent with the answers.

use std::time::Duration;

use serap_shared::api::{CredentialKey, InvitationForm, PublicForm, Receipt, SubmitResponse};
use serap_shared::survey::{Answers, validate_response};
use uuid::Uuid;
use yew::prelude::*;

use super::checks::{check_section, place, visible_sections};
use super::state::{Alert, FormPage};
use super::{Loaded, Msg};
use crate::i18n::{Key, both, server_text};
use crate::services::api::{self, ApiError};
use crate::services::credential;
use crate::services::store::{self, Draft};

/// The delay before the first retry; each failed attempt doubles it, up to `MAX_DELAY_MS`.
pub(super) const FIRST_DELAY_MS: u32 = 2_000;
const MAX_DELAY_MS: u32 = 60_000;

/// How the queued submission is doing: being sent, waiting for the network, or waiting for a busy server.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Sending {
    Now,
    Offline,
    Busy,
}

/// Everything the page waits for, as one future type (one copy of the spawning code).
enum Job {
    /// API path, storage key, invitation.
    Load(String, String, bool),
    Send(String, SubmitResponse),
    Wait(u32, u32),
    /// Token and key: obtain the invitation's credential.
    Credential(String, CredentialKey),
}

/// A form as `GET /api/v1/forms/<slug>` or, for an invitation, `GET /api/v1/invitations/<token>` sends it.
pub(super) fn read_form(invitation: bool, text: &str) -> Option<Loaded> {
    if invitation {
        let i = api::parse::<InvitationForm>(text)?;
        Some((i.form, Some((i.greeting_name, i.unit_id, i.credential_key))))
    } else {
        api::parse::<PublicForm>(text).map(|form| (form, None))
    }
}

async fn run(job: Job) -> Msg {
    match job {
        Job::Load(path, key, invitation) => {
            let text = match api::get_text(&path).await {
                Ok(text) => text,
                Err(e) => return Msg::Loaded(Err(e)),
            };
            match read_form(invitation, &text) {
                Some(loaded) => {
                    store::save_form_text(&key, &text);
                    Msg::Loaded(Ok(loaded))
                }
                None => Msg::Loaded(Err(ApiError::Server {
                    status: 200,
                    body: None,
                })),
            }
        }
        Job::Send(path, body) => {
            let result = api::post_json::<SubmitResponse, Receipt>(&path, &body).await;
            Msg::Sent(body.submission_id, result)
        }
        Job::Wait(ms, generation) => {
            yew::platform::time::sleep(Duration::from_millis(ms.into())).await;
            Msg::Flush(generation)
        }
        Job::Credential(token, key) => {
            let started = js_sys::Date::now();
            let result = credential::obtain(&token, &key).await;
            // How long obtaining the credential took, for the browser test to report.
            if let Some(w) = web_sys::window() {
                let _ = js_sys::Reflect::set(
                    &w,
                    &"serapCredentialMs".into(),
                    &(js_sys::Date::now() - started).into(),
                );
            }
            Msg::Credential(result)
        }
    }
}

/// Worth retrying later with the same submission: no answer, a timeout, too many requests, a server error,
/// or an answer that is not from the API (a captive portal, a proxy).
pub(super) fn retryable(e: &ApiError) -> bool {
    match e {
        ApiError::Network => true,
        ApiError::Server { status, body } => {
            body.is_none() || *status == 408 || *status == 429 || *status >= 500
        }
    }
}

impl FormPage {
    pub(super) fn load(&self, ctx: &Context<Self>) {
        ctx.link().send_future(run(Job::Load(
            self.path.clone(),
            self.key.clone(),
            self.invitation,
        )));
    }

    /// The token of an anonymous wave's invitation and its credential key.
    pub(super) fn credential_key(&self) -> Option<(&str, &CredentialKey)> {
        let key = self.invite.as_ref()?.2.as_ref()?;
        Some((self.key.strip_prefix("s:")?, key))
    }

    /// Anonymous waves: obtains the invitation's credential (kept on this device) unless it is there.
    pub(super) fn ask_credential(&mut self, ctx: &Context<Self>) {
        if self.credential.is_some() || self.asking || self.gone.is_some() {
            return;
        }
        let Some((token, key)) = self.credential_key() else {
            return;
        };
        let (token, key) = (token.to_string(), key.clone());
        if credential::spent(&token) {
            self.gone = Some(Key::InvitationUsed);
            return;
        }
        self.credential = credential::stored(&token);
        if self.credential.is_none() {
            self.asking = true;
            ctx.link().send_future(run(Job::Credential(token, key)));
        }
    }

    pub(super) fn submit(&mut self, ctx: &Context<Self>) {
        let Some(form) = &self.form else {
            return;
        };
        if self.queued.is_some() {
            return;
        }
        let def = &form.definition;
        let d = &self.draft;
        let (visible, sections) = visible_sections(def, &d.answers);
        for &i in &sections {
            check_section(def, i, &visible, d, &self.bad, &mut self.errors);
        }
        // Answers to hidden questions are not sent: the server rejects them.
        let mut answers = Answers::new();
        for (k, v) in &d.answers {
            if visible.contains(k) {
                answers.insert(k.clone(), v.clone());
            }
        }
        if self.errors.is_empty() {
            for p in validate_response(def, &answers) {
                place(&mut self.errors, Some(def), &p.path, &p.message);
            }
        }
        if d.unit_id.is_none() {
            self.errors
                .insert("unit_id".into(), both(Key::UnitRequired));
        }
        if let Some((step, focus)) = self.first_error() {
            self.draft.step = step;
            self.focus = Some(focus);
            self.alert = Some(Alert::Fix);
            self.save();
            return;
        }
        let Some(unit_id) = d.unit_id else {
            return;
        };
        let body = SubmitResponse {
            submission_id: d.submission_id,
            unit_id,
            answers,
            credential: self.credential.clone(),
        };
        // Queued before the first attempt: a crash or a closed tab cannot lose it.
        store::enqueue(&self.key, &body);
        self.queued = Some(body);
        self.alert = None;
        self.focus = Some("sending-title".into());
        self.save();
        self.retry_now(ctx);
    }

    /// Why an invitation link cannot be answered, from the server's answer: used, expired or unknown.
    pub(super) fn invitation_problem(&self, e: &ApiError) -> Option<Key> {
        if !self.invitation {
            return None;
        }
        match e.body().map(|b| b.error.code.as_str()) {
            Some("invitation_used" | "credential_spent") => Some(Key::InvitationUsed),
            Some("invitation_expired") => Some(Key::InvitationExpired),
            _ if e.status() == Some(410) => Some(Key::InvitationExpired),
            _ if e.status() == Some(404) => Some(Key::InvitationNotFound),
            _ => None,
        }
    }

    pub(super) fn retry_now(&mut self, ctx: &Context<Self>) {
        self.retry_gen = self.retry_gen.wrapping_add(1);
        self.delay = FIRST_DELAY_MS;
        self.flush(ctx, self.retry_gen);
    }

    pub(super) fn flush(&mut self, ctx: &Context<Self>, generation: u32) -> bool {
        if generation != self.retry_gen || self.in_flight {
            return false;
        }
        let Some(mut body) = self.queued.clone() else {
            return false;
        };
        // Anonymous waves: sent with the credential to the wave's open-link endpoint, without the token.
        let mut path = self.path.clone();
        if self.credential_key().is_some() || body.credential.is_some() {
            if body.credential.is_none() {
                let Some(c) = self.credential.clone() else {
                    self.ask_credential(ctx);
                    return false;
                };
                body.credential = Some(c);
            }
            let Some(form) = &self.form else {
                return false;
            };
            path = String::from("/api/v1/forms/");
            path.push_str(&form.slug);
        }
        self.in_flight = true;
        self.sending = Sending::Now;
        path.push_str("/responses");
        ctx.link().send_future(run(Job::Send(path, body)));
        true
    }

    pub(super) fn sent(
        &mut self,
        ctx: &Context<Self>,
        sid: Uuid,
        result: Result<(u16, Receipt), ApiError>,
    ) {
        self.in_flight = false;
        let current = self.queued.as_ref().is_some_and(|q| q.submission_id == sid);
        match result {
            Ok((_, receipt)) => {
                store::dequeue(&self.key, sid);
                if let Some((token, _)) = self.credential_key() {
                    credential::mark_spent(token);
                }
                if current {
                    store::clear_draft(&self.key);
                    self.draft = Draft::new();
                    self.queued = None;
                    self.receipt = Some(receipt);
                    self.focus = Some("thanks-title".into());
                }
            }
            Err(_) if !current => {}
            Err(e) if retryable(&e) && e.body().is_none_or(|b| b.error.code != "wave_closed") => {
                self.sending = if e.status().is_none() {
                    Sending::Offline
                } else {
                    Sending::Busy
                };
                let generation = self.retry_gen;
                let delay = self.delay;
                self.delay = delay.saturating_mul(2).min(MAX_DELAY_MS);
                ctx.link().send_future(run(Job::Wait(delay, generation)));
            }
            Err(e) => {
                // A definitive answer: this body will never be accepted as it is.
                store::dequeue(&self.key, sid);
                self.queued = None;
                let body = e.body();
                if let Some(key) = self.invitation_problem(&e) {
                    store::clear_draft(&self.key);
                    self.gone = Some(key);
                } else if body.is_some_and(|b| b.error.code == "wave_closed") {
                    self.alert = Some(Alert::Closed);
                } else if e.status() == Some(409) {
                    self.alert = Some(Alert::Conflict);
                    self.focus = Some("conflict-title".into());
                } else {
                    let def = self.form.as_ref().map(|f| &f.definition);
                    let mut placed = false;
                    for field in body.map(|b| b.error.fields.as_slice()).unwrap_or_default() {
                        placed |= place(
                            &mut self.errors,
                            def,
                            &field.path,
                            &server_text(&field.message),
                        );
                    }
                    match self.first_error().filter(|_| placed) {
                        Some((step, focus)) => {
                            self.draft.step = step;
                            self.focus = Some(focus);
                            self.alert = Some(Alert::Fix);
                        }
                        None => {
                            self.alert = Some(Alert::Rejected(
                                body.map(|b| server_text(&b.error.message))
                                    .unwrap_or_else(|| both(Key::Rejected)),
                            ));
                            self.focus = Some("form-alert".into());
                        }
                    }
                    self.fix_step();
                    self.save();
                }
            }
        }
    }
}
