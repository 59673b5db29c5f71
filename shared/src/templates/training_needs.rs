//! The training needs template: the topics, urgency and learning modes staff need, and the JP of competency
//! development they completed this year (entitlement: at least 20 JP a year).

use super::{Template, long_text, option, question, scale, section, t, with_help};
use crate::survey::{ChoiceOption, QuestionKind, SurveyDefinition};

fn training_topics() -> Vec<ChoiceOption> {
    vec![
        option(
            "manajemen_risiko_bencana",
            "Manajemen risiko bencana",
            "Disaster risk management",
        ),
        option(
            "pelayanan_publik_digital",
            "Pelayanan publik digital",
            "Digital public services",
        ),
        option(
            "kurikulum_merdeka",
            "Kurikulum Merdeka",
            "Kurikulum Merdeka (school curriculum)",
        ),
        option("literasi_data", "Literasi data", "Data literacy"),
        option(
            "anggaran_berbasis_kinerja",
            "Penyusunan anggaran berbasis kinerja",
            "Performance-based budgeting",
        ),
        option("kepemimpinan", "Kepemimpinan", "Leadership"),
        option(
            "pengadaan_barang_jasa",
            "Pengadaan barang/jasa pemerintah",
            "Government procurement",
        ),
        option(
            "arsip_digital",
            "Tata naskah dan kearsipan digital (SRIKANDI)",
            "Digital correspondence and records (SRIKANDI)",
        ),
    ]
}

pub(super) fn template() -> Template {
    let topics = section(
        "topik",
        t("Topik pelatihan", "Training topics"),
        vec![
            with_help(
                question(
                    "topik",
                    t(
                        "Topik pelatihan apa yang paling Anda butuhkan untuk pekerjaan Anda?",
                        "Which training topics do you need most for your work?",
                    ),
                    true,
                    QuestionKind::MultipleChoice {
                        options: training_topics(),
                        min: Some(1),
                        max: Some(3),
                    },
                ),
                t("Pilih paling banyak 3.", "Choose up to 3."),
            ),
            question(
                "topik_prioritas",
                t(
                    "Dari semua topik tersebut, mana prioritas utama Anda?",
                    "Of all these topics, which is your top priority?",
                ),
                true,
                QuestionKind::SingleChoice {
                    options: training_topics(),
                },
            ),
            question(
                "urgensi",
                t(
                    "Seberapa mendesak pelatihan topik prioritas utama itu bagi pekerjaan Anda?",
                    "How urgent is training on that top-priority topic for your work?",
                ),
                true,
                QuestionKind::Likert {
                    scale: scale(&[
                        ("Tidak mendesak", "Not urgent"),
                        ("Kurang mendesak", "Somewhat urgent"),
                        ("Mendesak", "Urgent"),
                        ("Sangat mendesak", "Very urgent"),
                    ]),
                },
            ),
        ],
    );
    let learning = section(
        "cara_belajar",
        t(
            "Cara belajar dan riwayat pengembangan",
            "Learning preferences and development so far",
        ),
        vec![
            with_help(
                question(
                    "moda",
                    t(
                        "Moda pembelajaran apa yang paling sesuai bagi Anda?",
                        "Which learning modes suit you best?",
                    ),
                    true,
                    QuestionKind::MultipleChoice {
                        options: vec![
                            option(
                                "klasikal",
                                "Klasikal (tatap muka)",
                                "Classroom (face to face)",
                            ),
                            option("e_learning", "E-learning", "E-learning"),
                            option(
                                "coaching_mentoring",
                                "Coaching/mentoring",
                                "Coaching/mentoring",
                            ),
                            option("magang", "Magang", "Internship/secondment"),
                        ],
                        min: Some(1),
                        max: None,
                    },
                ),
                t(
                    "Boleh memilih lebih dari satu.",
                    "You may choose more than one.",
                ),
            ),
            with_help(
                question(
                    "jp_tahun_ini",
                    t(
                        "Berapa JP pengembangan kompetensi yang sudah Anda ikuti tahun ini?",
                        "How many JP of competency development have you completed this year?",
                    ),
                    true,
                    QuestionKind::Number {
                        integer: true,
                        min: Some(0.0),
                        max: Some(500.0),
                        unit: Some(t("JP", "JP")),
                    },
                ),
                t(
                    "1 JP (jam pelajaran) = 45 menit. Setiap PNS berhak atas paling sedikit 20 JP pengembangan kompetensi per tahun.",
                    "1 JP (lesson hour) = 45 minutes. Every civil servant is entitled to at least 20 JP of competency development a year.",
                ),
            ),
            long_text(
                "catatan",
                t(
                    "Kebutuhan pelatihan lain atau catatan untuk BKPSDM",
                    "Other training needs or notes for BKPSDM",
                ),
                2000,
            ),
        ],
    );
    Template {
        id: "training_needs",
        title: t("Analisis kebutuhan pelatihan", "Training needs analysis"),
        description: t(
            "Topik, urgensi, dan moda pelatihan yang dibutuhkan pegawai, serta JP pengembangan kompetensi yang sudah diikuti tahun ini (hak minimal 20 JP per tahun).",
            "Training topics, urgency and preferred learning modes, plus the JP of competency development completed this year (entitlement: at least 20 JP a year).",
        ),
        definition: SurveyDefinition {
            title: t(
                "Analisis Kebutuhan Pelatihan Pegawai",
                "Staff training needs analysis",
            ),
            description: Some(t(
                "Jawaban Anda membantu BKPSDM Kota Serang menyusun rencana pengembangan kompetensi tahun depan.",
                "Your answers help BKPSDM Kota Serang plan next year's competency development.",
            )),
            sections: vec![topics, learning],
        },
    }
}
