//! `/console/people` (admin): the staff roster. A CSV is checked first (a dry run: what each row would do
//! and why a row is rejected), then imported, all or nothing. Below, the people on the roster.

use std::rc::Rc;

use serap_shared::api::{ImportReport, PersonSummary};
use serap_shared::i18n::Lang;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::api::{self, Failure, use_get};
use super::i18n::{Key, t};
use super::use_ctx;
use super::widgets::{failure, load_state};
use crate::i18n::{fill, server_text};

/// People listed at most at once (filter to find others).
const SHOWN: usize = 100;

fn action_label(lang: Lang, action: &str) -> &'static str {
    t(
        lang,
        match action {
            "create" => Key::ActionCreate,
            "update" => Key::ActionUpdate,
            "unchanged" => Key::ActionUnchanged,
            _ => Key::ActionRejected,
        },
    )
}

fn report_view(lang: Lang, report: &ImportReport) -> Html {
    let counts = [
        report.created.to_string(),
        report.updated.to_string(),
        report.unchanged.to_string(),
        report.rejected.to_string(),
    ];
    let counts: Vec<&str> = counts.iter().map(String::as_str).collect();
    let summary = fill(
        t(
            lang,
            if report.dry_run {
                Key::DryRunSummary
            } else {
                Key::ImportSummary
            },
        ),
        &counts,
    );
    let rows = report.rows.iter().map(|row| {
        let rejected = row.action == "rejected";
        html! {
            <tr id={format!("import-row-{}", row.line)} class={classes!(rejected.then_some("rejected"))}>
                <td class="num">{ row.line }</td>
                <td>{ row.key.clone() }</td>
                <td class="action">{ action_label(lang, &row.action) }</td>
                <td class="problems">
                    { for row.problems.iter().map(|p| html! { <span class="problem">{ server_text(p).get(lang).to_owned() }</span> }) }
                </td>
            </tr>
        }
    });
    html! {
        <>
            <p id="import-summary" class={if report.rejected > 0 { "status warn" } else { "status" }} role="status">
                { summary }
            </p>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="import-caption">
                <table id="import-report">
                    <caption id="import-caption">{ t(lang, Key::ImportTableCaption) }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ t(lang, Key::Line) }</th>
                            <th scope="col">{ t(lang, Key::RowName) }</th>
                            <th scope="col">{ t(lang, Key::Action) }</th>
                            <th scope="col">{ t(lang, Key::Problems) }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </>
    }
}

#[component]
pub fn People() -> Html {
    let ctx = use_ctx();
    let lang = ctx.lang;
    let file = use_state(|| None::<web_sys::File>);
    let report = use_state(|| None::<Rc<ImportReport>>);
    let busy = use_state(|| false);
    let error = use_state(|| None::<Failure>);
    let reload = use_state(|| 0u32);
    let filter = use_state(String::new);
    let people = use_get::<Vec<PersonSummary>>("/api/v1/people".into(), *reload);

    // Sends the chosen file: a dry run, or the import.
    let upload = {
        let (ctx, report, busy, error, reload) = (
            ctx.clone(),
            report.clone(),
            busy.clone(),
            error.clone(),
            reload.clone(),
        );
        Callback::from(move |(chosen, dry_run): (web_sys::File, bool)| {
            busy.set(true);
            error.set(None);
            if dry_run {
                report.set(None);
            }
            let (ctx, report, busy, error, reload) = (
                ctx.clone(),
                report.clone(),
                busy.clone(),
                error.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let path = if dry_run {
                    "/api/v1/people/import?dry_run=true"
                } else {
                    "/api/v1/people/import"
                };
                let result =
                    api::post_file::<ImportReport>(path, chosen, "text/csv", ctx.csrf()).await;
                busy.set(false);
                match result {
                    Ok(r) => {
                        if !r.dry_run && r.rejected == 0 {
                            reload.set(*reload + 1);
                        }
                        report.set(Some(Rc::new(r)));
                    }
                    Err(f) => {
                        ctx.failed(&f);
                        error.set(Some(f));
                    }
                }
            });
        })
    };
    let onchange = {
        let (file, upload) = (file.clone(), upload.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let chosen = input.files().and_then(|list| list.get(0));
            if let Some(chosen) = &chosen {
                upload.emit((chosen.clone(), true));
            }
            file.set(chosen);
        })
    };
    let again = |dry_run: bool| {
        let (file, upload) = ((*file).clone(), upload.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(chosen) = &file {
                upload.emit((chosen.clone(), dry_run));
            }
        })
    };
    let commit = again(false);
    let recheck = again(true);

    let import_state = match (&*report, *busy) {
        (_, true) => html! { <p class="status" role="status">{ ctx.t(Key::Checking) }</p> },
        (Some(r), false) => {
            let ready = r.rejected == 0 && r.created + r.updated > 0;
            html! {
                <>
                    { report_view(lang, r) }
                    if r.dry_run && r.rejected > 0 {
                        <p id="import-blocked" class="error">{ ctx.t(Key::ImportBlocked) }</p>
                    }
                    if r.dry_run && ready {
                        <p class="help">{ ctx.t(Key::ImportReady) }</p>
                    }
                    <div class="nav">
                        if r.dry_run {
                            <button id="import-commit" disabled={!ready} onclick={commit}>
                                { ctx.t(Key::Import) }
                            </button>
                        } else if r.rejected == 0 {
                            <p id="import-done" class="status ok" role="status">{ ctx.t(Key::ImportDone) }</p>
                        }
                        <button id="import-recheck" class="secondary" onclick={recheck}>{ ctx.t(Key::CheckAgain) }</button>
                    </div>
                </>
            }
        }
        (None, false) => Html::default(),
    };

    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let list = match load_state(&ctx, &people, retry) {
        Some(state) => state,
        None => {
            let all = match &*people {
                Some(Ok(p)) => p.clone(),
                _ => Rc::new(Vec::new()),
            };
            let needle = filter.trim().to_lowercase();
            let matching: Vec<&PersonSummary> = all
                .iter()
                .filter(|p| {
                    needle.is_empty()
                        || p.name.to_lowercase().contains(&needle)
                        || p.unit_code.to_lowercase().contains(&needle)
                        || p.email
                            .as_deref()
                            .is_some_and(|e| e.to_lowercase().contains(&needle))
                })
                .collect();
            let total = all.len().to_string();
            let shown = matching.len().min(SHOWN).to_string();
            let count = matching.len().to_string();
            let oninput = {
                let filter = filter.clone();
                Callback::from(move |e: InputEvent| {
                    filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
                })
            };
            html! {
                <>
                    <p id="people-count" class="muted">{ fill(ctx.t(Key::PeopleCount), &[&total]) }</p>
                    <label for="people-filter" class="field-label">{ ctx.t(Key::Filter) }</label>
                    <input id="people-filter" class="text" type="search" value={(*filter).clone()} {oninput}
                        placeholder={ctx.t(Key::FilterPeopleHint)} />
                    if matching.len() > SHOWN {
                        <p class="muted small">{ fill(ctx.t(Key::ShowingOf), &[&shown, &count]) }</p>
                    }
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="people-title">
                        <table id="people-table">
                            <thead>
                                <tr>
                                    <th scope="col">{ ctx.t(Key::Name) }</th>
                                    <th scope="col">{ ctx.t(Key::Unit) }</th>
                                    <th scope="col">{ ctx.t(Key::JobLevel) }</th>
                                    <th scope="col">{ ctx.t(Key::Email) }</th>
                                </tr>
                            </thead>
                            <tbody>
                                { for matching.iter().take(SHOWN).map(|p| html! {
                                    <tr>
                                        <td>{ p.name.clone() }</td>
                                        <td>{ p.unit_code.clone() }</td>
                                        <td>{ p.job_level.clone() }{ " · " }{ p.employment_type.to_uppercase() }</td>
                                        <td class="email">{ p.email.clone().unwrap_or_else(|| "—".into()) }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                </>
            }
        }
    };

    html! {
        <>
            <h1 id="people-page-title">{ ctx.t(Key::PeopleTitle) }</h1>
            <section class="card" aria-labelledby="import-title">
                <h2 id="import-title">{ ctx.t(Key::ImportTitle) }</h2>
                <p class="help">{ ctx.t(Key::ImportHelp) }</p>
                <label for="people-file" class="field-label">{ ctx.t(Key::ChooseCsv) }</label>
                <input id="people-file" class="file" type="file" accept=".csv,text/csv" {onchange}
                    aria-describedby="people-file-help" />
                <p id="people-file-help" class="help small">{ ctx.t(Key::ImportDryRunNote) }</p>
                if let Some(f) = &*error {
                    { failure(lang, f, None) }
                }
                { import_state }
            </section>
            <section class="card" aria-labelledby="people-title">
                <h2 id="people-title">{ ctx.t(Key::PeopleList) }</h2>
                { list }
            </section>
        </>
    }
}
