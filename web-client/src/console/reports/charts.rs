//! The report's drawing pieces, drawn by the console itself with CSS bars and a little inline SVG (no chart
//! library: the console's download stays small): numbers, bars, the gauge, heatmap colours and the marker of
//! a hidden figure (fewer than k respondents). Every bar is decorative (`aria-hidden`): the figures are
//! written next to it.

use serap_shared::i18n::Lang;
use yew::prelude::*;

use crate::console::i18n::{Key, t};
use crate::i18n::fill;

/// `3.4567` -> `3,46` (Indonesian) or `3.46`.
pub fn num(lang: Lang, x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match lang {
        Lang::Id => s.replace('.', ","),
        Lang::En => s,
    }
}

/// The marker shown wherever a figure is hidden.
pub fn hidden(lang: Lang, k: u32) -> Html {
    html! { <span class="suppressed">{ fill(t(lang, Key::HiddenK), &[&k.to_string()]) }</span> }
}

/// A count, the hidden marker, or a dash when there is nothing.
pub fn count(lang: Lang, k: u32, n: Option<u64>, suppressed: bool) -> Html {
    match (n, suppressed) {
        (_, true) => hidden(lang, k),
        (Some(n), false) => html! { { n } },
        (None, false) => html! { "–" },
    }
}

/// A horizontal bar, `fraction` 0..1 of its width filled.
pub fn bar(fraction: f64) -> Html {
    let pct = (fraction.clamp(0.0, 1.0) * 100.0).round();
    html! {
        <span class="bar" aria-hidden="true"><span style={format!("width:{pct}%")}></span></span>
    }
}

/// A half-circle gauge for a 0..100 index.
pub fn gauge(lang: Lang, value: f64) -> Html {
    let v = value.clamp(0.0, 100.0);
    // The arc of radius 40 is 40 x pi long.
    let arc = std::f64::consts::PI * 40.0;
    let dash = format!("{:.2} {:.2}", arc * v / 100.0, arc);
    let label = fill(t(lang, Key::AcceptanceOf), &[&num(lang, v, 0)]);
    html! {
        <svg class="gauge" viewBox="0 0 100 56" role="img" aria-label={label}>
            <path d="M10 50 A40 40 0 0 1 90 50" fill="none" stroke="#eaeef2" stroke-width="10" stroke-linecap="round" />
            <path d="M10 50 A40 40 0 0 1 90 50" fill="none" stroke="#0b5d4b" stroke-width="10" stroke-linecap="round"
                stroke-dasharray={dash} />
            <text x="50" y="48" text-anchor="middle" font-size="18" font-weight="700" fill="#1f2328">{ num(lang, v, 0) }</text>
        </svg>
    }
}

/// The background of a heatmap cell: red for a negative gap (development need), green for a positive one.
pub fn gap_colour(gap: f64) -> String {
    let a = (gap.abs() / 2.0).clamp(0.08, 0.55);
    if gap < 0.0 {
        format!("background:rgba(180,35,24,{a:.2})")
    } else {
        format!("background:rgba(6,118,71,{a:.2})")
    }
}
