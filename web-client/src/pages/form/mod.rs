//! The respondent form at `/f/:slug`, phone first: load the form -> (closed page) -> data protection notice
//! -> unit -> one section per screen -> queued submission -> receipt.
//!
//! The same page serves a personal invitation at `/s/:token` (`invitation`): the form comes with a greeting
//! and the invited person's unit, which is fixed (no unit step), and the answers go to the invitation's
//! endpoint. In an anonymous wave there is no greeting: opening the link obtains the invitation's one-time
//! credential (`services::credential`), and the answers go with it, without the token, to the wave's
//! open-link endpoint. A used, expired or unknown link shows why instead of the form.
//!
//! Nothing typed is lost: the draft is saved to localStorage on every change, and a submission is put in the
//! outbox before it is sent and stays there, retried with the same `submission_id`, until a 2xx arrives.

mod questions;

use std::collections::BTreeSet;
use std::time::Duration;

use serap_shared::api::{
    Anonymity, Credential, CredentialKey, InvitationForm, PublicForm, Receipt, SubmitResponse, Unit,
};
use serap_shared::i18n::{Lang, Text};
use serap_shared::survey::{
    Answers, Question, QuestionKind, SurveyDefinition, validate_answer, validate_response,
    visible_question_ids,
};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::{Key, both, date_display, fill, server_text, t, wib_display};
use crate::services::api::{self, ApiError};
use crate::services::credential;
use crate::services::store::{self, Draft, STEP_NOTICE, STEP_SECTION, STEP_UNIT};
use questions::{Edit, ids};

const FIRST_DELAY_MS: u32 = 2_000;
const MAX_DELAY_MS: u32 = 60_000;

/// The route's page: the form for `slug` (the invitation's token when `invitation`), in `lang`.
#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub slug: AttrValue,
    pub invitation: bool,
    pub lang: Lang,
}

/// A loaded form, with the greeting, the fixed unit and (anonymous waves) the credential key of an
/// invitation.
type Loaded = (PublicForm, Option<Invite>);
type Invite = (String, Uuid, Option<CredentialKey>);

pub enum Msg {
    Loaded(Result<Loaded, ApiError>),
    Reload,
    Accept,
    Unit(String),
    Edit(String, Edit),
    Next,
    Back,
    Submit,
    /// Send the queued submission (ignored unless the generation is current).
    Flush(u32),
    /// The browser is online again, or the respondent asked to retry now.
    Online,
    Sent(Uuid, Result<(u16, Receipt), ApiError>),
    /// After a 409: a new submission id for the same answers.
    Fresh,
    /// The invitation's one-time credential (anonymous waves).
    Credential(Result<Credential, ApiError>),
}

#[derive(Clone, Copy, PartialEq)]
enum Sending {
    Now,
    Offline,
    Busy,
}

#[derive(Clone, PartialEq)]
enum Alert {
    Conflict,
    Closed,
    Fix,
    Fresh,
    Rejected(Text),
}

pub struct FormPage {
    /// Where the draft, the form's copy and the queued submission are kept: the slug, or `s:<token>`.
    key: String,
    /// `/api/v1/forms/<slug>` or `/api/v1/invitations/<token>`.
    path: String,
    invitation: bool,
    /// The invitation's greeting name (empty in anonymous waves), the invited person's unit and the key of
    /// its credential (anonymous waves).
    invite: Option<Invite>,
    /// Anonymous waves: the invitation's credential, obtained when the link is opened; the answers are
    /// sent with it to the wave's open-link endpoint, without the token.
    credential: Option<Credential>,
    /// A credential request is under way.
    asking: bool,
    /// Why an invitation's form cannot be shown or answered (used, expired, unknown).
    gone: Option<Key>,
    form: Option<PublicForm>,
    failed: Option<ApiError>,
    /// The form shown is the copy saved on this device (the network failed).
    cached: bool,
    draft: Draft,
    /// Messages by question id (or `unit_id`).
    errors: Errors,
    /// Questions whose number input the browser cannot read.
    bad: BTreeSet<String>,
    queued: Option<SubmitResponse>,
    sending: Sending,
    receipt: Option<Receipt>,
    alert: Option<Alert>,
    /// Generation of the retry chain: timers of older generations are ignored.
    retry_gen: u32,
    in_flight: bool,
    delay: u32,
    focus: Option<String>,
    online: Option<Closure<dyn FnMut()>>,
}

/// Messages by question id (or `unit_id`): a few at most, so a list (smaller code than another map type).
#[derive(Default)]
struct Errors(Vec<(String, Text)>);

impl Errors {
    fn get(&self, key: &str) -> Option<&Text> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, t)| t)
    }

    fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn remove(&mut self, key: &str) -> Option<Text> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(at).1)
    }

    fn insert(&mut self, key: String, text: Text) {
        self.remove(&key);
        self.0.push((key, text));
    }
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
fn read_form(invitation: bool, text: &str) -> Option<Loaded> {
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
fn retryable(e: &ApiError) -> bool {
    match e {
        ApiError::Network => true,
        ApiError::Server { status, body } => {
            body.is_none() || *status == 408 || *status == 429 || *status >= 500
        }
    }
}

/// The visible question ids and the indices of the sections to show: those with a visible question
/// (`visible_question_ids` already applies the sections' conditions).
fn visible_sections(def: &SurveyDefinition, answers: &Answers) -> (BTreeSet<String>, Vec<usize>) {
    let visible = visible_question_ids(def, answers);
    let sections = def
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.questions.iter().any(|q| visible.contains(&q.id)))
        .map(|(i, _)| i)
        .collect();
    (visible, sections)
}

/// The question id a path such as `answers.q7`, `answers.q7.r2` or `answers.q7[0].volume` is about.
fn path_question(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("answers.")?;
    rest.split(['.', '[']).next()
}

/// Adds `message` (about `path`, e.g. `answers.q7.r2`) to what is already said about that question, naming
/// the matrix row or task row it is about.
fn join(slot: &mut Option<Text>, q: Option<&Question>, path: &str, message: &Text) {
    let sub = q.and_then(|q| path.strip_prefix("answers.")?.strip_prefix(q.id.as_str()));
    let prefix = match (q.map(|q| &q.kind), sub) {
        (Some(QuestionKind::LikertMatrix { rows, .. }), Some(sub)) => {
            let row = sub.strip_prefix('.').unwrap_or_default();
            rows.iter().find(|r| r.id == row).map(|r| r.label.clone())
        }
        (Some(QuestionKind::WorkloadTasks { .. }), Some(sub)) => sub
            .strip_prefix('[')
            .and_then(|s| s.split(']').next()?.parse::<usize>().ok())
            .map(|i| {
                let n = (i + 1).to_string();
                Text::new(fill("Tugas {}", &[&n]), fill("Task {}", &[&n]))
            }),
        _ => None,
    };
    let mut out = [String::new(), String::new()];
    for (s, lang) in out.iter_mut().zip(Lang::ALL) {
        if let Some(old) = slot.as_ref() {
            s.push_str(old.get(lang));
            s.push(' ');
        }
        if let Some(p) = &prefix {
            s.push_str(p.get(lang));
            s.push_str(": ");
        }
        s.push_str(message.get(lang));
    }
    let [id, en] = out;
    *slot = Some(Text { id, en: Some(en) });
}

/// What is wrong with one question's answer, if anything: what was typed, then the shared validation.
fn check(q: &Question, draft: &Draft, bad: &BTreeSet<String>) -> Option<Text> {
    if let Some(key) = questions::local_problem(q, draft, bad) {
        return Some(both(key));
    }
    let mut out = None;
    for p in validate_answer(q, draft.answers.get(&q.id)) {
        join(&mut out, Some(q), &p.path, &p.message);
    }
    out
}

/// Checks the visible questions of section `i`; gives the first invalid question's id.
fn check_section(
    def: &SurveyDefinition,
    i: usize,
    visible: &BTreeSet<String>,
    draft: &Draft,
    bad: &BTreeSet<String>,
    errors: &mut Errors,
) -> Option<String> {
    let mut first = None;
    for q in def
        .sections
        .get(i)
        .map(|s| s.questions.as_slice())
        .unwrap_or_default()
    {
        match check(q, draft, bad).filter(|_| visible.contains(&q.id)) {
            Some(text) => {
                errors.insert(q.id.clone(), text);
                first.get_or_insert_with(|| q.id.clone());
            }
            None => {
                errors.remove(&q.id);
            }
        }
    }
    first
}

/// Puts a problem reported for `path` (`unit_id`, `answers.<qid>[.<row>]`) on its question; false when the
/// path is about nothing on screen.
fn place(errors: &mut Errors, def: Option<&SurveyDefinition>, path: &str, message: &Text) -> bool {
    let (key, q) = if path == "unit_id" {
        ("unit_id", None)
    } else {
        let Some(q) = path_question(path).and_then(|id| def?.question(id)) else {
            return false;
        };
        (q.id.as_str(), Some(q))
    };
    let mut slot = errors.remove(key);
    join(&mut slot, q, path, message);
    if let Some(text) = slot {
        errors.insert(key.to_owned(), text);
    }
    true
}

fn focus_element(id: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(mut el) = doc.get_element_by_id(id) else {
        return;
    };
    if el.tag_name() == "FIELDSET"
        && let Ok(Some(inner)) = el.query_selector("input,select,textarea,button")
    {
        el = inner;
    }
    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

impl FormPage {
    fn load(&self, ctx: &Context<Self>) {
        ctx.link().send_future(run(Job::Load(
            self.path.clone(),
            self.key.clone(),
            self.invitation,
        )));
    }

    fn save(&self) {
        store::save_draft(&self.key, &self.draft);
    }

    fn set_form(&mut self, ctx: &Context<Self>, (form, invite): Loaded) {
        if let Some((_, unit, _)) = &invite {
            self.draft.unit_id = Some(*unit);
        }
        if let Some(unit) = self.draft.unit_id
            && !form.units.iter().any(|u| u.id == unit)
        {
            self.draft.unit_id = None;
        }
        self.invite = invite;
        self.form = Some(form);
        self.fix_step();
        self.ask_credential(ctx);
        if self.queued.is_some() {
            self.retry_now(ctx);
        }
    }

    /// The token of an anonymous wave's invitation and its credential key.
    fn credential_key(&self) -> Option<(&str, &CredentialKey)> {
        let key = self.invite.as_ref()?.2.as_ref()?;
        Some((self.key.strip_prefix("s:")?, key))
    }

    /// Anonymous waves: obtains the invitation's credential (kept on this device) unless it is there.
    fn ask_credential(&mut self, ctx: &Context<Self>) {
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

    /// An invitation's unit is fixed: no unit step.
    fn unit_fixed(&self) -> bool {
        self.invite.is_some() && self.draft.unit_id.is_some()
    }

    /// Keeps the step on something that can be shown: the notice until consent, the unit until chosen, and a
    /// visible section.
    fn fix_step(&mut self) {
        let fixed = self.unit_fixed();
        let Some(form) = &self.form else {
            return;
        };
        let d = &mut self.draft;
        if fixed && d.step == STEP_UNIT {
            d.step = STEP_SECTION;
        }
        if !d.consent {
            d.step = STEP_NOTICE;
        } else if d.step >= STEP_SECTION {
            if d.unit_id.is_none() {
                d.step = STEP_UNIT;
                return;
            }
            let (_, sections) = visible_sections(&form.definition, &d.answers);
            let i = (d.step - STEP_SECTION) as usize;
            d.step = match sections.iter().find(|s| **s >= i).or(sections.last()) {
                Some(s) => STEP_SECTION + *s as u32,
                None => STEP_UNIT,
            };
        }
    }

    /// The first problem on screen, in form order: the step to go to and the element to focus.
    fn first_error(&self) -> Option<(u32, String)> {
        if self.errors.contains_key("unit_id") {
            return Some((STEP_UNIT, "unit-select".into()));
        }
        let def = &self.form.as_ref()?.definition;
        def.questions()
            .find(|(_, q)| self.errors.contains_key(&q.id))
            .map(|(i, q)| (STEP_SECTION + i as u32, ids(&[&q.id])))
    }

    fn next(&mut self) {
        let Some(form) = &self.form else {
            return;
        };
        let def = &form.definition;
        let d = &mut self.draft;
        let (visible, sections) = visible_sections(def, &d.answers);
        if d.step == STEP_UNIT {
            if d.unit_id.is_none() {
                self.errors
                    .insert("unit_id".into(), both(Key::UnitRequired));
                self.focus = Some("unit-select".into());
                return;
            }
            if let Some(first) = sections.first() {
                d.step = STEP_SECTION + *first as u32;
                self.focus = Some("section-title".into());
            }
        } else if d.step >= STEP_SECTION {
            let i = (d.step - STEP_SECTION) as usize;
            if let Some(qid) = check_section(def, i, &visible, d, &self.bad, &mut self.errors) {
                self.focus = Some(ids(&[&qid]));
                return;
            }
            if let Some(next) = sections.iter().find(|s| **s > i) {
                d.step = STEP_SECTION + *next as u32;
                self.focus = Some("section-title".into());
            }
        }
        self.alert = None;
        self.save();
    }

    fn back(&mut self) {
        let fixed = self.unit_fixed();
        let Some(form) = &self.form else {
            return;
        };
        let d = &mut self.draft;
        if d.step >= STEP_SECTION {
            let i = (d.step - STEP_SECTION) as usize;
            let (_, sections) = visible_sections(&form.definition, &d.answers);
            match sections.iter().rev().find(|s| **s < i) {
                Some(prev) => {
                    d.step = STEP_SECTION + *prev as u32;
                    self.focus = Some("section-title".into());
                }
                None if fixed => {
                    d.step = STEP_NOTICE;
                    self.focus = Some("notice-title".into());
                }
                None => {
                    d.step = STEP_UNIT;
                    self.focus = Some("unit-title".into());
                }
            }
        } else {
            d.step = STEP_NOTICE;
            self.focus = Some("notice-title".into());
        }
        self.alert = None;
        self.save();
    }

    fn submit(&mut self, ctx: &Context<Self>) {
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
    fn invitation_problem(&self, e: &ApiError) -> Option<Key> {
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

    fn retry_now(&mut self, ctx: &Context<Self>) {
        self.retry_gen = self.retry_gen.wrapping_add(1);
        self.delay = FIRST_DELAY_MS;
        self.flush(ctx, self.retry_gen);
    }

    fn flush(&mut self, ctx: &Context<Self>, generation: u32) -> bool {
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

    fn sent(&mut self, ctx: &Context<Self>, sid: Uuid, result: Result<(u16, Receipt), ApiError>) {
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

impl Component for FormPage {
    type Message = Msg;
    type Properties = PageProps;

    fn create(ctx: &Context<Self>) -> Self {
        let props = ctx.props();
        let (mut key, mut path) = if props.invitation {
            (String::from("s:"), String::from("/api/v1/invitations/"))
        } else {
            (String::new(), String::from("/api/v1/forms/"))
        };
        key.push_str(&props.slug);
        path.push_str(&props.slug);
        let online = web_sys::window().map(|w| {
            let link = ctx.link().clone();
            let closure = Closure::<dyn FnMut()>::new(move || link.send_message(Msg::Online));
            let _ = w.add_event_listener_with_callback("online", closure.as_ref().unchecked_ref());
            closure
        });
        let page = FormPage {
            draft: store::load_draft(&key).unwrap_or_else(Draft::new),
            queued: store::queued(&key),
            key,
            path,
            invitation: props.invitation,
            invite: None,
            credential: None,
            asking: false,
            gone: None,
            form: None,
            failed: None,
            cached: false,
            errors: Errors::default(),
            bad: BTreeSet::new(),
            sending: Sending::Now,
            receipt: None,
            alert: None,
            retry_gen: 0,
            in_flight: false,
            delay: FIRST_DELAY_MS,
            focus: None,
            online,
        };
        page.load(ctx);
        if page.queued.is_some() {
            ctx.link().send_message(Msg::Flush(0));
        }
        page
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Loaded(Ok(form)) => {
                self.failed = None;
                self.cached = false;
                self.set_form(ctx, form);
            }
            Msg::Loaded(Err(e)) => {
                if self.form.is_some() {
                    return false;
                }
                let cached = store::load_form_text(&self.key)
                    .filter(|_| retryable(&e))
                    .and_then(|text| read_form(self.invitation, &text));
                match cached {
                    Some(loaded) => {
                        self.cached = true;
                        self.set_form(ctx, loaded);
                    }
                    None => {
                        self.gone = self.invitation_problem(&e);
                        self.failed = Some(e);
                    }
                }
            }
            Msg::Reload => {
                self.failed = None;
                self.load(ctx);
            }
            Msg::Accept => {
                self.draft.consent = true;
                self.draft.step = STEP_UNIT;
                self.fix_step();
                self.focus = Some(if self.draft.step == STEP_UNIT {
                    "unit-title".into()
                } else {
                    "section-title".into()
                });
                self.save();
            }
            Msg::Unit(value) => {
                let units = self
                    .form
                    .as_ref()
                    .map(|f| f.units.as_slice())
                    .unwrap_or_default();
                // Compared as text: parsing a UUID would add code for nothing.
                self.draft.unit_id = units
                    .iter()
                    .find(|u| u.id.to_string() == value)
                    .map(|u| u.id);
                self.errors.remove("unit_id");
                self.save();
            }
            Msg::Edit(qid, edit) => {
                let Some(q) = self.form.as_ref().and_then(|f| f.definition.question(&qid)) else {
                    return false;
                };
                self.focus = questions::apply(q, &mut self.draft, &mut self.bad, edit);
                if self.errors.contains_key(&qid) {
                    match check(q, &self.draft, &self.bad) {
                        Some(text) => self.errors.insert(qid, text),
                        None => {
                            self.errors.remove(&qid);
                        }
                    }
                }
                self.save();
            }
            Msg::Next => self.next(),
            Msg::Back => self.back(),
            Msg::Submit => self.submit(ctx),
            Msg::Flush(generation) => return self.flush(ctx, generation),
            Msg::Online => {
                if self.form.is_none() && self.failed.is_some() {
                    self.failed = None;
                    self.load(ctx);
                }
                if self.queued.is_some() {
                    self.retry_now(ctx);
                }
            }
            Msg::Sent(sid, result) => self.sent(ctx, sid, result),
            Msg::Credential(result) => {
                self.asking = false;
                match result {
                    Ok(c) => {
                        self.credential = Some(c);
                        if self.queued.is_some() {
                            self.retry_now(ctx);
                        }
                    }
                    Err(e) => {
                        if let Some(key) = self.invitation_problem(&e) {
                            self.gone = Some(key);
                        } else if let Some(body) = e.body() {
                            // Opened on another device (`credential_already_issued`) or refused.
                            self.alert = Some(Alert::Rejected(server_text(&body.error.message)));
                        }
                    }
                }
            }
            Msg::Fresh => {
                self.draft.submission_id = Uuid::new_v4();
                self.alert = Some(Alert::Fresh);
                self.focus = Some("form-alert".into());
                self.fix_step();
                self.save();
            }
        }
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {
        if let Some(id) = self.focus.take() {
            focus_element(&id);
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        if let (Some(w), Some(closure)) = (web_sys::window(), &self.online) {
            let _ =
                w.remove_event_listener_with_callback("online", closure.as_ref().unchecked_ref());
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let lang = ctx.props().lang;
        let link = ctx.link();
        let tr = |key| t(lang, key);
        let title = self.form.as_ref().filter(|_| self.gone.is_none()).map(|f| {
            html! { <h1 id="form-title">{ f.definition.title.get(lang).to_owned() }</h1> }
        });
        // Anonymous waves greet nobody by name.
        let greeting = self.invite.as_ref().filter(|(name, ..)| self.gone.is_none() && !name.is_empty()).map(|(name, ..)| {
            html! { <p id="invitation-greeting" class="lead">{ fill(tr(Key::Hello), &[name]) }</p> }
        });
        let body = if let Some(key) = self.gone {
            html! {
                <section class="card" aria-labelledby="invitation-error-title">
                    <h1 id="invitation-error-title">{ tr(Key::InvitationTitle) }</h1>
                    <p id="invitation-error" class="error" role="alert">{ tr(key) }</p>
                </section>
            }
        } else if let Some(receipt) = &self.receipt {
            html! {
                <section class="card thanks" aria-labelledby="thanks-title">
                    <h2 id="thanks-title" tabindex="-1">{ tr(Key::ThanksTitle) }</h2>
                    <p id="submit-status" role="status" class="status">{ tr(Key::Sent) }</p>
                    <p>{ tr(Key::ReceiptLabel) }</p>
                    <p class="receipt"><strong id="receipt-code">{ receipt.receipt_code.clone() }</strong></p>
                    <p>
                        { tr(Key::ReceivedOn) }{ " " }{ date_display(&receipt.received_on) }{ ". " }
                        { tr(Key::ReceiptKeep) }
                    </p>
                </section>
            }
        } else if self.alert == Some(Alert::Conflict) {
            html! {
                <section class="card" aria-labelledby="conflict-title">
                    <h2 id="conflict-title" tabindex="-1">{ tr(Key::ConflictTitle) }</h2>
                    <p id="submit-status" role="status" class="error">{ tr(Key::ConflictBody) }</p>
                    <button id="fresh-submission" onclick={link.callback(|_| Msg::Fresh)}>
                        { tr(Key::FreshSubmission) }
                    </button>
                </section>
            }
        } else if self.queued.is_some() {
            let (class, status) = match self.sending {
                Sending::Now => ("status", tr(Key::Sending)),
                Sending::Offline => ("status warn", tr(Key::Offline)),
                Sending::Busy => ("status warn", tr(Key::Busy)),
            };
            html! {
                <section class="card" aria-labelledby="sending-title">
                    <h2 id="sending-title" tabindex="-1">{ tr(Key::SendingTitle) }</h2>
                    <p id="submit-status" role="status" {class}>{ status }</p>
                    if self.sending != Sending::Now {
                        <p>{ tr(Key::KeepPageOpen) }</p>
                        <button id="retry-now" onclick={link.callback(|_| Msg::Online)}>{ tr(Key::RetryNow) }</button>
                    }
                </section>
            }
        } else if let Some(form) = &self.form {
            self.view_form(ctx, form, lang)
        } else if let Some(e) = &self.failed {
            let not_found = e.status() == Some(404);
            html! {
                <div class="error" role="alert">
                    <p>{ tr(if not_found { Key::FormNotFound } else { Key::FormLoadFailed }) }</p>
                    if !not_found {
                        <button id="retry-load" onclick={link.callback(|_| Msg::Reload)}>{ tr(Key::Retry) }</button>
                    }
                </div>
            }
        } else {
            html! { <p class="status" role="status">{ tr(Key::Loading) }</p> }
        };
        html! {
            <div class="form-page">
                { greeting }
                { title }
                if self.cached {
                    <p class="status warn">{ tr(Key::FormCached) }</p>
                }
                { body }
            </div>
        }
    }
}

impl FormPage {
    fn view_form(&self, ctx: &Context<Self>, form: &PublicForm, lang: Lang) -> Html {
        let link = ctx.link();
        let tr = |key| t(lang, key);
        let def = &form.definition;
        let d = &self.draft;
        if !form.is_open || self.alert == Some(Alert::Closed) {
            let body = if form.is_open {
                Key::WaveClosed
            } else {
                Key::FormClosedBody
            };
            return html! {
                <section class="card" id="form-closed" aria-labelledby="closed-title">
                    <h2 id="closed-title">{ tr(Key::FormClosedTitle) }</h2>
                    <p>{ tr(body) }</p>
                    <dl class="facts">
                        <dt>{ tr(Key::OpensAt) }</dt>
                        <dd id="opens-at">{ wib_display(&form.opens_at) }</dd>
                        <dt>{ tr(Key::ClosesAt) }</dt>
                        <dd id="closes-at">{ wib_display(&form.closes_at) }</dd>
                    </dl>
                </section>
            };
        }
        if d.step == STEP_NOTICE || !d.consent {
            let anonymity = match form.anonymity {
                Anonymity::Anonymous => Key::AnonAnonymous,
                Anonymity::Confidential => Key::AnonConfidential,
                Anonymity::Identified => Key::AnonIdentified,
            };
            return html! {
                <section class="card notice" aria-labelledby="notice-title">
                    <h2 id="notice-title" tabindex="-1">{ tr(Key::NoticeTitle) }</h2>
                    <h3>{ tr(Key::NoticePurpose) }</h3>
                    if let Some(description) = &def.description {
                        <p>{ description.get(lang).to_owned() }</p>
                    }
                    <p>{ tr(Key::NoticePurposeBody) }</p>
                    <h3>{ tr(Key::NoticeStored) }</h3>
                    <p id="anonymity">{ tr(anonymity) }</p>
                    <p>{ tr(Key::NoticeDevice) }</p>
                    <p class="muted">{ tr(Key::NoticeLaw) }</p>
                    <button id="consent-accept" class="wide" onclick={link.callback(|_| Msg::Accept)}>
                        { tr(Key::ConsentAccept) }
                    </button>
                </section>
            };
        }
        let (visible, sections) = visible_sections(def, &d.answers);
        let alert = self.alert.as_ref().and_then(|a| match a {
            Alert::Fix => Some(both(Key::FixErrors)),
            Alert::Fresh => Some(both(Key::FreshNote)),
            Alert::Rejected(text) => Some(text.clone()),
            _ => None,
        });
        let alert = alert.map(|text| {
            html! { <div id="form-alert" class="error" role="alert" tabindex="-1">{ text.get(lang).to_owned() }</div> }
        });
        let back = html! {
            <button id="back" class="secondary" onclick={link.callback(|_| Msg::Back)}>{ tr(Key::Back) }</button>
        };
        let submit = html! {
            <button id="submit" onclick={link.callback(|_| Msg::Submit)}>{ tr(Key::Submit) }</button>
        };
        let next = html! {
            <button id="next" onclick={link.callback(|_| Msg::Next)}>{ tr(Key::Next) }</button>
        };
        if d.step < STEP_SECTION {
            let error = self.errors.get("unit_id");
            let onchange = link.callback(|e: Event| {
                Msg::Unit(e.target_unchecked_into::<HtmlSelectElement>().value())
            });
            return html! {
                <section class="card" aria-labelledby="unit-title">
                    <h2 id="unit-title" tabindex="-1">{ tr(Key::UnitTitle) }</h2>
                    { alert }
                    <label for="unit-select" class="field-label">
                        { tr(Key::UnitHelp) }
                        <span class="req" aria-hidden="true">{ " *" }</span>
                        <span class="sr-only">{ " " }{ tr(Key::RequiredSr) }</span>
                    </label>
                    if let Some(error) = error {
                        <p id="unit-error" class="field-error" role="alert">{ error.get(lang).to_owned() }</p>
                    }
                    <select id="unit-select" class="text" {onchange} required=true aria-required="true"
                        aria-invalid={error.map(|_| "true")} aria-describedby={error.map(|_| "unit-error")}>
                        <option value="" disabled=true selected={d.unit_id.is_none()}>{ tr(Key::UnitPlaceholder) }</option>
                        { for unit_options(&form.units, d.unit_id) }
                    </select>
                    <div class="nav">
                        { back }
                        if sections.is_empty() { { submit } } else { { next } }
                    </div>
                </section>
            };
        }
        let i = (d.step - STEP_SECTION) as usize;
        let Some(section) = def.sections.get(i) else {
            return Html::default();
        };
        let position = sections.iter().position(|s| *s == i).unwrap_or(0) + 1;
        let count = sections.len().max(position);
        let (ps, cs) = (position.to_string(), count.to_string());
        let last = !sections.iter().any(|s| *s > i);
        let on_edit = link.callback(|(qid, edit)| Msg::Edit(qid, edit));
        let items = section
            .questions
            .iter()
            .filter(|q| visible.contains(&q.id))
            .map(|q| questions::question(q, d, self.errors.get(&q.id), lang, &on_edit));
        html! {
            <section class="card" aria-labelledby="section-title">
                <p class="progress-text" id="progress-text">{ fill(tr(Key::PartOf), &[&ps, &cs]) }</p>
                <progress id="progress" max={cs.clone()} value={ps.clone()} aria-labelledby="progress-text"></progress>
                <h2 id="section-title" tabindex="-1">{ section.title.get(lang).to_owned() }</h2>
                if let Some(description) = &section.description {
                    <p class="help">{ description.get(lang).to_owned() }</p>
                }
                { alert }
                { for items }
                <div class="nav">
                    { back }
                    if last { { submit } } else { { next } }
                </div>
                <p class="muted small">{ tr(Key::AutoSaved) }</p>
            </section>
        }
    }
}

/// The units as options, children indented under their parents: `— — Name (code)`.
fn unit_options(units: &[Unit], chosen: Option<Uuid>) -> impl Iterator<Item = Html> + '_ {
    let mut depths: Vec<usize> = Vec::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        let depth = u
            .parent_id
            .and_then(|p| units[..i].iter().position(|x| x.id == p))
            .map_or(0, |j| depths[j] + 1);
        depths.push(depth);
    }
    units.iter().zip(depths).map(move |(u, depth)| {
        let mut label = "— ".repeat(depth);
        label.push_str(&u.name);
        label.push_str(" (");
        label.push_str(&u.code);
        label.push(')');
        html! {
            <option value={u.id.to_string()} selected={chosen == Some(u.id)}>{ label }</option>
        }
    })
}
