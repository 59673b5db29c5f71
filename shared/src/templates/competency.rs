//! The competency self-assessment template (PermenPANRB 38/2017): the respondent's position level, then
//! the eight managerial and one socio-cultural competency, each rated on its five level descriptors.

use super::{Template, long_text, question, section, t, with_help};
use crate::survey::{CompetencyGroup, Question, QuestionKind, SurveyDefinition};

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

pub(super) fn template() -> Template {
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
