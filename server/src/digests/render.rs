//! Rendering a digest: the sections of each wave (headline figures, changes since the last digest, units
//! needing attention) as plain text and HTML with the same facts.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Jakarta;
use serap_shared::api::UnitResponseRate;
use serap_shared::i18n::Lang;
use serap_shared::report::WaveReport;

use super::ATTENTION;
use super::figures::{Pass, unit_ids};
use super::format::{format_dec, format_int, format_pct, lang_of, signed, tr};
use super::link::manage_link;
use super::period::Kind;
use crate::entities::digest_subscription::{self};
use crate::entities::wave;
use crate::error::ApiError;
use crate::infra::mail::escape_html;
use crate::state::AppState;

/// A rendered digest and the figures to remember for the next one.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `{"<wave id>": respondents}` of the waves shown.
    pub figures: serde_json::Value,
    /// Waves in the digest; zero means there is nothing to send.
    pub waves: usize,
}

/// One line of a wave section: a label, its value, and a 0..1 bar when it is a share.
pub(super) struct Line {
    pub(super) label: String,
    pub(super) value: String,
    pub(super) bar: Option<f64>,
}

pub(super) struct Section {
    pub(super) title: String,
    pub(super) status: String,
    pub(super) lines: Vec<Line>,
    pub(super) attention: Vec<String>,
    pub(super) link: String,
}

/// Renders the digest of `sub` for `kind` from the figures the threshold lets through.
pub(super) async fn render(
    state: &AppState,
    ctx: &mut Pass,
    sub: &digest_subscription::Model,
    kind: &Kind,
    previous: &HashMap<String, i64>,
) -> Result<Option<Rendered>, ApiError> {
    let lang = lang_of(sub);
    let Some(scope) = ctx.scope(state, sub).await? else {
        return Ok(None);
    };
    let now = ctx.now;
    let (chosen, window) = match kind {
        Kind::Closed(wave) => (vec![wave.clone()], chrono::Duration::zero()),
        Kind::Daily => (Vec::new(), chrono::Duration::days(1)),
        Kind::Weekly => (Vec::new(), chrono::Duration::days(7)),
    };
    let waves: Vec<Arc<wave::Model>> = if chosen.is_empty() {
        ctx.waves
            .iter()
            .filter(|w| w.opens_at <= now && (w.closes_at > now || w.closes_at > now - window))
            .cloned()
            .collect()
    } else {
        chosen
    };
    let base = state.settings.base_url.to_string();
    let mut sections = Vec::new();
    let mut figures = serde_json::Map::new();
    let mut total = 0i64;
    let mut change: Option<i64> = None;
    let mut active = 0;
    for wave in &waves {
        let data = ctx.figures(state, &scope, wave).await?;
        let report = &data.report;
        let k = report.k;
        let closed = wave.closes_at <= now;
        if !closed {
            active += 1;
        }
        let mut lines = Vec::new();
        let hidden = tr(lang, "disembunyikan (kurang dari", "hidden (fewer than");
        match report.overall.respondents {
            Some(n) => {
                let n = n as i64;
                total += n;
                figures.insert(wave.id.to_string(), serde_json::json!(n));
                let mut value = format_int(n, lang);
                if let Some(before) = previous.get(&wave.id.to_string()) {
                    value.push_str(&format!(" ({})", signed(n - before, lang)));
                    change = Some(change.unwrap_or(0) + n - before);
                }
                lines.push(Line {
                    label: tr(lang, "Responden", "Respondents").into(),
                    value,
                    bar: None,
                });
            }
            None => lines.push(Line {
                label: tr(lang, "Responden", "Respondents").into(),
                value: format!("{hidden} {k})"),
                bar: None,
            }),
        }
        // Response rate over the units of the scope: a unit with 1..k-1 answers is never shown alone,
        // and the total only when the hidden units together are none or at least k.
        let shown = |r: &&UnitResponseRate| r.answered == 0 || r.answered >= k;
        let hidden_answers: u32 = data
            .rates
            .iter()
            .filter(|r| !shown(r))
            .map(|r| r.answered)
            .sum();
        let invited: u32 = data.rates.iter().map(|r| r.invited).sum();
        let answered: u32 = data.rates.iter().map(|r| r.answered).sum();
        if invited > 0 {
            if (hidden_answers == 0 || hidden_answers >= k) && (answered == 0 || answered >= k) {
                let share = f64::from(answered) / f64::from(invited);
                lines.push(Line {
                    label: tr(lang, "Tingkat respons undangan", "Invitation response rate").into(),
                    value: format!(
                        "{} ({} {} {})",
                        format_pct(share, lang),
                        format_int(i64::from(answered), lang),
                        tr(lang, "dari", "of"),
                        format_int(i64::from(invited), lang)
                    ),
                    bar: Some(share),
                });
            } else {
                lines.push(Line {
                    label: tr(lang, "Tingkat respons undangan", "Invitation response rate").into(),
                    value: format!("{hidden} {k})"),
                    bar: None,
                });
            }
        }
        headline_lines(report, lang, &mut lines);
        let mut low: Vec<&UnitResponseRate> = data
            .rates
            .iter()
            .filter(|r| shown(r) && r.invited > 0)
            .collect();
        low.sort_by(|a, b| {
            a.rate
                .total_cmp(&b.rate)
                .then(a.unit_code.cmp(&b.unit_code))
        });
        let attention = low
            .into_iter()
            .filter(|r| r.rate < 1.0)
            .take(ATTENTION)
            .map(|r| {
                format!(
                    "{} ({}): {} ({} {} {})",
                    r.unit_name,
                    r.unit_code,
                    format_pct(r.rate, lang),
                    format_int(i64::from(r.answered), lang),
                    tr(lang, "dari", "of"),
                    format_int(i64::from(r.invited), lang)
                )
            })
            .collect();
        sections.push(Section {
            title: wave.name.clone(),
            status: if closed {
                format!(
                    "{} {}",
                    tr(lang, "Ditutup", "Closed"),
                    wave.closes_at
                        .with_timezone(&Jakarta)
                        .format("%d-%m-%Y %H:%M WIB")
                )
            } else {
                format!(
                    "{} {}",
                    tr(lang, "Aktif sampai", "Open until"),
                    wave.closes_at
                        .with_timezone(&Jakarta)
                        .format("%d-%m-%Y %H:%M WIB")
                )
            },
            lines,
            attention,
            link: format!("{base}/console/waves/{}/report", wave.slug),
        });
    }
    let totals = format_int(total, lang);
    let change = change
        .map(|c| format!(" ({})", signed(c, lang)))
        .unwrap_or_default();
    let subject = match (kind, lang) {
        (Kind::Closed(wave), Lang::En) => {
            format!(
                "Serap: survey closed, {}: {totals} responses{change}",
                wave.name
            )
        }
        (Kind::Closed(wave), _) => {
            format!(
                "Serap: survei ditutup, {}: {totals} tanggapan{change}",
                wave.name
            )
        }
        (Kind::Daily | Kind::Weekly, Lang::En) => format!(
            "Serap {} digest: {active} active survey{}, {totals} responses{change}",
            if matches!(kind, Kind::Daily) {
                "daily"
            } else {
                "weekly"
            },
            if active == 1 { "" } else { "s" }
        ),
        (Kind::Daily | Kind::Weekly, _) => format!(
            "Ringkasan {} Serap: {active} survei aktif, {totals} tanggapan{change}",
            if matches!(kind, Kind::Daily) {
                "harian"
            } else {
                "mingguan"
            }
        ),
    };
    let scope_name = scope_description(ctx, sub, lang);
    let manage = manage_link(state, sub.id);
    let (text, html) = compose(sub, lang, &subject, &scope_name, &sections, &manage, now);
    Ok(Some(Rendered {
        subject,
        text,
        html,
        figures: serde_json::Value::Object(figures),
        waves: sections.len(),
    }))
}

/// The headline indicators of a report, each only when the threshold lets it through.
pub(super) fn headline_lines(report: &WaveReport, lang: Lang, lines: &mut Vec<Line>) {
    let overall = &report.overall;
    if let Some(s) = &overall.socialisation
        && let Some(index) = s.acceptance_index
    {
        let mut value = format!("{} / 100", format_dec(index, 1, lang));
        if let Some(f) = s.favourable_share {
            value.push_str(&format!(
                "; {} {}",
                format_pct(f, lang),
                tr(lang, "setuju", "favourable")
            ));
        }
        lines.push(Line {
            label: tr(lang, "Indeks penerimaan", "Acceptance index").into(),
            value,
            bar: Some((index / 100.0).clamp(0.0, 1.0)),
        });
    }
    if let Some(c) = &overall.competency {
        if let Some(jpm) = c.jpm {
            let category = c
                .jpm_category
                .map(|cat| format!(" ({})", cat.label().get(lang)))
                .unwrap_or_default();
            lines.push(Line {
                label: tr(lang, "JPM rata-rata", "Mean JPM").into(),
                value: format!("{}%{category}", format_dec(jpm, 1, lang)),
                bar: Some((jpm / 100.0).clamp(0.0, 1.0)),
            });
        }
        let mut gaps: Vec<_> = c
            .competencies
            .iter()
            .filter_map(|s| Some((s, s.gap.filter(|g| *g < 0.0)?)))
            .collect();
        gaps.sort_by(|a, b| a.1.total_cmp(&b.1));
        for (stat, gap) in gaps.into_iter().take(3) {
            let mut value = format!(
                "{} {}",
                tr(lang, "kesenjangan", "gap"),
                format_dec(gap, 2, lang)
            );
            if let Some(below) = stat.below_share {
                value.push_str(&format!(
                    "; {} {}",
                    format_pct(below, lang),
                    tr(lang, "di bawah standar", "below standard")
                ));
            }
            lines.push(Line {
                label: format!(
                    "{}: {}",
                    tr(
                        lang,
                        "Kompetensi di bawah standar",
                        "Competency below standard"
                    ),
                    stat.label.get(lang)
                ),
                value,
                bar: stat.below_share,
            });
        }
    }
    if let Some(t) = &overall.training {
        for topic in t.topics.iter().take(3) {
            lines.push(Line {
                label: format!(
                    "{}: {}",
                    tr(lang, "Kebutuhan pelatihan", "Training demand"),
                    topic.label.get(lang)
                ),
                value: format!(
                    "{} {}",
                    format_pct(topic.chosen_share, lang),
                    tr(lang, "memilih", "chose it")
                ),
                bar: Some(topic.chosen_share.clamp(0.0, 1.0)),
            });
        }
        if let Some(below) = t.below_20_share {
            lines.push(Line {
                label: tr(lang, "Di bawah 20 JP setahun", "Below 20 JP a year").into(),
                value: format_pct(below, lang),
                bar: Some(below.clamp(0.0, 1.0)),
            });
        }
    }
    for row in &report.sectors {
        if let Some(staffing) = &row.group.staffing
            && let Some(gap) = staffing.gap.filter(|g| *g > 0)
        {
            lines.push(Line {
                label: format!(
                    "{}: {}",
                    tr(lang, "Kekurangan pegawai", "Staff shortage"),
                    row.sector
                        .as_deref()
                        .unwrap_or(tr(lang, "tanpa sektor", "no sector"))
                ),
                value: format!("{} {}", format_int(gap, lang), tr(lang, "orang", "people")),
                bar: None,
            });
        }
    }
    if let Some(skm) = &overall.skm
        && let (Some(converted), Some(grade)) = (skm.converted, skm.grade)
    {
        lines.push(Line {
            label: tr(lang, "IKM", "Satisfaction index (IKM)").into(),
            value: format!(
                "{} ({}, {})",
                format_dec(converted, 2, lang),
                grade.letter(),
                grade.label().get(lang)
            ),
            bar: Some((converted / 100.0).clamp(0.0, 1.0)),
        });
    }
}

pub(super) fn scope_description(
    ctx: &Pass,
    sub: &digest_subscription::Model,
    lang: Lang,
) -> String {
    let ids = unit_ids(sub);
    if ids.is_empty() {
        return tr(lang, "Seluruh Kota Serang", "All of Kota Serang").into();
    }
    let mut names: Vec<String> = ids
        .iter()
        .filter_map(|id| ctx.units.get(id))
        .map(|u| u.name.clone())
        .collect();
    names.sort();
    names.join(", ")
}

pub(super) fn bar_html(share: f64) -> String {
    let pct = (share.clamp(0.0, 1.0) * 100.0).round() as u32;
    let cell = "height:8px;font-size:0;line-height:0";
    let filled = if pct > 0 {
        format!("<td width=\"{pct}%\" style=\"background:#0b5d4b;{cell}\">&nbsp;</td>")
    } else {
        String::new()
    };
    let empty = if pct < 100 {
        format!(
            "<td width=\"{}%\" style=\"background:#e3e7e5;{cell}\">&nbsp;</td>",
            100 - pct
        )
    } else {
        String::new()
    };
    format!(
        "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;margin:2px 0 6px 0\"><tr>{filled}{empty}</tr></table>"
    )
}

/// The plain-text and HTML parts: the same facts in both.
pub(super) fn compose(
    sub: &digest_subscription::Model,
    lang: Lang,
    subject: &str,
    scope_name: &str,
    sections: &[Section],
    manage: &str,
    now: DateTime<Utc>,
) -> (String, String) {
    let e = escape_html;
    let greeting = format!("{} {},", tr(lang, "Yth.", "Dear"), sub.name);
    let as_of = format!(
        "{} {}",
        tr(lang, "Keadaan per", "As of"),
        now.with_timezone(&Jakarta).format("%d-%m-%Y %H:%M WIB")
    );
    let scope_line = format!("{}: {scope_name}", tr(lang, "Cakupan", "Scope"));
    let note = tr(
        lang,
        "Angka dari kelompok dengan responden kurang dari batas minimum disembunyikan untuk melindungi kerahasiaan.",
        "Figures of groups with fewer respondents than the minimum are hidden to protect confidentiality.",
    );
    let manage_label = tr(
        lang,
        "Ubah jadwal atau berhenti berlangganan",
        "Change how often you receive this or unsubscribe",
    );
    let attention_label = tr(
        lang,
        "Perlu perhatian (tingkat respons terendah)",
        "Needs attention (lowest response rate)",
    );
    let dashboard_label = tr(lang, "Buka dasbor", "Open the dashboard");
    let mut text = format!("{subject}\n\n{greeting}\n\n{as_of}. {scope_line}.\n");
    let mut html = String::new();
    html.push_str(&format!(
        "<p style=\"margin:0 0 12px 0\">{}</p><p style=\"margin:0 0 16px 0;color:#555555;font-size:14px\">{}. {}.</p>",
        e(&greeting),
        e(&as_of),
        e(&scope_line)
    ));
    if sections.is_empty() {
        let none = tr(lang, "Tidak ada survei aktif.", "No active surveys.");
        text.push_str(&format!("\n{none}\n"));
        html.push_str(&format!("<p>{}</p>", e(none)));
    }
    for section in sections {
        text.push_str(&format!("\n== {} ==\n{}\n", section.title, section.status));
        html.push_str(&format!(
            "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;margin:0 0 20px 0;border:1px solid #d5dbd8\"><tr><td style=\"padding:12px 14px;background:#f1f5f3\"><div style=\"font-size:17px;font-weight:bold;color:#0b3d31\">{}</div><div style=\"font-size:13px;color:#555555\">{}</div></td></tr><tr><td style=\"padding:10px 14px\">",
            e(&section.title),
            e(&section.status)
        ));
        for line in &section.lines {
            text.push_str(&format!("- {}: {}\n", line.label, line.value));
            html.push_str(&format!(
                "<div style=\"font-size:14px;margin:4px 0 0 0\">{}: <strong>{}</strong></div>",
                e(&line.label),
                e(&line.value)
            ));
            if let Some(share) = line.bar {
                html.push_str(&bar_html(share));
            }
        }
        if !section.attention.is_empty() {
            text.push_str(&format!("{attention_label}:\n"));
            html.push_str(&format!(
                "<div style=\"font-size:14px;margin:10px 0 2px 0;font-weight:bold\">{}</div><ul style=\"margin:0;padding-left:20px;font-size:14px\">",
                e(attention_label)
            ));
            for unit in &section.attention {
                text.push_str(&format!("  * {unit}\n"));
                html.push_str(&format!("<li>{}</li>", e(unit)));
            }
            html.push_str("</ul>");
        }
        text.push_str(&format!("{dashboard_label}: {}\n", section.link));
        html.push_str(&format!(
            "<p style=\"margin:12px 0 0 0\"><a href=\"{}\" style=\"color:#0b5d4b\">{}</a></p></td></tr></table>",
            e(&section.link),
            e(dashboard_label)
        ));
    }
    text.push_str(&format!("\n{note}\n\n--\n{manage_label}: {manage}\n"));
    html.push_str(&format!(
        "<p style=\"font-size:13px;color:#555555\">{}</p><hr style=\"border:0;border-top:1px solid #d5dbd8\"><p style=\"font-size:13px;color:#555555\">{}: <a href=\"{}\" style=\"color:#0b5d4b\">{}</a></p>",
        e(note),
        e(manage_label),
        e(manage),
        e(manage)
    ));
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body style=\"margin:0;padding:16px;font-family:Arial,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a;background:#ffffff\"><div style=\"max-width:640px\">{html}</div></body></html>",
        lang.code(),
        e(subject)
    );
    (text, html)
}

/// The body of an email's HTML part (between `<body ...>` and `</body>`), for showing it inside a page.
pub fn html_body(html: &str) -> &str {
    let start = html
        .find("<body")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
        .unwrap_or(0);
    let end = html.rfind("</body>").unwrap_or(html.len());
    html.get(start..end).unwrap_or(html)
}
