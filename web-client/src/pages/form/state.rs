//! The form page's model (`FormPage`) and what each message changes: the form loaded (or its copy on this
//! device), consent, the unit, an edit to an answer, the steps forward and back. Sending is in `sending`, the
//! page itself in `view`.

use std::collections::BTreeSet;

use serap_shared::api::{Credential, PublicForm, Receipt, SubmitResponse};
use serap_shared::i18n::Text;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use super::checks::{Errors, check, check_section, visible_sections};
use super::edits;
use super::questions::ids;
use super::sending::{FIRST_DELAY_MS, Sending, read_form, retryable};
use super::view::focus_element;
use super::{Invite, Loaded, Msg, PageProps};
use crate::i18n::{Key, both, server_text};
use crate::services::api::ApiError;
use crate::services::store::{self, Draft, STEP_NOTICE, STEP_SECTION, STEP_UNIT};

/// What the page tells the respondent after a step or a submission failed: a conflict or a closed wave in
/// place of the form, the others above it.
#[derive(Clone, PartialEq)]
pub(super) enum Alert {
    Conflict,
    Closed,
    Fix,
    Fresh,
    Rejected(Text),
}

/// The form page: the form, the draft being filled in, what is wrong with it, and the submission in the
/// outbox with its retries.
pub struct FormPage {
    /// Where the draft, the form's copy and the queued submission are kept: the slug, or `s:<token>`.
    pub(super) key: String,
    /// `/api/v1/forms/<slug>` or `/api/v1/invitations/<token>`.
    pub(super) path: String,
    pub(super) invitation: bool,
    /// The invitation's greeting name (empty in anonymous waves), the invited person's unit and the key of
    /// its credential (anonymous waves).
    pub(super) invite: Option<Invite>,
    /// Anonymous waves: the invitation's credential, obtained when the link is opened; the answers are
    /// sent with it to the wave's open-link endpoint, without the token.
    pub(super) credential: Option<Credential>,
    /// A credential request is under way.
    pub(super) asking: bool,
    /// Why an invitation's form cannot be shown or answered (used, expired, unknown).
    pub(super) gone: Option<Key>,
    pub(super) form: Option<PublicForm>,
    pub(super) failed: Option<ApiError>,
    /// The form shown is the copy saved on this device (the network failed).
    pub(super) cached: bool,
    pub(super) draft: Draft,
    /// Messages by question id (or `unit_id`).
    pub(super) errors: Errors,
    /// Questions whose number input the browser cannot read.
    pub(super) bad: BTreeSet<String>,
    pub(super) queued: Option<SubmitResponse>,
    pub(super) sending: Sending,
    pub(super) receipt: Option<Receipt>,
    pub(super) alert: Option<Alert>,
    /// Generation of the retry chain: timers of older generations are ignored.
    pub(super) retry_gen: u32,
    pub(super) in_flight: bool,
    pub(super) delay: u32,
    pub(super) focus: Option<String>,
    pub(super) online: Option<Closure<dyn FnMut()>>,
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
                self.focus = edits::apply(q, &mut self.draft, &mut self.bad, edit);
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
        self.page(ctx)
    }
}

impl FormPage {
    pub(super) fn save(&self) {
        store::save_draft(&self.key, &self.draft);
    }

    pub(super) fn set_form(&mut self, ctx: &Context<Self>, (form, invite): Loaded) {
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

    /// An invitation's unit is fixed: no unit step.
    pub(super) fn unit_fixed(&self) -> bool {
        self.invite.is_some() && self.draft.unit_id.is_some()
    }

    /// Keeps the step on something that can be shown: the notice until consent, the unit until chosen, and a
    /// visible section.
    pub(super) fn fix_step(&mut self) {
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
    pub(super) fn first_error(&self) -> Option<(u32, String)> {
        if self.errors.contains_key("unit_id") {
            return Some((STEP_UNIT, "unit-select".into()));
        }
        let def = &self.form.as_ref()?.definition;
        def.questions()
            .find(|(_, q)| self.errors.contains_key(&q.id))
            .map(|(i, q)| (STEP_SECTION + i as u32, ids(&[&q.id])))
    }

    pub(super) fn next(&mut self) {
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

    pub(super) fn back(&mut self) {
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
}
