//! The export rows: the shown figures, "hidden" where a count is hidden, and numbers equal to the report's.

use std::collections::HashMap;

use super::*;
use crate::i18n::Lang;

#[test]
fn export_has_the_shown_figures_and_hidden_markers() {
    let mut fx = small_tree();
    fx.filter.unit = Some(id(2));
    let report = fx.report();
    let rows = export_rows(&report, Lang::En);
    assert_eq!(
        rows[0],
        [
            "Section",
            "Unit",
            "Question/indicator",
            "Option/category",
            "Value",
            "Measure"
        ]
    );
    assert!(rows.iter().all(|r| r.len() == 6));
    let hidden = "hidden: fewer than 5 respondents";
    // B's row: respondents hidden, its roster headcount, nothing else.
    let b: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[1] == "Unit 4" && r[0].starts_with("By unit"))
        .collect();
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!(b[0][4], hidden);
    assert_eq!(b[1][2], "Staff (roster)");
    // The competency heatmap (the definition has one competency) says the same.
    let heatmap: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[1] == "Unit 4" && r[0] == "Competency gap heatmap")
        .collect();
    assert_eq!(heatmap.len(), 1);
    assert_eq!(heatmap[0][4], hidden);
    // The overall question figures.
    assert!(
        rows.contains(
            &[
                "Questions",
                "Unit 2",
                "Question pilih_satu",
                "Option a",
                "6",
                "count"
            ]
            .map(String::from)
            .to_vec()
        )
    );
    assert!(
        rows.contains(
            &[
                "Questions",
                "Unit 2",
                "Question pilih_satu",
                "Option a",
                "1",
                "share (0-1)"
            ]
            .map(String::from)
            .to_vec()
        )
    );
    // Indonesian labels by default.
    let rows = export_rows(&report, Lang::Id);
    assert_eq!(rows[0][0], "Bagian");
    assert!(
        rows.iter()
            .any(|r| r[4] == "disembunyikan: kurang dari 5 responden")
    );
}

#[test]
fn export_numbers_match_the_report() {
    let def = template("skm");
    let responses: Vec<Answers> = (0..5)
        .map(|i| {
            (1..=9)
                .map(|j| (format!("u{j}"), num(f64::from((i + j) % 4 + 1))))
                .collect()
        })
        .collect();
    let rows = counters(&def, 1, &responses);
    let mut fx = Fixture::new(def, vec![unit(1, None, None)], rows, 5);
    fx.headcount = HashMap::from([(id(1), 120)]);
    let report = fx.report();
    let skm = report.overall.skm.as_ref().unwrap();
    let out = export_rows(&report, Lang::Id);
    let value = |indicator: &str, measure: &str| -> Vec<String> {
        out.iter()
            .filter(|r| r[0] == "SKM" && r[2] == indicator && r[5] == measure)
            .map(|r| r[4].clone())
            .collect()
    };
    let rounded = |x: f64| {
        format!("{:.4}", x)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    };
    assert_eq!(
        value("IKM konversi", "skor"),
        vec![rounded(skm.converted.unwrap())]
    );
    assert_eq!(
        value("Sampel minimum (Krejcie-Morgan)", "jumlah"),
        vec![skm.min_sample.to_string()]
    );
    assert_eq!(
        value("U1 Persyaratan", "rata-rata"),
        vec![rounded(skm.elements[0].nrr.unwrap())]
    );
}
