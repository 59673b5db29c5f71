//! Tests of the templates: the list and lookup, validity, translations, responses to them, and the content
//! each template must have.

use std::collections::HashSet;

use super::test_support::{random_response, sample_response};
use super::*;
use crate::i18n::Lang;
use crate::survey::{
    Answer, Answers, CompetencyGroup, JobLevel, validate_definition, validate_response,
    visible_question_ids,
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
            crate::survey::validate_answer(q, Some(&Answer::Text(level.id().into()))).is_empty()
        );
    }
}
