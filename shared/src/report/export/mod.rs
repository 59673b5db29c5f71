//! The report as a flat table for CSV/XLSX: exactly the figures of the [`WaveReport`], one per row, and a
//! "hidden" marker where a count is hidden (the figures built on a hidden count are left out, as in the
//! report). Numbers use a decimal point and at most four decimals; shares are 0..1.
//!
//! This module holds the table's frame and the rows of each question; [`analyses`] the rows of a group and
//! its domain analyses.

use super::model::{OptionStat, QuestionReport, WaveReport};
use crate::i18n::Lang;

mod analyses;

/// The report as rows of text: a header row, then `section, unit, question/indicator, option/category,
/// value, measure` per figure.
pub fn export_rows(report: &WaveReport, lang: Lang) -> Vec<Vec<String>> {
    let mut out = Out {
        lang,
        hidden: match lang {
            Lang::Id => format!("disembunyikan: kurang dari {} responden", report.k),
            Lang::En => format!("hidden: fewer than {} respondents", report.k),
        },
        rows: vec![
            [
                tr(lang, "Bagian", "Section"),
                "Unit",
                tr(lang, "Pertanyaan/indikator", "Question/indicator"),
                tr(lang, "Pilihan/kategori", "Option/category"),
                tr(lang, "Nilai", "Value"),
                tr(lang, "Ukuran", "Measure"),
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ],
    };
    let whole = match (&report.filter.unit, &report.filter.sector) {
        (Some(u), Some(s)) => format!("{} · {s}", u.name),
        (Some(u), None) => u.name.clone(),
        (None, Some(s)) => format!("{} · {s}", tr(lang, "Semua unit", "All units")),
        (None, None) => tr(lang, "Semua unit", "All units").to_string(),
    };
    let summary = tr(lang, "Ringkasan", "Summary");
    out.figure(
        summary,
        &whole,
        tr(lang, "Ambang pelaporan (k)", "Reporting threshold (k)"),
        "",
        Some(f64::from(report.k)),
        M::Count,
    );
    out.group("", &whole, &report.overall);

    let section = tr(lang, "Pertanyaan", "Questions");
    for q in &report.questions {
        out.question(section, &whole, q);
    }

    let by_unit = tr(lang, "Per unit", "By unit");
    for row in &report.breakdown {
        let name = if row.own_only {
            format!(
                "{} ({})",
                row.unit.name,
                tr(lang, "unit sendiri", "unit itself")
            )
        } else {
            row.unit.name.clone()
        };
        out.group(by_unit, &name, &row.group);
    }
    let by_sector = tr(lang, "Per sektor", "By sector");
    for row in &report.sectors {
        let name = row
            .sector
            .clone()
            .unwrap_or_else(|| tr(lang, "(tanpa sektor)", "(no sector)").to_string());
        out.group(by_sector, &name, &row.group);
    }

    if let Some(heatmap) = &report.heatmap {
        let section = tr(
            lang,
            "Peta kesenjangan kompetensi",
            "Competency gap heatmap",
        );
        for (row, unit_row) in heatmap.rows.iter().zip(&report.breakdown) {
            let name = if row.own_only {
                format!(
                    "{} ({})",
                    row.unit.name,
                    tr(lang, "unit sendiri", "unit itself")
                )
            } else {
                row.unit.name.clone()
            };
            if row.suppressed {
                out.hidden_row(section, &name, tr(lang, "Responden", "Respondents"), "");
                continue;
            }
            let stats = unit_row.group.competency.as_ref().map(|c| &c.competencies);
            for (i, (column, cell)) in heatmap.columns.iter().zip(&row.cells).enumerate() {
                let label = column.label.get(lang);
                let hidden = stats
                    .and_then(|s| s.get(i))
                    .is_some_and(|s| s.standard_suppressed);
                if hidden {
                    out.hidden_row(section, &name, label, "");
                } else {
                    out.figure(section, &name, label, "", *cell, M::Gap);
                }
            }
        }
    }

    if let Some(changes) = &report.changes {
        let section = tr(
            lang,
            "Perubahan dari gelombang sebelumnya",
            "Change from the previous wave",
        );
        for c in changes {
            let label = c.label.get(lang);
            out.figure(section, &whole, label, "", c.previous, M::Previous);
            out.figure(section, &whole, label, "", c.current, M::Current);
            out.figure(section, &whole, label, "", c.change, M::Change);
        }
    }
    out.rows
}

fn tr(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// What a value measures (the last column).
#[derive(Clone, Copy)]
enum M {
    Count,
    Answered,
    Share,
    Mean,
    Sd,
    MeanPosition,
    Score,
    Index,
    Percent,
    Minutes,
    Staff,
    Gap,
    Category,
    Previous,
    Current,
    Change,
    Weight,
}

impl M {
    fn label(self, lang: Lang) -> &'static str {
        match self {
            M::Count => tr(lang, "jumlah", "count"),
            M::Answered => tr(lang, "dijawab", "answered"),
            M::Share => tr(lang, "porsi (0-1)", "share (0-1)"),
            M::Mean => tr(lang, "rata-rata", "mean"),
            M::Sd => tr(lang, "simpangan baku", "standard deviation"),
            M::MeanPosition => tr(lang, "rata-rata posisi", "mean position"),
            M::Score => tr(lang, "skor", "score"),
            M::Index => tr(lang, "indeks (0-100)", "index (0-100)"),
            M::Percent => "%",
            M::Minutes => tr(lang, "menit per tahun", "minutes a year"),
            M::Staff => tr(lang, "orang", "people"),
            M::Gap => tr(lang, "kesenjangan", "gap"),
            M::Category => tr(lang, "kategori", "category"),
            M::Previous => tr(lang, "sebelumnya", "previous"),
            M::Current => tr(lang, "saat ini", "current"),
            M::Change => tr(lang, "perubahan", "change"),
            M::Weight => tr(lang, "bobot", "weight"),
        }
    }
}

/// A number with at most four decimals, without trailing zeros.
fn number(x: f64) -> String {
    let r = (x * 10_000.0).round() / 10_000.0;
    if r == 0.0 {
        return "0".to_string();
    }
    let s = format!("{r:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

struct Out {
    lang: Lang,
    hidden: String,
    rows: Vec<Vec<String>>,
}

impl Out {
    fn push(
        &mut self,
        section: &str,
        unit: &str,
        indicator: &str,
        item: &str,
        value: String,
        measure: &str,
    ) {
        self.rows.push(vec![
            section.to_string(),
            unit.to_string(),
            indicator.to_string(),
            item.to_string(),
            value,
            measure.to_string(),
        ]);
    }

    /// A shown figure; nothing when there is none.
    fn figure(
        &mut self,
        section: &str,
        unit: &str,
        indicator: &str,
        item: &str,
        value: Option<f64>,
        m: M,
    ) {
        if let Some(v) = value.filter(|v| v.is_finite()) {
            let measure = m.label(self.lang);
            self.push(section, unit, indicator, item, number(v), measure);
        }
    }

    fn text(&mut self, section: &str, unit: &str, indicator: &str, item: &str, value: &str, m: M) {
        let measure = m.label(self.lang);
        self.push(section, unit, indicator, item, value.to_string(), measure);
    }

    fn hidden_row(&mut self, section: &str, unit: &str, indicator: &str, item: &str) {
        let hidden = self.hidden.clone();
        self.push(section, unit, indicator, item, hidden, "");
    }

    /// A count: the number, or the hidden marker. Returns whether figures built on it may follow.
    fn count(
        &mut self,
        section: &str,
        unit: &str,
        indicator: &str,
        item: &str,
        (shown, suppressed): (Option<u64>, bool),
        m: M,
    ) -> bool {
        if suppressed {
            self.hidden_row(section, unit, indicator, item);
            return false;
        }
        self.figure(section, unit, indicator, item, shown.map(|n| n as f64), m);
        shown.is_some_and(|n| n > 0)
    }

    fn options(&mut self, section: &str, unit: &str, indicator: &str, options: &[OptionStat]) {
        for o in options {
            let item = o.label.get(self.lang).to_string();
            self.figure(
                section,
                unit,
                indicator,
                &item,
                Some(o.count as f64),
                M::Count,
            );
            self.figure(section, unit, indicator, &item, Some(o.share), M::Share);
            self.figure(
                section,
                unit,
                indicator,
                &item,
                o.mean_position,
                M::MeanPosition,
            );
        }
    }

    fn question(&mut self, section: &str, unit: &str, q: &QuestionReport) {
        let lang = self.lang;
        let text = q.text.get(lang).to_string();
        if !self.count(
            section,
            unit,
            &text,
            "",
            (q.answered, q.suppressed),
            M::Answered,
        ) {
            return;
        }
        self.options(section, unit, &text, &q.options);
        self.figure(section, unit, &text, "", q.mean, M::Mean);
        self.figure(section, unit, &text, "", q.sd, M::Sd);
        self.figure(
            section,
            unit,
            &text,
            tr(lang, "2 teratas", "top 2 box"),
            q.top2_share,
            M::Share,
        );
        if let Some(nps) = &q.nps {
            for (item, n) in [
                (
                    tr(lang, "Promotor (9-10)", "Promoters (9-10)"),
                    nps.promoters,
                ),
                (tr(lang, "Pasif (7-8)", "Passives (7-8)"), nps.passives),
                (
                    tr(lang, "Detraktor (0-6)", "Detractors (0-6)"),
                    nps.detractors,
                ),
            ] {
                self.figure(section, unit, &text, item, Some(n as f64), M::Count);
            }
            self.figure(section, unit, &text, "NPS", Some(nps.score), M::Score);
        }
        for row in &q.rows {
            let indicator = format!("{text} — {}", row.label.get(lang));
            if !self.count(
                section,
                unit,
                &indicator,
                "",
                (row.answered, row.suppressed),
                M::Answered,
            ) {
                continue;
            }
            self.options(section, unit, &indicator, &row.options);
            self.figure(section, unit, &indicator, "", row.mean, M::Mean);
            let top2 = tr(lang, "2 teratas", "top 2 box");
            self.figure(section, unit, &indicator, top2, row.top2_share, M::Share);
        }
        self.figure(section, unit, &text, "", q.total_minutes, M::Minutes);
        let tasks = tr(lang, "Baris tugas", "Task rows");
        self.figure(
            section,
            unit,
            &text,
            tasks,
            q.tasks.map(|n| n as f64),
            M::Count,
        );
    }
}
