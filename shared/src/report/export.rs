//! The report as a flat table for CSV/XLSX: exactly the figures of the [`WaveReport`], one per row, and a
//! "hidden" marker where a count is hidden (the figures built on a hidden count are left out, as in the
//! report). Numbers use a decimal point and at most four decimals; shares are 0..1.

use super::model::{
    CompetencyAnalysis, GroupReport, OptionStat, QuestionReport, SkmAnalysis,
    SocialisationAnalysis, StaffingAnalysis, TrainingAnalysis, WaveReport,
};
use crate::i18n::{Lang, Text};

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

    /// A group's respondents, headcount and domain analyses. `prefix` (breakdown, sector) precedes each
    /// section name.
    fn group(&mut self, prefix: &str, unit: &str, g: &GroupReport) {
        let lang = self.lang;
        let section = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix} · {name}")
            }
        };
        let summary = section(tr(lang, "Ringkasan", "Summary"));
        let respondents = tr(lang, "Responden", "Respondents");
        let shown = self.count(
            &summary,
            unit,
            respondents,
            "",
            (g.respondents, g.suppressed),
            M::Count,
        );
        let headcount = tr(lang, "Pegawai (roster)", "Staff (roster)");
        self.figure(
            &summary,
            unit,
            headcount,
            "",
            Some(g.headcount as f64),
            M::Count,
        );
        if !shown {
            // A hidden or empty group's analyses hold no figures.
            return;
        }
        if let Some(c) = &g.competency {
            self.competency(&section(tr(lang, "Kompetensi", "Competency")), unit, c);
        }
        if let Some(t) = &g.training {
            self.training(
                &section(tr(lang, "Kebutuhan pelatihan", "Training needs")),
                unit,
                t,
            );
        }
        if let Some(s) = &g.staffing {
            self.staffing(
                &section(tr(lang, "Kebutuhan pegawai (ABK)", "Staffing needs (ABK)")),
                unit,
                s,
            );
        }
        if let Some(s) = &g.socialisation {
            self.socialisation(
                &section(tr(lang, "Sosialisasi kebijakan", "Policy socialisation")),
                unit,
                s,
            );
        }
        if let Some(s) = &g.skm {
            self.skm(&section("SKM"), unit, s);
        }
    }

    fn competency(&mut self, section: &str, unit: &str, c: &CompetencyAnalysis) {
        let lang = self.lang;
        let assessed = tr(
            lang,
            "Responden dengan standar jabatan",
            "Respondents with a position standard",
        );
        if self.count(
            section,
            unit,
            assessed,
            "",
            (c.assessed, c.suppressed),
            M::Count,
        ) {
            self.figure(section, unit, "JPM", "", c.jpm, M::Percent);
            if let Some(cat) = c.jpm_category {
                let label = cat.label();
                self.text(section, unit, "JPM", "", label.get(lang), M::Category);
            }
            for cc in &c.categories {
                let item = cc.category.label();
                let item = item.get(lang);
                let indicator = tr(lang, "Kategori JPM", "JPM category");
                self.figure(
                    section,
                    unit,
                    indicator,
                    item,
                    Some(cc.count as f64),
                    M::Count,
                );
                self.figure(section, unit, indicator, item, Some(cc.share), M::Share);
            }
        }
        for s in &c.competencies {
            let name = s.label.get(lang).to_string();
            let level = tr(lang, "Level aktual", "Actual level");
            if self.count(
                section,
                unit,
                &name,
                level,
                (s.answered, s.suppressed),
                M::Answered,
            ) {
                self.figure(section, unit, &name, level, s.mean_level, M::Mean);
            }
            let standard = tr(lang, "Level standar", "Required level");
            if self.count(
                section,
                unit,
                &name,
                standard,
                (s.with_standard, s.standard_suppressed),
                M::Answered,
            ) {
                self.figure(section, unit, &name, standard, s.mean_required, M::Mean);
                self.figure(section, unit, &name, standard, s.gap, M::Gap);
                let below = tr(lang, "Di bawah standar", "Below standard");
                self.figure(section, unit, &name, below, s.below_share, M::Share);
            }
        }
    }

    fn training(&mut self, section: &str, unit: &str, t: &TrainingAnalysis) {
        let lang = self.lang;
        let topics = tr(lang, "Topik pelatihan", "Training topics");
        if self.count(
            section,
            unit,
            topics,
            "",
            (t.answered, t.suppressed),
            M::Answered,
        ) {
            let prioritised = tr(lang, "Memilih prioritas utama", "Named a top priority");
            self.count(
                section,
                unit,
                prioritised,
                "",
                (t.prioritised, t.priority_suppressed),
                M::Count,
            );
            for topic in &t.topics {
                let item = topic.label.get(lang).to_string();
                self.figure(
                    section,
                    unit,
                    topics,
                    &item,
                    Some(topic.chosen as f64),
                    M::Count,
                );
                self.figure(
                    section,
                    unit,
                    topics,
                    &item,
                    Some(topic.chosen_share),
                    M::Share,
                );
                let priority = tr(lang, "Prioritas utama", "Top priority");
                self.figure(
                    section,
                    unit,
                    priority,
                    &item,
                    topic.priority.map(|p| p as f64),
                    M::Count,
                );
                let urgency = tr(lang, "Urgensi (1-4)", "Urgency (1-4)");
                self.figure(section, unit, urgency, &item, topic.mean_urgency, M::Mean);
                let score = tr(lang, "Skor kebutuhan", "Demand score");
                self.figure(section, unit, score, &item, Some(topic.score), M::Score);
            }
        }
        let jp = tr(lang, "JP tahun ini", "JP this year");
        if self.count(
            section,
            unit,
            jp,
            "",
            (t.jp_answered, t.jp_suppressed),
            M::Answered,
        ) {
            self.figure(section, unit, jp, "", t.jp_mean, M::Mean);
            let below = tr(lang, "Di bawah 20 JP", "Below 20 JP");
            self.figure(
                section,
                unit,
                jp,
                below,
                t.below_20.map(|n| n as f64),
                M::Count,
            );
            self.figure(section, unit, jp, below, t.below_20_share, M::Share);
            let shortfall = tr(lang, "Kekurangan JP", "JP shortfall");
            self.figure(section, unit, jp, shortfall, t.mean_shortfall, M::Mean);
        }
    }

    fn staffing(&mut self, section: &str, unit: &str, s: &StaffingAnalysis) {
        let lang = self.lang;
        let answered = tr(lang, "Isian beban kerja", "Workload responses");
        if self.count(
            section,
            unit,
            answered,
            "",
            (s.answered, s.suppressed),
            M::Count,
        ) {
            let tasks = tr(lang, "Baris tugas", "Task rows");
            self.figure(
                section,
                unit,
                tasks,
                "",
                s.tasks.map(|n| n as f64),
                M::Count,
            );
            let load = tr(lang, "Beban kerja", "Workload");
            self.figure(section, unit, load, "", s.total_minutes, M::Minutes);
            let need = tr(lang, "Kebutuhan pegawai", "Required staff");
            let fractional = tr(lang, "pecahan", "fractional");
            self.figure(section, unit, need, fractional, s.required_fte, M::Staff);
            let rounded = tr(lang, "dibulatkan ke atas", "rounded up");
            self.figure(
                section,
                unit,
                need,
                rounded,
                s.required_staff.map(|n| n as f64),
                M::Staff,
            );
            let gap = tr(
                lang,
                "Kekurangan (+) / kelebihan (-)",
                "Shortage (+) / surplus (-)",
            );
            self.figure(section, unit, gap, "", s.gap.map(|g| g as f64), M::Staff);
        }
    }

    fn socialisation(&mut self, section: &str, unit: &str, s: &SocialisationAnalysis) {
        let lang = self.lang;
        let acceptance = tr(lang, "Penerimaan", "Acceptance");
        if self.count(
            section,
            unit,
            acceptance,
            "",
            (s.answered, s.suppressed),
            M::Answered,
        ) {
            let index = tr(lang, "Indeks penerimaan", "Acceptance index");
            self.figure(section, unit, index, "", s.acceptance_index, M::Index);
            let favourable = tr(lang, "Setuju (2 teratas)", "Favourable (top 2 box)");
            self.figure(section, unit, favourable, "", s.favourable_share, M::Share);
            for item in &s.items {
                let label = item.label.get(lang).to_string();
                if self.count(
                    section,
                    unit,
                    acceptance,
                    &label,
                    (item.answered, item.suppressed),
                    M::Answered,
                ) {
                    self.figure(section, unit, acceptance, &label, item.mean, M::Mean);
                    self.figure(section, unit, acceptance, &label, item.index, M::Index);
                    self.figure(
                        section,
                        unit,
                        favourable,
                        &label,
                        item.favourable_share,
                        M::Share,
                    );
                }
            }
        }
        let concerns = tr(lang, "Kekhawatiran", "Concerns");
        if self.count(
            section,
            unit,
            concerns,
            "",
            (s.concerns_answered, s.concerns_suppressed),
            M::Answered,
        ) {
            self.options(section, unit, concerns, &s.concerns);
        }
    }

    fn skm(&mut self, section: &str, unit: &str, s: &SkmAnalysis) {
        let lang = self.lang;
        for e in &s.elements {
            let label = short_element_label(&e.label, lang);
            if self.count(
                section,
                unit,
                &label,
                "",
                (e.answered, e.suppressed),
                M::Answered,
            ) {
                self.figure(section, unit, &label, "NRR", e.nrr, M::Mean);
                let weighted = tr(lang, "NRR tertimbang", "Weighted NRR");
                self.figure(section, unit, &label, weighted, e.weighted, M::Score);
            }
        }
        self.figure(section, unit, "IKM", "", Some(s.weight), M::Weight);
        self.figure(section, unit, "IKM", "", s.ikm, M::Score);
        let converted = tr(lang, "IKM konversi", "IKM (converted)");
        self.figure(section, unit, converted, "", s.converted, M::Score);
        if let Some(grade) = s.grade {
            let value = format!("{} ({})", grade.letter(), grade.label().get(lang));
            self.text(section, unit, converted, "", &value, M::Category);
        }
        let population = tr(lang, "Populasi (N)", "Population (N)");
        self.figure(
            section,
            unit,
            population,
            "",
            Some(s.population as f64),
            M::Count,
        );
        let sample = tr(
            lang,
            "Sampel minimum (Krejcie-Morgan)",
            "Minimum sample (Krejcie-Morgan)",
        );
        self.figure(
            section,
            unit,
            sample,
            "",
            Some(s.min_sample as f64),
            M::Count,
        );
        if let Some(ok) = s.sample_sufficient {
            let sufficient = tr(lang, "Sampel mencukupi", "Sample sufficient");
            let value = if ok {
                tr(lang, "ya", "yes")
            } else {
                tr(lang, "tidak", "no")
            };
            self.text(section, unit, sufficient, "", value, M::Category);
        }
    }
}

/// An SKM element's label up to its colon (`U1 Persyaratan`), the question text otherwise.
fn short_element_label(label: &Text, lang: Lang) -> String {
    let text = label.get(lang);
    text.split(':').next().unwrap_or(text).trim().to_string()
}
