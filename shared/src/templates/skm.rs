//! The SKM template: Survei Kepuasan Masyarakat (PermenPANRB 14/2017), the nine service elements U1-U9 on a
//! 1-4 scale with their official answer wording.

use super::{Template, long_text, question, scale, section, t};
use crate::survey::{Question, QuestionKind, SurveyDefinition};

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

pub(super) fn template() -> Template {
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
