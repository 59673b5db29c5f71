//! The export rows of a group: its respondents and roster headcount, then the figures of each domain
//! analysis (competency, training needs, staffing, socialisation, SKM).

use super::{M, Out, tr};
use crate::i18n::{Lang, Text};
use crate::report::model::{
    CompetencyAnalysis, GroupReport, SkmAnalysis, SocialisationAnalysis, StaffingAnalysis,
    TrainingAnalysis,
};

impl Out {
    /// A group's respondents, headcount and domain analyses. `prefix` (breakdown, sector) precedes each
    /// section name.
    pub(super) fn group(&mut self, prefix: &str, unit: &str, g: &GroupReport) {
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
