//! Small pieces the console pages share: links, loading and error states, field messages, the unit tree,
//! wave paths and badges.

use std::rc::Rc;

use serap_shared::api::Unit;
use serap_shared::domain::Role;
use serap_shared::i18n::{Lang, Text};
use uuid::Uuid;
use yew::prelude::*;

use super::Ctx;
use super::api::{Failure, Load};
use super::i18n::{Key, t};
use crate::app::navigate;

/// An internal link: a real `<a href>` that navigates without a reload.
pub fn link(path: impl Into<AttrValue>, class: Option<&'static str>, children: Html) -> Html {
    let path: AttrValue = path.into();
    let onclick = {
        let path = path.clone();
        Callback::from(move |e: MouseEvent| {
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            e.prevent_default();
            navigate(&path);
        })
    };
    html! { <a href={path} {class} {onclick}>{ children }</a> }
}

/// A link of the console's menu; the current page is marked `aria-current`.
pub fn nav_link(path: &'static str, current: bool, label: &'static str) -> Html {
    let onclick = Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        navigate(path);
    });
    let id = format!(
        "nav{}",
        path.trim_start_matches("/console").replace('/', "-")
    );
    html! {
        <a {id} href={path} {onclick} aria-current={current.then_some("page")}
            class={classes!(current.then_some("current"))}>{ label }</a>
    }
}

/// Loading, or the failure with a retry button; `None` once loaded.
pub fn load_state<T>(ctx: &Ctx, load: &Load<T>, retry: Callback<MouseEvent>) -> Option<Html> {
    match load {
        None => Some(html! { <p class="status" role="status">{ ctx.t(Key::Loading) }</p> }),
        Some(Err(f)) => Some(failure(ctx.lang, f, Some(retry))),
        Some(Ok(_)) => None,
    }
}

/// A failure as an alert, with a retry button when given.
pub fn failure(lang: Lang, f: &Failure, retry: Option<Callback<MouseEvent>>) -> Html {
    html! {
        <div class="error" role="alert">
            <p>{ f.message(lang) }</p>
            if let Some(retry) = retry {
                <button class="secondary" onclick={retry}>{ t(lang, Key::Retry) }</button>
            }
        </div>
    }
}

/// The message under a field, `id` for `aria-describedby`.
pub fn field_error(lang: Lang, id: &str, text: Option<&Text>) -> Html {
    match text {
        Some(text) => html! {
            <p id={id.to_owned()} class="field-error" role="alert">{ text.get(lang).to_owned() }</p>
        },
        None => Html::default(),
    }
}

/// `admin` -> Admin, `manager` -> Pengelola unit...
pub fn role_label(lang: Lang, role: &str) -> String {
    let key = match Role::parse(role) {
        Some(Role::Admin) => Key::RoleAdmin,
        Some(Role::Manager) => Key::RoleManager,
        Some(Role::Leader) => Key::RoleLeader,
        Some(Role::Viewer) => Key::RoleViewer,
        None => return role.to_owned(),
    };
    t(lang, key).to_owned()
}

/// The unit tree (parents before children) with each unit's depth and its parent's index.
#[derive(PartialEq)]
pub struct Tree {
    pub units: Vec<Unit>,
    pub depth: Vec<usize>,
    pub parent: Vec<Option<usize>>,
}

impl Tree {
    pub fn new(units: &[Unit]) -> Rc<Tree> {
        let mut depth: Vec<usize> = Vec::with_capacity(units.len());
        let mut parent = Vec::with_capacity(units.len());
        for (i, u) in units.iter().enumerate() {
            let p = u
                .parent_id
                .and_then(|p| units[..i].iter().position(|x| x.id == p));
            depth.push(p.map_or(0, |j| depth[j] + 1));
            parent.push(p);
        }
        Rc::new(Tree {
            units: units.to_vec(),
            depth,
            parent,
        })
    }

    /// `— — Name (CODE)`.
    pub fn label(&self, i: usize) -> String {
        let u = &self.units[i];
        let mut label = "— ".repeat(self.depth[i]);
        label.push_str(&u.name);
        label.push_str(" (");
        label.push_str(&u.code);
        label.push(')');
        label
    }

    pub fn by_id(&self, id: Uuid) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// The indices of `i`'s ancestors, nearest first.
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.parent[i], move |p| self.parent[*p])
    }
}

/// A role's scope: the unit's name, or the whole city.
pub fn scope(lang: Lang, tree: Option<&Tree>, unit: Option<Uuid>) -> String {
    match unit {
        None => t(lang, Key::WholeCity).to_owned(),
        Some(id) => tree
            .and_then(|tree| tree.by_id(id))
            .map(|u| {
                let mut s = u.name.clone();
                s.push_str(" (");
                s.push_str(&u.code);
                s.push(')');
                s
            })
            .unwrap_or_else(|| t(lang, Key::OneUnit).to_owned()),
    }
}

/// `0.4567` -> `46%`.
pub fn percent(rate: f64) -> String {
    let mut s = ((rate * 100.0).round().clamp(0.0, 100.0) as u32).to_string();
    s.push('%');
    s
}

/// `2026-11-27T07:05:00+07:00` -> `27/11/2026 07:05 WIB`.
pub fn when(rfc3339: &str) -> String {
    crate::i18n::wib_display(rfc3339)
}

/// `/api/v1/waves/<slug><rest>`.
pub fn wave_path(slug: &str, rest: &str) -> String {
    let mut path = String::from("/api/v1/waves/");
    path.push_str(slug);
    path.push_str(rest);
    path
}

/// "open" or "closed", as a badge.
pub fn open_badge(lang: Lang, open: bool) -> Html {
    html! {
        <span class={classes!("badge", open.then_some("badge-ok"))}>
            { t(lang, if open { Key::WaveOpen } else { Key::WaveClosed }) }
        </span>
    }
}
