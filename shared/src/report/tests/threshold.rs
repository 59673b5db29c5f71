//! The threshold rules: small units merged upwards and hidden, questions answered by fewer than k hidden, k
//! at least 3, scopes, changes against the previous wave, unknown units and buckets.

use super::*;

fn row(report: &WaveReport, n: u128, own: bool) -> &UnitRow {
    report
        .breakdown
        .iter()
        .find(|r| r.unit.id == id(n) && r.own_only == own)
        .unwrap_or_else(|| panic!("no row for unit {n}"))
}

#[test]
fn small_units_are_hidden_and_merged_upwards() {
    let mut fx = small_tree();
    // B's 2 responses go to P (2), then to R: R's atom has 3 + 2 = 5.
    fx.filter.unit = Some(id(2));
    let report = fx.report();
    assert_eq!(report.overall.respondents, Some(6));
    let b = row(&report, 4, false);
    assert_eq!((b.group.respondents, b.group.suppressed), (None, true));
    assert_eq!(row(&report, 3, false).group.respondents, Some(6));
    assert!(
        report.breakdown.iter().all(|r| !r.own_only),
        "P has nothing of its own"
    );

    fx.filter.unit = Some(id(1));
    let report = fx.report();
    assert_eq!(report.overall.respondents, Some(11));
    assert_eq!(row(&report, 1, true).group.respondents, Some(5));
    assert_eq!(row(&report, 2, false).group.respondents, Some(6));

    // Sector kesehatan covers only B, whose responses sit in R's atom: hidden, not 2.
    fx.filter.sector = Some("kesehatan".into());
    let report = fx.report();
    assert_eq!(
        (report.overall.respondents, report.overall.suppressed),
        (None, true)
    );
    assert!(question(&report, "pilih_satu").options.is_empty());
}

#[test]
fn a_question_answered_by_fewer_than_k_is_hidden() {
    let def = all_kinds_definition();
    let mut responses = vec![answers(&[("pilih_satu", text("b"))]); 6];
    responses[0].insert("likert".into(), num(5.0));
    responses[1].insert("likert".into(), num(1.0));
    let rows = counters(&def, 1, &responses);
    let report = Fixture::new(def, vec![unit(1, None, None)], rows, 5).report();
    let likert = question(&report, "likert");
    assert_eq!((likert.answered, likert.suppressed), (None, true));
    assert!(likert.options.is_empty());
    assert_eq!((likert.mean, likert.top2_share), (None, None));
    assert_eq!(question(&report, "pilih_satu").answered, Some(6));
}

#[test]
fn k_is_never_below_three() {
    let mut fx = small_tree();
    fx.settings.k = 1;
    let report = fx.report();
    assert_eq!(report.k, 3);
    // B (2) is still merged into P, then R.
    fx.filter.unit = Some(id(2));
    let report = fx.report();
    assert_eq!(row(&report, 4, false).group.respondents, None);
}

#[test]
fn scope_limits_rows_and_figures() {
    let mut fx = small_tree();
    fx.scope = Some(HashSet::from([id(2), id(3), id(4)]));
    let report = fx.report();
    // Only P's subtree: A's 6; B's responses sit in R's atom, outside the scope.
    assert_eq!(report.overall.respondents, Some(6));
    let units: Vec<Uuid> = report.breakdown.iter().map(|r| r.unit.id).collect();
    assert_eq!(units, vec![id(2)]);
}

#[test]
fn changes_against_the_previous_wave() {
    let def = template("socialisation");
    let r = |v: u8| {
        answers(&[(
            "penerimaan",
            Answer::Matrix(
                ["tujuan_jelas", "bermanfaat", "adil", "mendukung"]
                    .iter()
                    .map(|r| (r.to_string(), v))
                    .collect(),
            ),
        )])
    };
    let now = counters(&def, 1, &vec![r(4); 6]);
    let before = counters(&def, 1, &vec![r(3); 5]);
    let mut fx = Fixture::new(def, vec![unit(1, None, None)], now, 5);
    fx.previous = Some(before);
    let report = fx.report();
    let changes = report.changes.as_ref().unwrap();
    let get = |id: &str| changes.iter().find(|c| c.indicator == id).unwrap();
    let responses = get("respondents");
    assert_eq!(
        (responses.previous, responses.current, responses.change),
        (Some(5.0), Some(6.0), Some(1.0))
    );
    let index = get("socialisation.acceptance_index");
    approx(index.previous, 50.0);
    approx(index.current, 75.0);
    approx(index.change, 25.0);

    // A previous wave below k shows nothing but hidden.
    fx.previous = Some(counters(&fx.def, 1, &vec![r(3); 4]));
    let report = fx.report();
    let changes = report.changes.unwrap();
    let index = changes
        .iter()
        .find(|c| c.indicator == "socialisation.acceptance_index")
        .unwrap();
    assert_eq!((index.previous, index.change), (None, None));
    assert_eq!(changes[0].previous, None);
}

#[test]
fn unknown_units_and_buckets_are_ignored() {
    let def = all_kinds_definition();
    let mut rows = counters(&def, 1, &vec![answers(&[("pilih_satu", text("a"))]); 5]);
    rows.extend(counters(
        &def,
        99,
        &vec![answers(&[("pilih_satu", text("a"))]); 9],
    ));
    rows.push(CounterRow {
        unit_id: id(1),
        key: "pilih_satu".into(),
        bucket: "tidak_ada".into(),
        count: 3,
        sum: 0.0,
    });
    let report = Fixture::new(def, vec![unit(1, None, None)], rows, 5).report();
    assert_eq!(report.overall.respondents, Some(5));
    let q = question(&report, "pilih_satu");
    assert_eq!(q.answered, Some(5));
    approx(Some(q.options[0].share), 1.0);
}

#[test]
fn report_round_trips_through_json() {
    let def = template("competency");
    let rows = counters(&def, 1, &competency_responses());
    let mut fx = Fixture::new(def, vec![unit(1, None, None)], rows.clone(), 3);
    fx.previous = Some(rows);
    let report = fx.report();
    let json = serde_json::to_string(&report).unwrap();
    let back: WaveReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}
