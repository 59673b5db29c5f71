//! The report's filters: a unit of the caller's scope (with its subtree) and a planning sector, as selects
//! and as the query string of the report and its exports.

use std::collections::BTreeSet;

use serap_shared::api::Me;
use serap_shared::domain::Role;
use serap_shared::i18n::Lang;
use serap_shared::scope::{Scope, children_of};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::console::Ctx;
use crate::console::i18n::Key;
use crate::console::widgets::Tree;

/// `?unit=..&sector=..&lang=en`, only the parts that are set.
pub(super) fn query(unit: &str, sector: &str, lang: Option<Lang>) -> String {
    let mut parts = Vec::new();
    for (name, value) in [("unit", unit), ("sector", sector)] {
        if !value.is_empty() {
            parts.push(format!(
                "{name}={}",
                String::from(js_sys::encode_uri_component(value))
            ));
        }
    }
    if lang == Some(Lang::En) {
        parts.push("lang=en".into());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The units a signed-in account may report on, in tree order: the shared rule the server enforces
/// (`serap_shared::scope`), applied to the account's roles.
fn scope_units(me: &Me, tree: &Tree) -> Vec<usize> {
    let grants = me
        .roles
        .iter()
        .filter_map(|r| Role::parse(&r.role).map(|role| (role, r.unit_id)));
    let children = children_of(tree.units.iter().map(|u| (u.id, u.parent_id)));
    match Scope::of_grants(grants, &children) {
        Some(scope) => (0..tree.units.len())
            .filter(|&i| scope.contains(tree.units[i].id))
            .collect(),
        None => Vec::new(),
    }
}

/// A unit's planning sector: its own, else its nearest ancestor's.
fn sector_of(tree: &Tree, i: usize) -> Option<&str> {
    std::iter::once(i)
        .chain(tree.ancestors(i))
        .find_map(|j| tree.units[j].sector.as_deref())
}

/// The unit and sector selects.
pub(super) fn filters(
    ctx: &Ctx,
    tree: Option<&Tree>,
    unit: &UseStateHandle<String>,
    sector: &UseStateHandle<String>,
) -> Html {
    let (Some(me), Some(tree)) = (ctx.me.as_deref(), tree) else {
        return Html::default();
    };
    let mine = scope_units(me, tree);
    let top = mine.iter().map(|&i| tree.depth[i]).min().unwrap_or(0);
    let sectors: BTreeSet<&str> = mine.iter().filter_map(|&i| sector_of(tree, i)).collect();
    let on_unit = {
        let unit = unit.clone();
        Callback::from(move |e: Event| {
            unit.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_sector = {
        let sector = sector.clone();
        Callback::from(move |e: Event| {
            sector.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    html! {
        <section class="card" aria-labelledby="filters-title">
            <h2 id="filters-title" class="sr-only">{ ctx.t(Key::Filters) }</h2>
            <div class="two">
                <div>
                    <label for="report-unit-filter" class="field-label">{ ctx.t(Key::FilterUnit) }</label>
                    <select id="report-unit-filter" class="text" onchange={on_unit}>
                        <option value="" selected={unit.is_empty()}>{ ctx.t(Key::AllScopeUnits) }</option>
                        { for mine.iter().map(|&i| {
                            let u = &tree.units[i];
                            let mut label = "— ".repeat(tree.depth[i] - top);
                            label.push_str(&u.name);
                            label.push_str(" (");
                            label.push_str(&u.code);
                            label.push(')');
                            html! { <option value={u.code.clone()} selected={**unit == u.code}>{ label }</option> }
                        }) }
                    </select>
                </div>
                <div>
                    <label for="report-sector-filter" class="field-label">{ ctx.t(Key::FilterSector) }</label>
                    <select id="report-sector-filter" class="text" onchange={on_sector}>
                        <option value="" selected={sector.is_empty()}>{ ctx.t(Key::AllSectors) }</option>
                        { for sectors.iter().map(|s| html! {
                            <option value={s.to_string()} selected={**sector == *s}>{ s.to_string() }</option>
                        }) }
                    </select>
                </div>
            </div>
        </section>
    }
}
