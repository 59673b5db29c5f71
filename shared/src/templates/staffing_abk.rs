//! The staffing needs template (ABK, PermenPANRB 1/2020), for unit heads: the unit's tasks with their yearly
//! volume and standard time, and its current headcount.

use super::{Template, long_text, question, section, t, with_help};
use crate::survey::{QuestionKind, SurveyDefinition};

pub(super) fn template() -> Template {
    let tasks = section(
        "beban_kerja",
        t("Uraian tugas dan beban kerja", "Tasks and workload"),
        vec![with_help(
            question(
                "tugas",
                t(
                    "Daftar tugas pokok unit kerja Anda dalam satu tahun",
                    "Your unit's main tasks over one year",
                ),
                true,
                QuestionKind::WorkloadTasks { max_tasks: 30 },
            ),
            t(
                "Untuk setiap tugas, isi berapa kali tugas itu dikerjakan dalam setahun (volume) dan berapa menit rata-rata untuk menyelesaikannya satu kali (waktu penyelesaian baku).",
                "For each task, enter how many times it is done in a year (volume) and the average minutes needed to complete it once (standard time).",
            ),
        )],
    );
    let staff = section(
        "pegawai",
        t("Pegawai saat ini", "Current staff"),
        vec![
            with_help(
                question(
                    "pegawai_saat_ini",
                    t(
                        "Berapa jumlah pegawai yang saat ini mengerjakan tugas-tugas tersebut?",
                        "How many staff currently carry out these tasks?",
                    ),
                    true,
                    QuestionKind::Number {
                        integer: true,
                        min: Some(0.0),
                        max: Some(10000.0),
                        unit: Some(t("orang", "people")),
                    },
                ),
                t(
                    "Hitung PNS dan PPPK yang ditempatkan di unit ini.",
                    "Count civil servants (PNS) and contract staff (PPPK) posted to this unit.",
                ),
            ),
            long_text(
                "catatan",
                t(
                    "Catatan tentang beban kerja atau kebutuhan pegawai",
                    "Notes on the workload or staffing needs",
                ),
                2000,
            ),
        ],
    );
    Template {
        id: "staffing_abk",
        title: t("Analisis beban kerja (ABK)", "Workload analysis (ABK)"),
        description: t(
            "Diisi kepala unit kerja. Kebutuhan pegawai = Σ (volume kerja setahun × waktu penyelesaian baku dalam menit) ÷ 75.000 menit waktu kerja efektif (WKE 1.250 jam per tahun), lalu dibandingkan dengan jumlah pegawai saat ini (PermenPANRB 1/2020).",
            "For unit heads. Required staff = Σ (yearly volume × standard minutes per task) ÷ 75,000 minutes of effective working time (WKE 1,250 hours a year), compared with current headcount (PermenPANRB 1/2020).",
        ),
        definition: SurveyDefinition {
            title: t("Analisis Beban Kerja Unit", "Unit workload analysis"),
            description: Some(t(
                "Diisi oleh kepala unit kerja. Kebutuhan pegawai dihitung dengan metode hasil kerja: jumlah dari volume kerja setahun × waktu penyelesaian baku (menit), dibagi waktu kerja efektif 75.000 menit (1.250 jam) per pegawai per tahun.",
                "To be filled in by the unit head. Staffing needs are computed with the task-based method: the sum of yearly volume × standard time (minutes), divided by the effective working time of 75,000 minutes (1,250 hours) per employee per year.",
            )),
            sections: vec![tasks, staff],
        },
    }
}
