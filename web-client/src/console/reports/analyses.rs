//! The domain analyses (`report::analyses`), each shown when the report has it: SKM (NRR per element, IKM
//! per unit), socialisation (acceptance by item, concerns), competency (JPM, gaps, the heatmap), staffing
//! by ABK and training needs.

use serap_shared::i18n::Lang;
use serap_shared::report::{GroupReport, WaveReport};
use yew::prelude::*;

use super::charts::{bar, count, gap_colour, hidden, num};
use super::{opt, table, unit_name};
use crate::console::i18n::{Key, t};
use crate::console::widgets::percent;
use crate::i18n::fill;

pub(super) fn staffing_gap(lang: Lang, gap: i64) -> Html {
    let text = match gap {
        0 => t(lang, Key::Balanced).to_owned(),
        g if g > 0 => fill(t(lang, Key::Shortage), &[&g.to_string()]),
        g => fill(t(lang, Key::Surplus), &[&(-g).to_string()]),
    };
    html! { <span class={classes!((gap > 0).then_some("bad"))}>{ text }</span> }
}

pub(super) fn skm_view(lang: Lang, r: &WaveReport) -> Html {
    let Some(s) = &r.overall.skm else {
        return Html::default();
    };
    let k = r.k;
    let sample = fill(
        t(lang, Key::MinSample),
        &[&s.population.to_string(), &s.min_sample.to_string()],
    );
    let sufficient = s.sample_sufficient.map(|ok| {
        html! {
            <span class={if ok { "ok" } else { "bad" }}>
                { " — " }{ t(lang, if ok { Key::SampleOk } else { Key::SampleShort }) }
            </span>
        }
    });
    let by_unit: Vec<_> = r
        .breakdown
        .iter()
        .filter(|row| row.group.skm.is_some())
        .collect();
    html! {
        <section class="card" aria-labelledby="skm-title" id="report-skm">
            <h2 id="skm-title">{ t(lang, Key::SkmTitle) }</h2>
            <p class="small">{ sample }{ sufficient }</p>
            { table("skm-elements", t(lang, Key::SkmElements),
                html! { <tr>
                    <th scope="col">{ t(lang, Key::Element) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Nrr) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Weighted) }</th>
                </tr> },
                html! { <>{ for s.elements.iter().map(|e| html! {
                    <tr key={e.id.clone()}>
                        // `U1 Persyaratan: <the question>` -> `U1 Persyaratan`.
                        <th scope="row" title={e.label.get(lang).to_owned()}>
                            { e.label.get(lang).split(':').next().unwrap_or_default().to_owned() }
                        </th>
                        if e.suppressed {
                            <td colspan="2">{ hidden(lang, k) }</td>
                        } else {
                            <td class="num">
                                { bar(e.nrr.unwrap_or(0.0) / 4.0) }{ " " }{ opt(lang, e.nrr, 2) }
                            </td>
                            <td class="num">{ opt(lang, e.weighted, 3) }</td>
                        }
                    </tr>
                }) }</> }) }
            if !by_unit.is_empty() {
                { table("skm-units", t(lang, Key::IkmByUnit),
                    html! { <tr>
                        <th scope="col">{ t(lang, Key::Unit) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Respondents) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Ikm) }</th>
                        <th scope="col">{ t(lang, Key::Grade) }</th>
                    </tr> },
                    html! { <>{ for by_unit.iter().map(|row| {
                        let skm = row.group.skm.as_ref();
                        let grade = skm.and_then(|s| s.grade);
                        html! {
                            <tr key={row.unit.code.clone()}>
                                <th scope="row">{ unit_name(lang, &row.unit.name, row.own_only) }</th>
                                <td class="num">{ count(lang, k, row.group.respondents, row.group.suppressed) }</td>
                                if row.group.suppressed {
                                    <td colspan="2">{ hidden(lang, k) }</td>
                                } else {
                                    <td class="num">{ opt(lang, skm.and_then(|s| s.converted), 2) }</td>
                                    <td>{ grade.map(|g| format!("{} · {}", g.letter(), g.label().get(lang))).unwrap_or_else(|| "–".into()) }</td>
                                }
                            </tr>
                        }
                    }) }</> }) }
            }
        </section>
    }
}

pub(super) fn socialisation_view(lang: Lang, k: u32, g: &GroupReport) -> Html {
    let Some(s) = &g.socialisation else {
        return Html::default();
    };
    html! {
        <section class="card" aria-labelledby="acceptance-title" id="report-acceptance">
            <h2 id="acceptance-title">{ t(lang, Key::AcceptanceItems) }</h2>
            { table("acceptance-items", t(lang, Key::AcceptanceItems),
                html! { <tr>
                    <th scope="col">{ t(lang, Key::Item) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Index) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Favourable) }</th>
                </tr> },
                html! { <>{ for s.items.iter().map(|i| html! {
                    <tr key={i.id.clone()}>
                        <th scope="row">{ i.label.get(lang).to_owned() }</th>
                        if i.suppressed {
                            <td colspan="2">{ hidden(lang, k) }</td>
                        } else {
                            <td class="num">{ bar(i.index.unwrap_or(0.0) / 100.0) }{ " " }{ opt(lang, i.index, 0) }</td>
                            <td class="num">{ i.favourable_share.map(percent).unwrap_or_else(|| "–".into()) }</td>
                        }
                    </tr>
                }) }</> }) }
            <h3>{ t(lang, Key::Concerns) }</h3>
            if s.concerns_suppressed {
                <p>{ hidden(lang, k) }</p>
            } else if s.concerns.is_empty() {
                <p class="muted small">{ t(lang, Key::NoAnswersYet) }</p>
            } else {
                <ul class="bars">
                    { for s.concerns.iter().map(|c| html! {
                        <li class="bar-row">
                            <span class="bar-label">{ c.label.get(lang).to_owned() }</span>
                            { bar(c.share) }
                            <span class="bar-value">{ format!("{} · {}", c.count, percent(c.share)) }</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

pub(super) fn competency_view(lang: Lang, r: &WaveReport) -> Html {
    let Some(c) = &r.overall.competency else {
        return Html::default();
    };
    let k = r.k;
    let assessed = match (c.assessed, c.suppressed) {
        (_, true) => hidden(lang, k),
        (Some(n), false) => html! { fill(t(lang, Key::Assessed), &[&n.to_string()]) },
        _ => Html::default(),
    };
    let heatmap = r.heatmap.as_ref().map(|h| {
        table(
            "competency-heatmap",
            t(lang, Key::Heatmap),
            html! { <tr>
                <th scope="col">{ t(lang, Key::Unit) }</th>
                { for h.columns.iter().map(|col| html! {
                    <th scope="col" class="num" title={col.label.get(lang).to_owned()}>
                        <abbr title={col.label.get(lang).to_owned()}>{ col.code.clone() }</abbr>
                    </th>
                }) }
            </tr> },
            html! { <>{ for h.rows.iter().map(|row| html! {
                <tr key={row.unit.code.clone()}>
                    <th scope="row">{ unit_name(lang, &row.unit.name, row.own_only) }</th>
                    if row.suppressed {
                        <td colspan={h.columns.len().to_string()}>{ hidden(lang, k) }</td>
                    } else {
                        { for row.cells.iter().map(|cell| match cell {
                            Some(g) => html! { <td class="num heat" style={gap_colour(*g)}>{ num(lang, *g, 2) }</td> },
                            None => html! { <td class="num muted">{ "–" }</td> },
                        }) }
                    }
                </tr>
            }) }</> },
        )
    });
    html! {
        <section class="card" aria-labelledby="competency-title" id="report-competency">
            <h2 id="competency-title">{ t(lang, Key::Jpm) }</h2>
            <p class="small">{ assessed }</p>
            if !c.categories.is_empty() {
                <ul class="bars">
                    { for c.categories.iter().map(|cat| html! {
                        <li class="bar-row">
                            <span class="bar-label">{ cat.category.label().get(lang).to_owned() }</span>
                            { bar(cat.share) }
                            <span class="bar-value">{ format!("{} · {}", cat.count, percent(cat.share)) }</span>
                        </li>
                    }) }
                </ul>
            }
            { table("competency-table", t(lang, Key::Competency),
                html! { <tr>
                    <th scope="col">{ t(lang, Key::Competency) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Mean) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Required) }</th>
                    <th scope="col" class="num">{ t(lang, Key::Gap) }</th>
                </tr> },
                html! { <>{ for c.competencies.iter().map(|s| html! {
                    <tr key={s.question_id.clone()}>
                        <th scope="row">{ s.label.get(lang).to_owned() }</th>
                        if s.suppressed {
                            <td colspan="3">{ hidden(lang, k) }</td>
                        } else {
                            <td class="num">{ opt(lang, s.mean_level, 2) }</td>
                            if s.standard_suppressed {
                                <td colspan="2">{ hidden(lang, k) }</td>
                            } else {
                                <td class="num">{ opt(lang, s.mean_required, 2) }</td>
                                <td class="num heat" style={s.gap.map(gap_colour).unwrap_or_default()}>{ opt(lang, s.gap, 2) }</td>
                            }
                        }
                    </tr>
                }) }</> }) }
            if let Some(h) = heatmap {
                <h3>{ t(lang, Key::Heatmap) }</h3>
                <p class="help small">{ t(lang, Key::HeatmapHelp) }</p>
                { h }
            }
        </section>
    }
}

fn staffing_row(lang: Lang, k: u32, name: Html, g: &GroupReport) -> Html {
    let Some(s) = &g.staffing else {
        return Html::default();
    };
    html! {
        <tr>
            <th scope="row">{ name }</th>
            if s.suppressed || g.suppressed {
                <td colspan="3">{ hidden(lang, k) }</td>
            } else {
                <td class="num">{ s.required_staff.map_or_else(|| "–".to_owned(), |n| n.to_string()) }</td>
                <td class="num">{ s.headcount }</td>
                <td class="num">{ s.gap.map_or_else(|| html! { "–" }, |gap| staffing_gap(lang, gap)) }</td>
            }
        </tr>
    }
}

pub(super) fn staffing_view(lang: Lang, r: &WaveReport) -> Html {
    if r.overall.staffing.is_none() {
        return Html::default();
    }
    let k = r.k;
    let head = || {
        html! { <tr>
            <th scope="col">{ t(lang, Key::Unit) }</th>
            <th scope="col" class="num">{ t(lang, Key::Required) }</th>
            <th scope="col" class="num">{ t(lang, Key::Current) }</th>
            <th scope="col" class="num">{ t(lang, Key::Gap) }</th>
        </tr> }
    };
    html! {
        <section class="card" aria-labelledby="staffing-title" id="report-staffing">
            <h2 id="staffing-title">{ t(lang, Key::Staffing) }</h2>
            { table("staffing-sectors", t(lang, Key::StaffingBySector), head(),
                html! { <>{ for r.sectors.iter().map(|s| {
                    let name = html! { { s.sector.clone().unwrap_or_else(|| t(lang, Key::NoSector).to_owned()) } };
                    staffing_row(lang, k, name, &s.group)
                }) }</> }) }
            { table("staffing-units", t(lang, Key::StaffingByUnit), head(),
                html! { <>{ for r.breakdown.iter().map(|row| {
                    staffing_row(lang, k, unit_name(lang, &row.unit.name, row.own_only), &row.group)
                }) }</> }) }
        </section>
    }
}

pub(super) fn training_view(lang: Lang, k: u32, g: &GroupReport) -> Html {
    let Some(tr) = &g.training else {
        return Html::default();
    };
    let top = tr.topics.first().map_or(1.0, |x| x.score.max(1.0));
    let jp = match (tr.jp_suppressed, tr.jp_mean, tr.below_20_share) {
        (true, _, _) => Some(hidden(lang, k)),
        (false, Some(m), share) => Some(html! {
            { fill(t(lang, Key::JpMean), &[&num(lang, m, 1), &share.map(percent).unwrap_or_else(|| "–".into())]) }
        }),
        _ => None,
    };
    html! {
        <section class="card" aria-labelledby="training-title" id="report-training">
            <h2 id="training-title">{ t(lang, Key::Training) }</h2>
            if let Some(jp) = jp {
                <p class="small">{ jp }</p>
            }
            if tr.suppressed {
                <p>{ hidden(lang, k) }</p>
            } else if tr.topics.is_empty() {
                <p class="muted small">{ t(lang, Key::NoAnswersYet) }</p>
            } else {
                { table("training-topics", t(lang, Key::Training),
                    html! { <tr>
                        <th scope="col" class="num">{ "#" }</th>
                        <th scope="col">{ t(lang, Key::Topic) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Chosen) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Priority) }</th>
                        <th scope="col" class="num">{ t(lang, Key::Score) }</th>
                    </tr> },
                    html! { <>{ for tr.topics.iter().enumerate().map(|(i, x)| html! {
                        <tr key={x.id.clone()}>
                            <td class="num">{ i + 1 }</td>
                            <th scope="row">{ x.label.get(lang).to_owned() }</th>
                            <td class="num">{ format!("{} · {}", x.chosen, percent(x.chosen_share)) }</td>
                            <td class="num">{ x.priority.map_or_else(|| "–".to_owned(), |p| p.to_string()) }</td>
                            <td class="num">{ bar(x.score / top) }{ " " }{ num(lang, x.score, 0) }</td>
                        </tr>
                    }) }</> }) }
            }
        </section>
    }
}
