//! The socialisation feedback template: staff awareness, understanding, acceptance, perceived impact,
//! concerns and readiness regarding one policy.

use super::{Template, long_text, option, question, row, scale, section, t, with_help};
use crate::survey::{Condition, QuestionKind, Scalar, SurveyDefinition};

const AGREE_5: [(&str, &str); 5] = [
    ("Sangat tidak setuju", "Strongly disagree"),
    ("Tidak setuju", "Disagree"),
    ("Ragu-ragu", "Neither agree nor disagree"),
    ("Setuju", "Agree"),
    ("Sangat setuju", "Strongly agree"),
];

pub(super) fn template() -> Template {
    let mut understanding = question(
        "pemahaman",
        t(
            "Seberapa baik Anda memahami isi kebijakan ini?",
            "How well do you understand this policy?",
        ),
        true,
        QuestionKind::Likert {
            scale: scale(&[
                ("Sangat tidak paham", "Not at all"),
                ("Kurang paham", "Slightly"),
                ("Cukup paham", "Moderately"),
                ("Paham", "Well"),
                ("Sangat paham", "Very well"),
            ]),
        },
    );
    understanding.visible_if = Some(Condition::Equals {
        question: "sudah_tahu".into(),
        value: Scalar::Text("ya".into()),
    });
    let awareness = section(
        "pengetahuan",
        t("Pengetahuan tentang kebijakan", "Awareness of the policy"),
        vec![
            question(
                "sudah_tahu",
                t(
                    "Apakah Anda sudah menerima informasi atau sosialisasi tentang kebijakan [nama kebijakan]?",
                    "Have you received information or a briefing about the [policy name] policy?",
                ),
                true,
                QuestionKind::SingleChoice {
                    options: vec![
                        option("ya", "Ya, sudah", "Yes"),
                        option("tidak", "Belum", "Not yet"),
                    ],
                },
            ),
            understanding,
        ],
    );
    let acceptance = section(
        "penerimaan",
        t("Penerimaan dan dampak", "Acceptance and impact"),
        vec![
            question(
                "penerimaan",
                t(
                    "Seberapa setuju Anda dengan pernyataan berikut?",
                    "How much do you agree with the following statements?",
                ),
                true,
                QuestionKind::LikertMatrix {
                    scale: scale(&AGREE_5),
                    rows: vec![
                        row(
                            "tujuan_jelas",
                            "Tujuan kebijakan ini jelas bagi saya.",
                            "The purpose of this policy is clear to me.",
                        ),
                        row(
                            "bermanfaat",
                            "Kebijakan ini bermanfaat bagi pelayanan kepada masyarakat.",
                            "This policy benefits the services we provide to the public.",
                        ),
                        row(
                            "adil",
                            "Kebijakan ini adil bagi pegawai di unit kerja saya.",
                            "This policy is fair to the staff in my unit.",
                        ),
                        row(
                            "mendukung",
                            "Saya mendukung pelaksanaan kebijakan ini.",
                            "I support putting this policy into practice.",
                        ),
                    ],
                },
            ),
            question(
                "dampak",
                t(
                    "Bagaimana dampak kebijakan ini terhadap pekerjaan Anda sehari-hari?",
                    "How does this policy affect your day-to-day work?",
                ),
                true,
                QuestionKind::Likert {
                    scale: scale(&[
                        ("Sangat memberatkan", "Makes it much harder"),
                        ("Memberatkan", "Makes it harder"),
                        ("Tidak berpengaruh", "No effect"),
                        ("Membantu", "Makes it easier"),
                        ("Sangat membantu", "Makes it much easier"),
                    ]),
                },
            ),
        ],
    );
    let readiness = section(
        "kesiapan",
        t(
            "Kekhawatiran, kesiapan, dan saran",
            "Concerns, readiness and suggestions",
        ),
        vec![
            with_help(
                question(
                    "kekhawatiran",
                    t(
                        "Apa yang Anda khawatirkan dari pelaksanaan kebijakan ini?",
                        "What concerns you about putting this policy into practice?",
                    ),
                    false,
                    QuestionKind::MultipleChoice {
                        options: vec![
                            option("beban_kerja", "Beban kerja bertambah", "More workload"),
                            option(
                                "keterampilan",
                                "Keterampilan saya belum memadai",
                                "My skills are not yet sufficient",
                            ),
                            option(
                                "karier",
                                "Dampak terhadap karier saya",
                                "Impact on my career",
                            ),
                            option(
                                "prosedur_tidak_jelas",
                                "Prosedur pelaksanaan belum jelas",
                                "The procedure is unclear",
                            ),
                            option("lainnya", "Lainnya", "Other"),
                        ],
                        min: None,
                        max: None,
                    },
                ),
                t(
                    "Boleh memilih lebih dari satu; kosongkan jika tidak ada.",
                    "You may choose more than one; leave blank if none.",
                ),
            ),
            question(
                "kesiapan",
                t(
                    "Seberapa siap Anda menjalankan perubahan yang dibawa kebijakan ini?",
                    "How ready are you to carry out the changes this policy brings?",
                ),
                true,
                QuestionKind::Likert {
                    scale: scale(&[
                        ("Sangat tidak siap", "Not at all ready"),
                        ("Kurang siap", "Not quite ready"),
                        ("Ragu-ragu", "Unsure"),
                        ("Siap", "Ready"),
                        ("Sangat siap", "Very ready"),
                    ]),
                },
            ),
            long_text(
                "saran",
                t(
                    "Saran Anda agar kebijakan ini berjalan lebih baik",
                    "Your suggestions for making this policy work better",
                ),
                2000,
            ),
        ],
    );
    Template {
        id: "socialisation",
        title: t(
            "Umpan balik sosialisasi kebijakan",
            "Policy socialisation feedback",
        ),
        description: t(
            "Mengukur pengetahuan, pemahaman, penerimaan, dampak, kekhawatiran, dan kesiapan pegawai terhadap satu kebijakan. Ganti [nama kebijakan] dengan nama kebijakan yang disosialisasikan.",
            "Measures staff awareness, understanding, acceptance, perceived impact, concerns and readiness regarding one policy. Replace [policy name] with the policy being introduced.",
        ),
        definition: SurveyDefinition {
            title: t(
                "Umpan Balik Sosialisasi Kebijakan [nama kebijakan]",
                "Feedback on the [policy name] policy briefing",
            ),
            description: Some(t(
                "Pendapat Anda membantu kami memperbaiki pelaksanaan kebijakan ini. Jawaban hanya dilaporkan secara agregat.",
                "Your views help us improve how this policy is carried out. Answers are only reported in aggregate.",
            )),
            sections: vec![awareness, acceptance, readiness],
        },
    }
}
