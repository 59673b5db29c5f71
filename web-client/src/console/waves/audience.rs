//! Choosing who to invite to a wave: units (each with its subtree) and people, sent as one request.

use std::collections::BTreeSet;
use std::rc::Rc;

use serap_shared::api::{CreateInvitations, InvitationReport, PersonSummary};
use uuid::Uuid;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::console::api::{self, Failure, Load};
use crate::console::i18n::Key;
use crate::console::use_ctx;
use crate::console::widgets::{Tree, failure, wave_path};
use crate::i18n::fill;

#[derive(Properties, PartialEq)]
pub(super) struct AudienceProps {
    pub(super) slug: AttrValue,
    pub(super) tree: Rc<Tree>,
    pub(super) people: Load<Vec<PersonSummary>>,
    pub(super) on_done: Callback<()>,
}

/// People shown at most in the picker (filter to find others).
const PICKER: usize = 50;

/// Choosing who to invite: units (each with its subtree) and people.
#[component]
pub(super) fn Audience(props: &AudienceProps) -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let units = use_state(BTreeSet::<String>::new);
    let people = use_state(BTreeSet::<Uuid>::new);
    let filter = use_state(String::new);
    let busy = use_state(|| false);
    let outcome = use_state(|| None::<Result<InvitationReport, Failure>>);
    let empty = use_state(|| false);
    let tree = &props.tree;

    // A unit is covered when an ancestor is chosen: it is in the audience already.
    let covered = |i: usize| {
        tree.ancestors(i)
            .any(|a| units.contains(&tree.units[a].code))
    };
    let unit_boxes = (0..tree.units.len()).map(|i| {
        let code = tree.units[i].code.clone();
        let by_parent = covered(i);
        let checked = by_parent || units.contains(&code);
        let id = format!("aud-unit-{code}");
        let onchange = {
            let (units, code) = (units.clone(), code.clone());
            Callback::from(move |e: Event| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                let mut set = (*units).clone();
                if on {
                    set.insert(code.clone());
                } else {
                    set.remove(&code);
                }
                units.set(set);
            })
        };
        html! {
            <li key={code.clone()} style={format!("padding-left:{}rem", tree.depth[i])}>
                <label class="check" for={id.clone()}>
                    <input type="checkbox" id={id} {checked} disabled={by_parent} {onchange} />
                    <span>{ tree.units[i].name.clone() }<span class="muted">{ " (" }{ code.clone() }{ ")" }</span></span>
                </label>
            </li>
        }
    });

    let person_picker = match &props.people {
        None => html! { <p class="status" role="status">{ ctx.t(Key::Loading) }</p> },
        Some(Err(f)) => html! { <p class="muted">{ f.message(lang) }</p> },
        Some(Ok(all)) => {
            let needle = filter.trim().to_lowercase();
            let matching: Vec<&PersonSummary> = all
                .iter()
                .filter(|p| {
                    people.contains(&p.id)
                        || (!needle.is_empty()
                            && (p.name.to_lowercase().contains(&needle)
                                || p.unit_code.to_lowercase().contains(&needle)))
                })
                .take(PICKER)
                .collect();
            let oninput = {
                let filter = filter.clone();
                Callback::from(move |e: InputEvent| {
                    filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
                })
            };
            html! {
                <>
                    <label for="aud-person-filter" class="field-label">{ ctx.t(Key::FindPeople) }</label>
                    <input id="aud-person-filter" class="text" type="search" value={(*filter).clone()} {oninput}
                        placeholder={ctx.t(Key::FilterPeopleHint)} />
                    <ul class="checks">
                        { for matching.iter().map(|p| {
                            let id = format!("aud-person-{}", p.id);
                            let pid = p.id;
                            let onchange = {
                                let people = people.clone();
                                Callback::from(move |e: Event| {
                                    let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                                    let mut set = (*people).clone();
                                    if on { set.insert(pid); } else { set.remove(&pid); }
                                    people.set(set);
                                })
                            };
                            html! {
                                <li key={p.id.to_string()}>
                                    <label class="check" for={id.clone()}>
                                        <input type="checkbox" id={id} checked={people.contains(&p.id)} {onchange} />
                                        <span>
                                            { p.name.clone() }<span class="muted">{ " (" }{ p.unit_code.clone() }{ ")" }</span>
                                            if p.email.is_none() {
                                                <span class="badge">{ ctx.t(Key::NoEmail) }</span>
                                            }
                                        </span>
                                    </label>
                                </li>
                            }
                        }) }
                    </ul>
                </>
            }
        }
    };

    let onsubmit = {
        let (ctx, units, people, busy, outcome, empty, on_done, slug, tree) = (
            ctx.clone(),
            units.clone(),
            people.clone(),
            busy.clone(),
            outcome.clone(),
            empty.clone(),
            props.on_done.clone(),
            props.slug.to_string(),
            props.tree.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            // Only the top-most chosen units: the server includes each subtree.
            let unit_codes: Vec<String> = (0..tree.units.len())
                .filter(|&i| {
                    units.contains(&tree.units[i].code)
                        && !tree
                            .ancestors(i)
                            .any(|a| units.contains(&tree.units[a].code))
                })
                .map(|i| tree.units[i].code.clone())
                .collect();
            let person_ids: Vec<Uuid> = people.iter().copied().collect();
            if unit_codes.is_empty() && person_ids.is_empty() {
                empty.set(true);
                return;
            }
            empty.set(false);
            busy.set(true);
            outcome.set(None);
            let body = CreateInvitations {
                unit_codes,
                person_ids,
            };
            let (ctx, units, people, busy, outcome, on_done) = (
                ctx.clone(),
                units.clone(),
                people.clone(),
                busy.clone(),
                outcome.clone(),
                on_done.clone(),
            );
            let path = wave_path(&slug, "/invitations");
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::post::<_, InvitationReport>(&path, &body, ctx.csrf()).await;
                busy.set(false);
                if let Err(f) = &result {
                    ctx.failed(f);
                } else {
                    units.set(BTreeSet::new());
                    people.set(BTreeSet::new());
                    on_done.emit(());
                }
                outcome.set(Some(result));
            });
        })
    };
    let chosen = (units.len() + people.len()).to_string();
    let result = match &*outcome {
        None => Html::default(),
        Some(Err(f)) => failure(lang, f, None),
        Some(Ok(r)) => {
            let (a, b, c) = (
                r.invited.to_string(),
                r.already_invited.to_string(),
                r.without_email.len().to_string(),
            );
            html! {
                <div id="invite-result" class="status ok" role="status">
                    <p>{ fill(ctx.t(Key::InviteResult), &[&a, &b]) }</p>
                    if !r.without_email.is_empty() {
                        <p>{ fill(ctx.t(Key::WithoutEmail), &[&c]) }{ " " }{ r.without_email.join(", ") }</p>
                    }
                </div>
            }
        }
    };
    html! {
        <section class="card" aria-labelledby="audience-title">
            <h2 id="audience-title">{ ctx.t(Key::InvitePeople) }</h2>
            <p class="help">{ ctx.t(Key::InviteHelp) }</p>
            <form class="stack" {onsubmit}>
                <fieldset class="plain-fieldset">
                    <legend class="field-label">{ ctx.t(Key::Units) }</legend>
                    <p class="help small">{ ctx.t(Key::SubtreeNote) }</p>
                    <ul class="checks tree" id="aud-units">{ for unit_boxes }</ul>
                </fieldset>
                <fieldset class="plain-fieldset">
                    <legend class="field-label">{ ctx.t(Key::People) }</legend>
                    { person_picker }
                </fieldset>
                if *empty {
                    <p class="error" role="alert">{ ctx.t(Key::ChooseAudience) }</p>
                }
                { result }
                <button id="invite-submit" type="submit" class="wide" disabled={*busy}>
                    { fill(ctx.t(Key::SendInvitations), &[&chosen]) }
                </button>
            </form>
        </section>
    }
}
