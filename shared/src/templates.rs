//! Ready-made survey definitions an author can start from: competency self-assessment, training needs,
//! staffing needs (ABK), policy socialisation feedback and the SKM public satisfaction survey. Each passes
//! `validate_definition`; authors edit them (e.g. append technical competencies) before publishing.

use crate::i18n::Text;
use crate::survey::{
    ChoiceOption, CompetencyGroup, Condition, LikertScale, MatrixRow, Question, QuestionKind,
    Scalar, Section, SurveyDefinition,
};

/// A starting point for a new survey.
#[derive(Debug, Clone)]
pub struct Template {
    /// Stable id, e.g. `skm`.
    pub id: &'static str,
    /// Name shown in the template picker.
    pub title: Text,
    /// What the template is for, shown in the template picker.
    pub description: Text,
    pub definition: SurveyDefinition,
}

/// Every template, in the order the picker shows them.
pub fn all() -> Vec<Template> {
    vec![
        competency(),
        training_needs(),
        staffing_abk(),
        socialisation(),
        skm(),
    ]
}

/// The template with this id.
pub fn get(id: &str) -> Option<Template> {
    all().into_iter().find(|t| t.id == id)
}

// ---------------------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------------------

fn t(id: &str, en: &str) -> Text {
    Text::new(id, en)
}

fn option(id: &str, label_id: &str, label_en: &str) -> ChoiceOption {
    ChoiceOption {
        id: id.to_string(),
        label: t(label_id, label_en),
    }
}

fn row(id: &str, label_id: &str, label_en: &str) -> MatrixRow {
    MatrixRow {
        id: id.to_string(),
        label: t(label_id, label_en),
    }
}

fn scale(labels: &[(&str, &str)]) -> LikertScale {
    LikertScale {
        points: labels.len() as u8,
        labels: labels.iter().map(|(id, en)| t(id, en)).collect(),
    }
}

fn question(id: &str, text: Text, required: bool, kind: QuestionKind) -> Question {
    Question {
        id: id.to_string(),
        text,
        help: None,
        required,
        visible_if: None,
        kind,
    }
}

fn with_help(mut q: Question, help: Text) -> Question {
    q.help = Some(help);
    q
}

fn section(id: &str, title: Text, questions: Vec<Question>) -> Section {
    Section {
        id: id.to_string(),
        title,
        description: None,
        visible_if: None,
        questions,
    }
}

fn long_text(id: &str, text: Text, max_length: u32) -> Question {
    question(id, text, false, QuestionKind::LongText { max_length })
}

const AGREE_5: [(&str, &str); 5] = [
    ("Sangat tidak setuju", "Strongly disagree"),
    ("Tidak setuju", "Disagree"),
    ("Ragu-ragu", "Neither agree nor disagree"),
    ("Setuju", "Agree"),
    ("Sangat setuju", "Strongly agree"),
];

// ---------------------------------------------------------------------------------------------------------
// a. Competency self-assessment (PermenPANRB 38/2017)
// ---------------------------------------------------------------------------------------------------------

/// One managerial or socio-cultural competency of PermenPANRB 38/2017: code, name, definition and the five
/// level descriptors (level 1 first), each as (Indonesian, English).
struct CompetencySpec {
    code: &'static str,
    group: CompetencyGroup,
    name: (&'static str, &'static str),
    definition: (&'static str, &'static str),
    levels: [(&'static str, &'static str); 5],
}

const MANAGERIAL: CompetencyGroup = CompetencyGroup::Manajerial;

// Level descriptors summarise the "deskripsi level" of the Kamus Kompetensi Manajerial dan Sosial Kultural,
// Lampiran PermenPANRB 38/2017.
const COMPETENCIES: [CompetencySpec; 9] = [
    CompetencySpec {
        code: "integritas",
        group: MANAGERIAL,
        name: ("Integritas", "Integrity"),
        definition: (
            "Konsisten berperilaku selaras dengan nilai, norma, dan etika organisasi, serta jujur dalam hubungan dengan atasan, rekan kerja, bawahan, dan pemangku kepentingan.",
            "Consistently acting in line with the organisation's values, norms and ethics, and being honest with superiors, peers, subordinates and stakeholders.",
        ),
        levels: [
            (
                "Bertindak sesuai nilai, norma, dan etika organisasi dalam kapasitas pribadi.",
                "Acts in line with the organisation's values, norms and ethics in a personal capacity.",
            ),
            (
                "Mengingatkan dan mengajak rekan kerja untuk bertindak sesuai nilai, norma, dan etika organisasi.",
                "Reminds and encourages colleagues to act in line with the organisation's values, norms and ethics.",
            ),
            (
                "Memastikan anggota tim yang dipimpin bertindak sesuai nilai, norma, dan etika organisasi.",
                "Ensures the team members they lead act in line with the organisation's values, norms and ethics.",
            ),
            (
                "Menciptakan situasi kerja yang mendorong kepatuhan pada nilai, norma, dan etika organisasi.",
                "Creates a working climate that fosters compliance with the organisation's values, norms and ethics.",
            ),
            (
                "Menjadi teladan dalam penerapan standar keadilan dan etika, termasuk di tingkat nasional.",
                "Is a role model in applying standards of fairness and ethics, including at national level.",
            ),
        ],
    },
    CompetencySpec {
        code: "kerja_sama",
        group: MANAGERIAL,
        name: ("Kerja Sama", "Teamwork"),
        definition: (
            "Kemampuan menjalin, membina, dan mempertahankan hubungan kerja yang efektif, memiliki komitmen saling membantu dalam penyelesaian tugas, serta mengoptimalkan segala sumber daya untuk mencapai tujuan organisasi.",
            "Building and keeping effective working relationships, committing to help one another complete tasks, and making the most of all resources to reach the organisation's goals.",
        ),
        levels: [
            (
                "Berpartisipasi aktif sebagai anggota tim yang baik.",
                "Takes an active part as a good team member.",
            ),
            (
                "Menumbuhkan kerja sama tim yang partisipatif dan efektif.",
                "Fosters participatory and effective teamwork.",
            ),
            (
                "Membangun tim kerja yang efektif untuk meningkatkan kinerja organisasi.",
                "Builds effective teams to improve the organisation's performance.",
            ),
            (
                "Membangun komitmen dan sinergi tim, termasuk lintas unit kerja.",
                "Builds team commitment and synergy, including across units.",
            ),
            (
                "Menciptakan kerja sama yang konsisten di dalam maupun di luar instansi.",
                "Creates consistent cooperation both within and beyond the agency.",
            ),
        ],
    },
    CompetencySpec {
        code: "komunikasi",
        group: MANAGERIAL,
        name: ("Komunikasi", "Communication"),
        definition: (
            "Kemampuan menerangkan pandangan dan gagasan secara jelas, sistematis, dan meyakinkan, disertai argumentasi yang logis, serta mendengarkan pihak lain dengan saksama.",
            "Explaining views and ideas clearly, systematically and convincingly with sound arguments, and listening carefully to others.",
        ),
        levels: [
            (
                "Menyampaikan informasi dengan jelas, lengkap, dan mudah dipahami.",
                "Conveys information clearly, completely and understandably.",
            ),
            (
                "Aktif berkomunikasi secara formal maupun informal dan mau mendengarkan orang lain.",
                "Communicates actively, formally and informally, and listens to others.",
            ),
            (
                "Berkomunikasi secara asertif, termasuk menyampaikan informasi yang sensitif atau rumit.",
                "Communicates assertively, including sensitive or complex information.",
            ),
            (
                "Menyampaikan gagasan yang kompleks secara lisan dan tertulis untuk mendorong kesepakatan.",
                "Presents complex ideas orally and in writing to build agreement.",
            ),
            (
                "Menggagas sistem komunikasi yang terbuka untuk mencari solusi dan meningkatkan kinerja.",
                "Initiates open communication systems to find solutions and improve performance.",
            ),
        ],
    },
    CompetencySpec {
        code: "orientasi_hasil",
        group: MANAGERIAL,
        name: ("Orientasi pada Hasil", "Results orientation"),
        definition: (
            "Kemampuan mempertahankan komitmen pribadi yang tinggi untuk menyelesaikan tugas, dapat diandalkan, bertanggung jawab, dan mampu mengidentifikasi risiko serta peluang untuk mencapai hasil kerja yang lebih baik.",
            "Keeping a strong personal commitment to finish tasks, being reliable and accountable, and spotting risks and opportunities to achieve better results.",
        ),
        levels: [
            (
                "Bertanggung jawab memenuhi standar kerja.",
                "Takes responsibility for meeting work standards.",
            ),
            (
                "Berupaya mencapai hasil di atas standar dan mencoba cara kerja yang lebih baik.",
                "Strives to exceed standards and tries better ways of working.",
            ),
            (
                "Menetapkan target kerja yang menantang bagi unit kerja.",
                "Sets challenging targets for the unit.",
            ),
            (
                "Mendorong unit kerja mencapai atau melampaui target yang ditetapkan.",
                "Drives the unit to meet or exceed its targets.",
            ),
            (
                "Menyusun kebijakan yang berdampak positif pada peningkatan kinerja instansi.",
                "Designs policies that measurably improve the agency's performance.",
            ),
        ],
    },
    CompetencySpec {
        code: "pelayanan_publik",
        group: MANAGERIAL,
        name: ("Pelayanan Publik", "Public service"),
        definition: (
            "Kemampuan menjalankan tugas pemerintahan, pembangunan, dan pelayanan publik secara profesional, transparan, dan mengikuti standar pelayanan yang objektif, netral, tidak memihak, serta tidak diskriminatif.",
            "Carrying out government, development and public service duties professionally and transparently, following objective, neutral, impartial and non-discriminatory service standards.",
        ),
        levels: [
            (
                "Menjalankan tugas sesuai standar pelayanan.",
                "Carries out duties according to service standards.",
            ),
            (
                "Mengawasi dan menjelaskan proses pelayanan secara transparan.",
                "Supervises and explains service processes transparently.",
            ),
            (
                "Memperbaiki standar pelayanan publik di lingkup unit kerja.",
                "Improves public service standards within the unit.",
            ),
            (
                "Mengevaluasi dan mengantisipasi isu jangka panjang dalam pelayanan kepada pemangku kepentingan.",
                "Evaluates and anticipates long-term issues in serving stakeholders.",
            ),
            (
                "Memastikan kebijakan pelayanan publik yang objektif, netral, dan tidak diskriminatif.",
                "Ensures public service policies that are objective, neutral and non-discriminatory.",
            ),
        ],
    },
    CompetencySpec {
        code: "pengembangan_diri",
        group: MANAGERIAL,
        name: (
            "Pengembangan Diri dan Orang Lain",
            "Developing self and others",
        ),
        definition: (
            "Kemampuan meningkatkan pengetahuan dan menyempurnakan keterampilan diri, serta menginspirasi orang lain untuk mengembangkan dan menyempurnakan pengetahuan dan keterampilannya.",
            "Growing one's own knowledge and skills, and inspiring others to develop and refine theirs.",
        ),
        levels: [
            (
                "Mengembangkan diri sendiri secara aktif.",
                "Actively develops their own abilities.",
            ),
            (
                "Membantu rekan atau bawahan belajar dengan memberi contoh dan penjelasan cara kerja.",
                "Helps colleagues or staff learn by showing and explaining how to do the work.",
            ),
            (
                "Memberikan umpan balik dan membimbing orang lain.",
                "Gives feedback and coaches others.",
            ),
            (
                "Menyusun program pengembangan jangka panjang bagi pegawai.",
                "Designs long-term development programmes for staff.",
            ),
            (
                "Menciptakan budaya belajar berkelanjutan di organisasi.",
                "Creates a culture of continuous learning in the organisation.",
            ),
        ],
    },
    CompetencySpec {
        code: "mengelola_perubahan",
        group: MANAGERIAL,
        name: ("Mengelola Perubahan", "Managing change"),
        definition: (
            "Kemampuan menyesuaikan diri dengan situasi yang baru atau berubah, tidak bergantung secara berlebihan pada metode dan proses lama, serta mengambil tindakan untuk mendukung dan melaksanakan perubahan.",
            "Adapting to new or changing situations without relying too much on old methods and processes, and acting to support and carry out change.",
        ),
        levels: [
            ("Menyesuaikan diri dengan perubahan.", "Adapts to change."),
            (
                "Proaktif beradaptasi mengikuti perubahan.",
                "Adapts to change proactively.",
            ),
            (
                "Membantu orang lain mengikuti perubahan dan mengantisipasinya.",
                "Helps others through change and anticipates it.",
            ),
            (
                "Memimpin perubahan di unit kerja.",
                "Leads change in the unit.",
            ),
            (
                "Mengelola perubahan yang berdampak luas bagi instansi dan masyarakat.",
                "Manages far-reaching change for the agency and the public.",
            ),
        ],
    },
    CompetencySpec {
        code: "pengambilan_keputusan",
        group: MANAGERIAL,
        name: ("Pengambilan Keputusan", "Decision making"),
        definition: (
            "Kemampuan membuat keputusan yang baik secara tepat waktu dan dengan keyakinan diri setelah mempertimbangkan prinsip kehati-hatian, dirumuskan secara sistematis dan saksama berdasarkan berbagai informasi, alternatif pemecahan masalah, dan konsekuensinya, serta bertanggung jawab atas keputusan yang diambil.",
            "Making sound, timely and confident decisions after weighing information, alternatives and consequences carefully and systematically, and taking responsibility for them.",
        ),
        levels: [
            (
                "Mengumpulkan informasi untuk bertindak sesuai kewenangan.",
                "Gathers information to act within their authority.",
            ),
            (
                "Menganalisis masalah secara mendalam.",
                "Analyses problems in depth.",
            ),
            (
                "Membandingkan berbagai alternatif dan menimbang risikonya.",
                "Compares alternatives and weighs their risks.",
            ),
            (
                "Menyelesaikan masalah berisiko tinggi dan mengantisipasi dampak keputusan.",
                "Resolves high-risk problems and anticipates the impact of decisions.",
            ),
            (
                "Mengambil keputusan strategis untuk masalah jangka panjang yang berdampak luas.",
                "Makes strategic decisions on long-term, far-reaching problems.",
            ),
        ],
    },
    CompetencySpec {
        code: "perekat_bangsa",
        group: CompetencyGroup::SosialKultural,
        name: ("Perekat Bangsa", "National cohesion"),
        definition: (
            "Kemampuan mempromosikan sikap toleransi, keterbukaan, dan peka terhadap perbedaan individu atau kelompok masyarakat; mampu menjadi perpanjangan tangan pemerintah dalam mempersatukan masyarakat dan membangun hubungan sosial psikologis di tengah kemajemukan Indonesia.",
            "Promoting tolerance and openness, being sensitive to differences between individuals and groups, and acting for the government in uniting people and building social bonds amid Indonesia's diversity.",
        ),
        levels: [
            (
                "Peka, memahami, dan menerima kemajemukan.",
                "Is sensitive to, understands and accepts diversity.",
            ),
            (
                "Aktif mengembangkan sikap saling menghargai dan menekankan persatuan.",
                "Actively fosters mutual respect and stresses unity.",
            ),
            (
                "Mempromosikan dan mengembangkan sikap toleransi dan persatuan.",
                "Promotes and develops tolerance and unity.",
            ),
            (
                "Mendayagunakan perbedaan secara konstruktif dan kreatif untuk efektivitas organisasi.",
                "Uses differences constructively and creatively for the organisation's effectiveness.",
            ),
            (
                "Menjadi wakil pemerintah dalam membangun hubungan sosial di tengah kemajemukan.",
                "Represents the government in building social bonds amid diversity.",
            ),
        ],
    },
];

fn competency_question(spec: &CompetencySpec) -> Question {
    with_help(
        question(
            spec.code,
            t(spec.name.0, spec.name.1),
            true,
            QuestionKind::Competency {
                code: spec.code.to_string(),
                group: spec.group,
                levels: spec.levels.iter().map(|(id, en)| t(id, en)).collect(),
            },
        ),
        t(spec.definition.0, spec.definition.1),
    )
}

fn competency() -> Template {
    let profile = section(
        "profil",
        t("Jabatan Anda", "Your position"),
        vec![with_help(
            question(
                "jabatan",
                t(
                    "Apa jenjang jabatan Anda saat ini?",
                    "What is your current position level?",
                ),
                true,
                QuestionKind::JobLevel,
            ),
            t(
                "Jenjang jabatan menentukan level kompetensi yang dipersyaratkan bagi Anda.",
                "Your position level sets the competency level required of you.",
            ),
        )],
    );
    let mut first = section(
        "manajerial_1",
        t(
            "Kompetensi manajerial (1/2)",
            "Managerial competencies (1/2)",
        ),
        COMPETENCIES[..4].iter().map(competency_question).collect(),
    );
    first.description = Some(t(
        "Untuk setiap kompetensi, pilih level yang paling menggambarkan perilaku Anda sehari-hari di tempat kerja, bukan level yang diharapkan. Tidak ada jawaban benar atau salah.",
        "For each competency, choose the level that best describes how you actually behave at work every day, not the level expected of you. There are no right or wrong answers.",
    ));
    let mut second_questions: Vec<Question> =
        COMPETENCIES[4..].iter().map(competency_question).collect();
    second_questions.push(long_text(
        "kompetensi_teknis",
        t(
            "Kompetensi teknis apa yang ingin Anda kembangkan dalam satu tahun ke depan?",
            "Which technical competencies would you like to develop over the next year?",
        ),
        2000,
    ));
    let second = section(
        "manajerial_2",
        t(
            "Kompetensi manajerial (2/2) dan sosial kultural",
            "Managerial (2/2) and socio-cultural competencies",
        ),
        second_questions,
    );
    Template {
        id: "competency",
        title: t("Penilaian mandiri kompetensi", "Competency self-assessment"),
        description: t(
            "Penilaian mandiri 8 kompetensi manajerial dan 1 kompetensi sosial kultural (level 1-5) menurut PermenPANRB 38/2017, dibandingkan dengan level yang dipersyaratkan jenjang jabatan. Kompetensi teknis dapat ditambahkan sesuai jabatan.",
            "Self-assessment of the 8 managerial competencies and 1 socio-cultural competency (levels 1-5) of PermenPANRB 38/2017, compared with the level required for the position. Technical competencies can be added per position.",
        ),
        definition: SurveyDefinition {
            title: t(
                "Penilaian Mandiri Kompetensi Manajerial dan Sosial Kultural",
                "Self-assessment of managerial and socio-cultural competencies",
            ),
            description: Some(t(
                "Survei ini mengacu pada Standar Kompetensi Jabatan ASN (PermenPANRB Nomor 38 Tahun 2017). Hasilnya dipakai untuk merencanakan pengembangan kompetensi, bukan untuk menilai kinerja Anda.",
                "This survey follows the ASN position competency standard (PermenPANRB No. 38 of 2017). Results are used to plan competency development, not to appraise your performance.",
            )),
            sections: vec![profile, first, second],
        },
    }
}

// ---------------------------------------------------------------------------------------------------------
// b. Training needs
// ---------------------------------------------------------------------------------------------------------

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

fn training_needs() -> Template {
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

// ---------------------------------------------------------------------------------------------------------
// c. Staffing needs: ABK (PermenPANRB 1/2020)
// ---------------------------------------------------------------------------------------------------------

fn staffing_abk() -> Template {
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

// ---------------------------------------------------------------------------------------------------------
// d. Socialisation feedback
// ---------------------------------------------------------------------------------------------------------

fn socialisation() -> Template {
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

// ---------------------------------------------------------------------------------------------------------
// e. SKM: Survei Kepuasan Masyarakat (PermenPANRB 14/2017)
// ---------------------------------------------------------------------------------------------------------

/// One SKM element: id, question (Indonesian, English) and its official 1..4 answer wording.
type SkmElement = (
    &'static str,
    (&'static str, &'static str),
    [(&'static str, &'static str); 4],
);

// Question wording follows the sample questionnaire in the annex of PermenPANRB 14/2017; the answer labels
// are the official ones for each element.
const SKM_ELEMENTS: [SkmElement; 9] = [
    (
        "u1",
        (
            "U1 Persyaratan: Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
            "U1 Requirements: How well do the service requirements match the type of service?",
        ),
        [
            ("Tidak sesuai", "Not appropriate"),
            ("Kurang sesuai", "Somewhat appropriate"),
            ("Sesuai", "Appropriate"),
            ("Sangat sesuai", "Very appropriate"),
        ],
    ),
    (
        "u2",
        (
            "U2 Sistem, Mekanisme, dan Prosedur: Bagaimana pendapat Saudara tentang kemudahan prosedur pelayanan di unit ini?",
            "U2 System, mechanism and procedure: How easy is the service procedure at this unit?",
        ),
        [
            ("Tidak mudah", "Not easy"),
            ("Kurang mudah", "Somewhat easy"),
            ("Mudah", "Easy"),
            ("Sangat mudah", "Very easy"),
        ],
    ),
    (
        "u3",
        (
            "U3 Waktu Penyelesaian: Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
            "U3 Completion time: How fast was the service delivered?",
        ),
        [
            ("Tidak cepat", "Not fast"),
            ("Kurang cepat", "Somewhat fast"),
            ("Cepat", "Fast"),
            ("Sangat cepat", "Very fast"),
        ],
    ),
    (
        "u4",
        (
            "U4 Biaya/Tarif: Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
            "U4 Cost/fee: How reasonable is the cost or fee of the service?",
        ),
        [
            ("Sangat mahal", "Very expensive"),
            ("Cukup mahal", "Fairly expensive"),
            ("Murah", "Cheap"),
            ("Gratis", "Free"),
        ],
    ),
    (
        "u5",
        (
            "U5 Produk Spesifikasi Jenis Pelayanan: Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
            "U5 Service product: How well does the result you received match what the service standard promises?",
        ),
        [
            ("Tidak sesuai", "Not appropriate"),
            ("Kurang sesuai", "Somewhat appropriate"),
            ("Sesuai", "Appropriate"),
            ("Sangat sesuai", "Very appropriate"),
        ],
    ),
    (
        "u6",
        (
            "U6 Kompetensi Pelaksana: Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
            "U6 Staff competence: How competent were the staff who served you?",
        ),
        [
            ("Tidak kompeten", "Not competent"),
            ("Kurang kompeten", "Somewhat competent"),
            ("Kompeten", "Competent"),
            ("Sangat kompeten", "Very competent"),
        ],
    ),
    (
        "u7",
        (
            "U7 Perilaku Pelaksana: Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
            "U7 Staff conduct: How polite and friendly were the staff?",
        ),
        [
            ("Tidak sopan dan ramah", "Not polite and friendly"),
            ("Kurang sopan dan ramah", "Somewhat polite and friendly"),
            ("Sopan dan ramah", "Polite and friendly"),
            ("Sangat sopan dan ramah", "Very polite and friendly"),
        ],
    ),
    (
        "u8",
        (
            "U8 Sarana dan Prasarana: Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
            "U8 Facilities: How good are the facilities and infrastructure?",
        ),
        [
            ("Buruk", "Poor"),
            ("Cukup", "Fair"),
            ("Baik", "Good"),
            ("Sangat baik", "Very good"),
        ],
    ),
    (
        "u9",
        (
            "U9 Penanganan Pengaduan, Saran dan Masukan: Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
            "U9 Handling of complaints and suggestions: How are complaints from service users handled?",
        ),
        [
            ("Tidak ada", "Not available"),
            ("Ada tetapi tidak berfungsi", "Available but not working"),
            ("Berfungsi kurang maksimal", "Working, but not fully"),
            ("Dikelola dengan baik", "Well managed"),
        ],
    ),
];

fn skm_question(element: &SkmElement) -> Question {
    let (id, (text_id, text_en), labels) = element;
    question(
        id,
        t(text_id, text_en),
        true,
        QuestionKind::Likert {
            scale: scale(labels),
        },
    )
}

fn skm() -> Template {
    let service = section(
        "prosedur",
        t(
            "Persyaratan, prosedur, dan biaya",
            "Requirements, procedure and cost",
        ),
        SKM_ELEMENTS[..5].iter().map(skm_question).collect(),
    );
    let mut staff_questions: Vec<Question> = SKM_ELEMENTS[5..].iter().map(skm_question).collect();
    staff_questions.push(long_text(
        "saran",
        t(
            "Saran dan masukan untuk perbaikan pelayanan",
            "Suggestions for improving the service",
        ),
        2000,
    ));
    let staff = section(
        "petugas_sarana",
        t(
            "Petugas, sarana, dan pengaduan",
            "Staff, facilities and complaints",
        ),
        staff_questions,
    );
    Template {
        id: "skm",
        title: t(
            "Survei Kepuasan Masyarakat (SKM)",
            "Public satisfaction survey (SKM)",
        ),
        description: t(
            "Sembilan unsur pelayanan U1-U9 dengan skala 1-4 sesuai PermenPANRB 14/2017, untuk menghitung IKM unit layanan. Wajib dilaksanakan setiap unit layanan paling sedikit sekali setahun.",
            "The nine service elements U1-U9 on a 1-4 scale per PermenPANRB 14/2017, for computing the unit's satisfaction index (IKM). Every service unit must run it at least once a year.",
        ),
        definition: SurveyDefinition {
            title: t("Survei Kepuasan Masyarakat", "Public Satisfaction Survey"),
            description: Some(t(
                "Berikan penilaian Saudara atas pelayanan yang baru saja Saudara terima di unit layanan ini. Survei ini anonim dan hanya memerlukan beberapa menit.",
                "Please rate the service you have just received at this unit. The survey is anonymous and takes only a few minutes.",
            )),
            sections: vec![service, staff],
        },
    }
}

// ---------------------------------------------------------------------------------------------------------
// Test support, shared by the survey tests.
// ---------------------------------------------------------------------------------------------------------

#[cfg(test)]
pub(crate) mod test_support {
    use crate::i18n::Text;
    use crate::survey::{
        Answer, Answers, ChoiceOption, CompetencyGroup, Condition, JobLevel, LikertScale,
        MatrixRow, Question, QuestionKind, Scalar, Section, SurveyDefinition, TaskRow, is_visible,
    };

    fn options(ids: &[&str]) -> Vec<ChoiceOption> {
        ids.iter()
            .map(|id| ChoiceOption {
                id: id.to_string(),
                label: Text::new(format!("Pilihan {id}"), format!("Option {id}")),
            })
            .collect()
    }

    pub(crate) fn scale(points: u8) -> LikertScale {
        LikertScale {
            points,
            labels: (1..=points)
                .map(|p| Text::new(format!("Titik {p}"), format!("Point {p}")))
                .collect(),
        }
    }

    pub(crate) fn q(id: &str, required: bool, kind: QuestionKind) -> Question {
        Question {
            id: id.to_string(),
            text: Text::new(format!("Pertanyaan {id}"), format!("Question {id}")),
            help: None,
            required,
            visible_if: None,
            kind,
        }
    }

    /// A valid definition with one question of every kind (ids used by the survey tests).
    pub(crate) fn all_kinds_definition() -> SurveyDefinition {
        let mut follow_up = q(
            "lanjutan",
            false,
            QuestionKind::ShortText { max_length: 50 },
        );
        follow_up.visible_if = Some(Condition::Equals {
            question: "pilih_satu".into(),
            value: Scalar::Text("a".into()),
        });
        SurveyDefinition {
            title: Text::new("Semua jenis", "All kinds"),
            description: None,
            sections: vec![
                Section {
                    id: "pilihan".into(),
                    title: Text::id_only("Pilihan"),
                    description: None,
                    visible_if: None,
                    questions: vec![
                        q(
                            "pilih_satu",
                            false,
                            QuestionKind::SingleChoice {
                                options: options(&["a", "b", "c"]),
                            },
                        ),
                        follow_up,
                        q(
                            "pilih_banyak",
                            false,
                            QuestionKind::MultipleChoice {
                                options: options(&["a", "b", "c", "d"]),
                                min: Some(1),
                                max: Some(2),
                            },
                        ),
                        q("likert", false, QuestionKind::Likert { scale: scale(5) }),
                        q(
                            "matriks",
                            false,
                            QuestionKind::LikertMatrix {
                                scale: scale(5),
                                rows: vec![
                                    MatrixRow {
                                        id: "r1".into(),
                                        label: Text::id_only("Baris 1"),
                                    },
                                    MatrixRow {
                                        id: "r2".into(),
                                        label: Text::id_only("Baris 2"),
                                    },
                                ],
                            },
                        ),
                        q("bintang", false, QuestionKind::Rating { max: 5 }),
                        q("nps", false, QuestionKind::Nps),
                    ],
                },
                Section {
                    id: "isian".into(),
                    title: Text::id_only("Isian"),
                    description: None,
                    visible_if: None,
                    questions: vec![
                        q(
                            "angka",
                            false,
                            QuestionKind::Number {
                                integer: true,
                                min: Some(0.0),
                                max: Some(100.0),
                                unit: None,
                            },
                        ),
                        q(
                            "tanggal",
                            false,
                            QuestionKind::Date {
                                min: Some("2024-02-29".into()),
                                max: Some("2030-12-31".into()),
                            },
                        ),
                        q("singkat", false, QuestionKind::ShortText { max_length: 20 }),
                        q("panjang", false, QuestionKind::LongText { max_length: 100 }),
                        q(
                            "urutan",
                            false,
                            QuestionKind::Ranking {
                                options: options(&["x", "y", "z"]),
                            },
                        ),
                        q(
                            "integritas",
                            false,
                            QuestionKind::Competency {
                                code: "integritas".into(),
                                group: CompetencyGroup::Manajerial,
                                levels: (1..=5)
                                    .map(|l| Text::id_only(format!("Level {l}")))
                                    .collect(),
                            },
                        ),
                        q("jabatan", false, QuestionKind::JobLevel),
                        q("tugas", false, QuestionKind::WorkloadTasks { max_tasks: 5 }),
                    ],
                },
            ],
        }
    }

    /// A complete valid response: every shown question answered, deterministically.
    pub(crate) fn sample_response(def: &SurveyDefinition) -> Answers {
        let mut counter = 0usize;
        random_response(def, true, &mut |n| {
            counter += 1;
            counter % n.max(1)
        })
    }

    /// A valid response whose choices come from `pick(n)` (a number in `0..n`). With `complete`, every shown
    /// question is answered; otherwise optional ones are sometimes left out.
    pub(crate) fn random_response(
        def: &SurveyDefinition,
        complete: bool,
        pick: &mut dyn FnMut(usize) -> usize,
    ) -> Answers {
        let mut answers = Answers::new();
        for section in &def.sections {
            if !is_visible(section.visible_if.as_ref(), &answers) {
                continue;
            }
            for question in &section.questions {
                if !is_visible(question.visible_if.as_ref(), &answers) {
                    continue;
                }
                if !complete && !question.required && pick(3) == 0 {
                    continue;
                }
                if let Some(answer) = answer_for(&question.kind, pick) {
                    answers.insert(question.id.clone(), answer);
                }
            }
        }
        answers
    }

    fn rotated_ids(options: &[ChoiceOption], start: usize, count: usize) -> Vec<String> {
        (0..count)
            .map(|i| options[(start + i) % options.len()].id.clone())
            .collect()
    }

    fn truncate(s: &str, max: u32) -> String {
        s.chars().take(max as usize).collect()
    }

    fn answer_for(kind: &QuestionKind, pick: &mut dyn FnMut(usize) -> usize) -> Option<Answer> {
        Some(match kind {
            QuestionKind::SingleChoice { options } => {
                Answer::Text(options[pick(options.len())].id.clone())
            }
            QuestionKind::MultipleChoice { options, min, max } => {
                let n = options.len();
                let lo = (min.unwrap_or(1).max(1) as usize).min(n);
                let hi = max.map_or(n, |m| m as usize).min(n).max(lo);
                let count = lo + pick(hi - lo + 1);
                Answer::List(rotated_ids(options, pick(n), count))
            }
            QuestionKind::Likert { scale } => {
                Answer::Number((1 + pick(scale.points.into())) as f64)
            }
            QuestionKind::LikertMatrix { scale, rows } => Answer::Matrix(
                rows.iter()
                    .map(|r| (r.id.clone(), 1 + pick(scale.points.into()) as u8))
                    .collect(),
            ),
            QuestionKind::Rating { max } => Answer::Number((1 + pick((*max).into())) as f64),
            QuestionKind::Nps => Answer::Number(pick(11) as f64),
            QuestionKind::Competency { .. } => Answer::Number((1 + pick(5)) as f64),
            QuestionKind::Number {
                integer, min, max, ..
            } => {
                let lo = min.unwrap_or(0.0);
                let hi = max.unwrap_or(lo + 1000.0);
                let span = (hi - lo).max(0.0);
                let value = if *integer {
                    let lo = lo.ceil();
                    let steps = (hi.floor() - lo).clamp(0.0, 1e6) as usize;
                    lo + pick(steps + 1) as f64
                } else {
                    lo + span * pick(5) as f64 / 4.0
                };
                Answer::Number(value)
            }
            QuestionKind::Date { min, max } => Answer::Text(match (min, max) {
                (Some(lo), Some(hi)) => {
                    if pick(2) == 0 {
                        lo.clone()
                    } else {
                        hi.clone()
                    }
                }
                (Some(d), None) | (None, Some(d)) => d.clone(),
                (None, None) => format!("2026-{:02}-{:02}", 1 + pick(12), 1 + pick(28)),
            }),
            QuestionKind::ShortText { max_length } => {
                Answer::Text(truncate("Jawaban singkat", *max_length))
            }
            QuestionKind::LongText { max_length } => {
                Answer::Text(truncate("Jawaban panjang.\nBaris kedua.", *max_length))
            }
            QuestionKind::Ranking { options } => {
                let mut ids: Vec<String> = options.iter().map(|o| o.id.clone()).collect();
                for i in (1..ids.len()).rev() {
                    let j = pick(i + 1);
                    ids.swap(i, j);
                }
                Answer::List(ids)
            }
            QuestionKind::JobLevel => {
                Answer::Text(JobLevel::ALL[pick(JobLevel::ALL.len())].id().to_string())
            }
            QuestionKind::WorkloadTasks { max_tasks } => {
                let rows = 1 + pick((*max_tasks).clamp(1, 3) as usize);
                Answer::Tasks(
                    (0..rows)
                        .map(|i| TaskRow {
                            task: format!("Tugas {}", i + 1),
                            volume: pick(1000) as f64,
                            minutes: (1 + pick(480)) as f64 / 4.0,
                        })
                        .collect(),
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::test_support::{random_response, sample_response};
    use super::*;
    use crate::i18n::Lang;
    use crate::survey::{
        Answer, Answers, JobLevel, validate_definition, validate_response, visible_question_ids,
    };

    #[test]
    fn five_templates_with_unique_ids() {
        let ids: Vec<&str> = all().iter().map(|t| t.id).collect();
        assert_eq!(
            ids,
            [
                "competency",
                "training_needs",
                "staffing_abk",
                "socialisation",
                "skm"
            ]
        );
        for id in ids {
            assert_eq!(get(id).map(|t| t.id), Some(id));
        }
        assert!(get("nope").is_none());
    }

    #[test]
    fn every_template_validates_and_is_short() {
        for template in all() {
            let problems = validate_definition(&template.definition);
            assert!(problems.is_empty(), "{}: {problems:#?}", template.id);
            let count = template.definition.questions().count();
            assert!(count <= 25, "{} has {count} questions", template.id);
            for text in [&template.title, &template.description] {
                assert!(!text.id.trim().is_empty());
                assert!(!text.get(Lang::En).is_empty());
            }
        }
    }

    #[test]
    fn every_text_has_an_english_translation() {
        for template in all() {
            let json = serde_json::to_value(&template.definition).unwrap();
            let mut stack = vec![&json];
            while let Some(v) = stack.pop() {
                match v {
                    serde_json::Value::Object(map) => {
                        if map.contains_key("id") && map.get("id").is_some_and(|v| v.is_string()) {
                            // A Text has only `id` and `en`; other objects with an `id` have more keys.
                            let keys: HashSet<&str> = map.keys().map(String::as_str).collect();
                            if keys.is_subset(&HashSet::from(["id", "en"])) {
                                assert!(
                                    map.get("en")
                                        .and_then(|e| e.as_str())
                                        .is_some_and(|e| !e.is_empty()),
                                    "{}: missing English for {map:?}",
                                    template.id
                                );
                            }
                        }
                        stack.extend(map.values());
                    }
                    serde_json::Value::Array(items) => stack.extend(items),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn complete_sample_responses_validate() {
        for template in all() {
            let answers = sample_response(&template.definition);
            assert!(!answers.is_empty());
            let problems = validate_response(&template.definition, &answers);
            assert!(problems.is_empty(), "{}: {problems:#?}", template.id);
            // Complete: every shown question is answered.
            for id in visible_question_ids(&template.definition, &answers) {
                assert!(answers.contains_key(&id), "{}: {id}", template.id);
            }
        }
    }

    #[test]
    fn varied_random_responses_validate() {
        for template in all() {
            for seed in 0..50u64 {
                let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                let mut pick = |n: usize| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state % n.max(1) as u64) as usize
                };
                let answers = random_response(&template.definition, seed % 2 == 0, &mut pick);
                let problems = validate_response(&template.definition, &answers);
                assert!(
                    problems.is_empty(),
                    "{} seed {seed}: {problems:#?}",
                    template.id
                );
            }
        }
    }

    #[test]
    fn competency_template_content() {
        let def = get("competency").unwrap().definition;
        assert!((2..=4).contains(&def.sections.len()));
        let first = &def.sections[0].questions[0];
        assert_eq!(first.id, "jabatan");
        assert!(first.required);
        assert!(matches!(first.kind, QuestionKind::JobLevel));
        let mut codes = Vec::new();
        for (_, q) in def.questions() {
            if let QuestionKind::Competency {
                code,
                group,
                levels,
            } = &q.kind
            {
                assert!(q.required);
                assert_eq!(levels.len(), 5);
                let expected = if code == "perekat_bangsa" {
                    CompetencyGroup::SosialKultural
                } else {
                    CompetencyGroup::Manajerial
                };
                assert_eq!(*group, expected, "{code}");
                codes.push(code.as_str());
            }
        }
        assert_eq!(
            codes,
            [
                "integritas",
                "kerja_sama",
                "komunikasi",
                "orientasi_hasil",
                "pelayanan_publik",
                "pengembangan_diri",
                "mengelola_perubahan",
                "pengambilan_keputusan",
                "perekat_bangsa"
            ]
        );
        let last = def.sections.last().unwrap().questions.last().unwrap();
        assert!(!last.required);
        assert!(matches!(last.kind, QuestionKind::LongText { .. }));
    }

    #[test]
    fn training_needs_template_content() {
        let def = get("training_needs").unwrap().definition;
        let Some(QuestionKind::MultipleChoice { options, max, .. }) =
            def.question("topik").map(|q| &q.kind)
        else {
            panic!("topik is a multiple choice");
        };
        assert_eq!(*max, Some(3));
        for id in [
            "manajemen_risiko_bencana",
            "pelayanan_publik_digital",
            "kurikulum_merdeka",
            "literasi_data",
            "anggaran_berbasis_kinerja",
            "kepemimpinan",
        ] {
            assert!(options.iter().any(|o| o.id == id), "{id}");
        }
        let jp = def.question("jp_tahun_ini").unwrap();
        assert_eq!(
            jp.kind,
            QuestionKind::Number {
                integer: true,
                min: Some(0.0),
                max: Some(500.0),
                unit: Some(Text::new("JP", "JP")),
            }
        );
        assert!(matches!(
            def.question("urgensi").map(|q| &q.kind),
            Some(QuestionKind::Likert { scale }) if scale.points == 4
        ));
    }

    #[test]
    fn staffing_template_content() {
        let template = get("staffing_abk").unwrap();
        let def = &template.definition;
        let tugas = def.question("tugas").unwrap();
        assert!(tugas.required);
        assert_eq!(tugas.kind, QuestionKind::WorkloadTasks { max_tasks: 30 });
        let staff = def.question("pegawai_saat_ini").unwrap();
        assert!(staff.required);
        assert!(matches!(
            staff.kind,
            QuestionKind::Number {
                integer: true,
                min: Some(0.0),
                max: Some(10000.0),
                ..
            }
        ));
        assert!(template.description.id.contains("75.000"));
        assert!(template.description.get(Lang::En).contains("75,000"));
    }

    #[test]
    fn socialisation_understanding_needs_awareness() {
        let def = get("socialisation").unwrap().definition;
        assert!(def.title.id.contains("[nama kebijakan]"));
        let with = |v: &str| {
            let mut a = Answers::new();
            a.insert("sudah_tahu".into(), Answer::Text(v.into()));
            visible_question_ids(&def, &a)
        };
        assert!(with("ya").contains("pemahaman"));
        assert!(!with("tidak").contains("pemahaman"));
        let Some(QuestionKind::LikertMatrix { scale, rows }) =
            def.question("penerimaan").map(|q| &q.kind)
        else {
            panic!("penerimaan is a matrix");
        };
        assert_eq!(scale.points, 5);
        assert_eq!(scale.labels[0].id, "Sangat tidak setuju");
        assert_eq!(scale.labels[4].id, "Sangat setuju");
        assert!((3..=4).contains(&rows.len()));
        let Some(QuestionKind::MultipleChoice { options, .. }) =
            def.question("kekhawatiran").map(|q| &q.kind)
        else {
            panic!("kekhawatiran is a multiple choice");
        };
        let ids: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "beban_kerja",
                "keterampilan",
                "karier",
                "prosedur_tidak_jelas",
                "lainnya"
            ]
        );
        for id in ["dampak", "kesiapan"] {
            assert!(matches!(
                def.question(id).map(|q| &q.kind),
                Some(QuestionKind::Likert { scale }) if scale.points == 5
            ));
        }
        assert_eq!(
            def.question("saran").map(|q| &q.kind),
            Some(&QuestionKind::LongText { max_length: 2000 })
        );
    }

    #[test]
    fn skm_uses_official_wording() {
        let def = get("skm").unwrap().definition;
        let labels = |id: &str| -> Vec<String> {
            match def.question(id).map(|q| &q.kind) {
                Some(QuestionKind::Likert { scale }) => {
                    assert_eq!(scale.points, 4);
                    scale.labels.iter().map(|l| l.id.clone()).collect()
                }
                other => panic!("{id}: {other:?}"),
            }
        };
        let expect = |id: &str, want: [&str; 4]| assert_eq!(labels(id), want, "{id}");
        expect(
            "u1",
            ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
        );
        expect(
            "u2",
            ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
        );
        expect(
            "u3",
            ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
        );
        expect("u4", ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]);
        expect(
            "u5",
            ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
        );
        expect(
            "u6",
            [
                "Tidak kompeten",
                "Kurang kompeten",
                "Kompeten",
                "Sangat kompeten",
            ],
        );
        expect(
            "u7",
            [
                "Tidak sopan dan ramah",
                "Kurang sopan dan ramah",
                "Sopan dan ramah",
                "Sangat sopan dan ramah",
            ],
        );
        expect("u8", ["Buruk", "Cukup", "Baik", "Sangat baik"]);
        expect(
            "u9",
            [
                "Tidak ada",
                "Ada tetapi tidak berfungsi",
                "Berfungsi kurang maksimal",
                "Dikelola dengan baik",
            ],
        );
        for (i, name) in [
            "Persyaratan",
            "Sistem, Mekanisme, dan Prosedur",
            "Waktu Penyelesaian",
            "Biaya/Tarif",
            "Produk Spesifikasi Jenis Pelayanan",
            "Kompetensi Pelaksana",
            "Perilaku Pelaksana",
            "Sarana dan Prasarana",
            "Penanganan Pengaduan, Saran dan Masukan",
        ]
        .iter()
        .enumerate()
        {
            let q = def.question(&format!("u{}", i + 1)).unwrap();
            assert!(q.required);
            assert!(
                q.text.id.starts_with(&format!("U{} {name}", i + 1)),
                "{}",
                q.text.id
            );
        }
        let saran = def.question("saran").unwrap();
        assert!(!saran.required);
        assert!(matches!(saran.kind, QuestionKind::LongText { .. }));
    }

    #[test]
    fn job_level_question_accepts_every_level() {
        let def = get("competency").unwrap().definition;
        let q = def.question("jabatan").unwrap();
        for level in JobLevel::ALL {
            assert!(
                crate::survey::validate_answer(q, Some(&Answer::Text(level.id().into())))
                    .is_empty()
            );
        }
    }
}
