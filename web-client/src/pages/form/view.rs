//! The form page for each state: an invitation that cannot be answered, the receipt, a conflict, the
//! submission being sent, the closed form, the data protection notice, the unit, one section of questions,
//! or why the form could not be loaded.

use serap_shared::api::{Anonymity, PublicForm, Unit};
use serap_shared::i18n::Lang;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::Msg;
use super::checks::visible_sections;
use super::questions;
use super::sending::Sending;
use super::state::{Alert, FormPage};
use crate::i18n::{Key, both, date_display, fill, t, wib_display};
use crate::services::store::{STEP_NOTICE, STEP_SECTION};

impl FormPage {
    /// The page for the current state.
    pub(super) fn page(&self, ctx: &Context<FormPage>) -> Html {
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

    fn view_form(&self, ctx: &Context<FormPage>, form: &PublicForm, lang: Lang) -> Html {
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

pub(super) fn focus_element(id: &str) {
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
