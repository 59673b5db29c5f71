//! The anonymity promise tried from outside, through the HTTP API, the way a curious unit manager or a
//! nosy admin would: report snapshots compared over time (JSON, CSV, the manager's view, a digest
//! preview), a small unit's figures recovered by subtracting overlapping groups, an atom split by a child
//! reaching k, comments of a small atom recovered as a set difference, and a previous wave shown with a
//! smaller k than its own. Every attempt must yield nothing: every published count moves by 0 or at least
//! k, every comment list by 0 or at least the comment threshold, and nested groups differ by 0 or at
//! least k. The invitation-list and padding attacks are in `credentials.rs`, the database copy in
//! `at_rest.rs`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::helpers::{
    Db, SignedIn, TestApp, TestConfig, form, report, skm_answers, submit, unit_id,
};
use crate::on_both_databases;

const K: u64 = 5;
const COMMENT_K: usize = 10;

/// Counts of groups of respondents a report publishes.
const COUNT_FIELDS: [&str; 7] = [
    "respondents",
    "answered",
    "assessed",
    "with_standard",
    "prioritised",
    "jp_answered",
    "concerns_answered",
];

/// A stable name for an array item: its unit code, id, question or indicator, else its position.
fn item_name(item: &Value, index: usize) -> String {
    if let Some(code) = item["unit"]["code"].as_str() {
        let own = item["own_only"].as_bool().unwrap_or(false);
        return format!("{code}{}", if own { "(own)" } else { "" });
    }
    for field in [
        "id",
        "question_id",
        "indicator",
        "code",
        "category",
        "sector",
    ] {
        if let Some(s) = item[field].as_str() {
            return s.to_string();
        }
    }
    index.to_string()
}

/// Every published group count of `value`, by path.
fn counts(value: &Value, path: &str, out: &mut BTreeMap<String, u64>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = format!("{path}/{key}");
                if COUNT_FIELDS.contains(&key.as_str())
                    && let Some(n) = v.as_u64()
                {
                    out.insert(here.clone(), n);
                }
                counts(v, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                counts(item, &format!("{path}[{}]", item_name(item, i)), out);
            }
        }
        _ => {}
    }
}

fn comment_texts(report: &Value) -> BTreeSet<String> {
    report["comments"]["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|c| c["text"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// What one reader can fetch at one moment.
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    /// View name → report JSON.
    reports: BTreeMap<String, Value>,
    csv: String,
    manager_csv: String,
    digest: String,
}

const FILTERS: [&str; 5] = ["DINKES", "DINKES-PKM-SERANG", "BKPSDM", "RSUD", "SETDA"];

async fn text(app: &TestApp, path: &str, reader: Option<&SignedIn>) -> String {
    let r = match reader {
        Some(reader) => reader.get(path).await,
        None => app.admin_get(path).await,
    };
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

async fn snapshot(app: &TestApp, manager: &SignedIn, digest: &str) -> Snapshot {
    let mut reports = BTreeMap::new();
    reports.insert("city".to_string(), report(app, "", None).await);
    for code in FILTERS {
        reports.insert(
            code.to_string(),
            report(app, &format!("?unit={code}"), None).await,
        );
    }
    reports.insert("manager".to_string(), report(app, "", Some(manager)).await);
    let preview: Value = app
        .admin_get(&format!("/api/v1/digests/{digest}/preview"))
        .await
        .json()
        .await
        .unwrap();
    Snapshot {
        reports,
        csv: text(app, "/api/v1/waves/skm-2026/report.csv", None).await,
        manager_csv: text(app, "/api/v1/waves/skm-2026/report.csv", Some(manager)).await,
        digest: without_clock_times(preview["html"].as_str().unwrap()),
    }
}

/// The preview says when it was made ("Per 06-12-2026 09:31 WIB"): clock times (`hh:mm`) are left out of
/// the comparison, the figures stay.
fn without_clock_times(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    while i < html.len() {
        let clock = i + 5 <= bytes.len()
            && bytes[i].is_ascii_digit()
            && bytes[i + 1].is_ascii_digit()
            && bytes[i + 2] == b':'
            && bytes[i + 3].is_ascii_digit()
            && bytes[i + 4].is_ascii_digit();
        if clock {
            out.push_str("hh:mm");
            i += 5;
        } else {
            let c = html[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[track_caller]
fn step_of_k(before: u64, after: u64, k: u64, what: &str) {
    assert!(
        after >= before,
        "{what}: went down from {before} to {after}"
    );
    let d = after - before;
    assert!(d == 0 || d >= k, "{what}: moved by {d} with k = {k}");
}

/// Any two moments: every count present in both moved by 0 or at least k, never down; comments were
/// only added, in steps of at least the comment threshold; a view changed only with a release of at
/// least k respondents.
fn compare_over_time(a: &Snapshot, b: &Snapshot, moment: &str) {
    for (view, before) in &a.reports {
        let after = &b.reports[view];
        let (mut x, mut y) = (BTreeMap::new(), BTreeMap::new());
        counts(before, "", &mut x);
        counts(after, "", &mut y);
        for (path, n) in &x {
            if let Some(m) = y.get(path) {
                step_of_k(*n, *m, K, &format!("{moment} {view}{path}"));
            }
        }
        let (c1, c2) = (comment_texts(before), comment_texts(after));
        assert!(c1.is_subset(&c2), "{moment} {view}: comments withdrawn");
        let added = c2.len() - c1.len();
        assert!(
            added == 0 || added >= COMMENT_K,
            "{moment} {view}: {added} comments added"
        );
        // `held_back` (a wave-wide count of waiting responses, in steps of k) may move on its own.
        let figures = |r: &Value| {
            let mut r = r.clone();
            if let Some(map) = r.as_object_mut() {
                map.remove("held_back");
            }
            r
        };
        if figures(before) != figures(after) {
            let released = |s: &Snapshot| {
                s.reports["city"]["overall"]["respondents"]
                    .as_u64()
                    .unwrap_or(0)
            };
            let (r1, r2) = (released(a), released(b));
            assert!(
                r2 >= r1 + K,
                "{moment} {view}: figures changed while the city's released respondents went {r1} -> {r2}"
            );
        }
    }
}

/// One moment: a unit filter is nested in the city, so every question's answered count and the
/// respondents of the two differ by 0 or at least k; every shown count is 0 or at least k.
fn compare_groups(s: &Snapshot, moment: &str) {
    let mut city = BTreeMap::new();
    counts(&s.reports["city"], "", &mut city);
    for (view, report) in &s.reports {
        let mut mine = BTreeMap::new();
        counts(report, "", &mut mine);
        for (path, n) in &mine {
            assert!(*n == 0 || *n >= K, "{moment} {view}{path} = {n}");
            let nested = path == "/overall/respondents" || path.starts_with("/questions[");
            if nested
                && view != "city"
                && let Some(total) = city.get(path)
            {
                step_of_k(*n, *total, K, &format!("{moment} city - {view}{path}"));
            }
        }
    }
}

on_both_databases!(a_curious_reader_learns_nothing_from_snapshots_or_subtraction);

async fn a_curious_reader_learns_nothing_from_snapshots_or_subtraction(db: Db) {
    let app = TestConfig::new(db).demo().spawn().await;
    let form = form(&app, "skm-2026").await;
    let unit = |code: &str| unit_id(&form, code);
    let manager = app.signed_in("manager", Some(unit("DINKES"))).await;
    let digest = app
        .post_json(
            "/api/v1/digests",
            &json!({"email": "kadis@serangkota.go.id", "name": "Kepala Dinas", "unit_codes": ["DINKES"],
                    "cadences": ["weekly"]}),
        )
        .await;
    assert_eq!(digest.status(), 201);
    let digest: Value = digest.json().await.unwrap();
    let digest = digest["id"].as_str().unwrap().to_string();

    let mut moments: Vec<(String, Snapshot)> = Vec::new();
    let mut secrets = Vec::new();
    let mut count = 0;
    let mut answer = |unit: &str, value: u8, comment: Option<String>| {
        count += 1;
        let mut answers = skm_answers(&form.definition, value);
        if let Some(c) = comment {
            answers["saran"] = json!(c);
        }
        (format!("#{count} {unit}"), unit.to_string(), answers)
    };
    let mut plan = Vec::new();
    // DINKES reaches k and then 2k: its figures and its ten comments are released.
    for i in 0..10 {
        plan.push(answer(
            "DINKES",
            (i % 4 + 1) as u8,
            Some(format!(
                "Antrean loket pendaftaran nomor {i} terlalu panjang"
            )),
        ));
    }
    // One more: nothing a reader can see may change (attack 1: two snapshots).
    let lone = "Saya satu-satunya yang menulis ini";
    plan.push(answer("DINKES", 1, Some(lone.to_string())));
    // The puskesmas, below k, joins the DINKES atom; reaching k later must not split it (attack 3).
    for _ in 0..2 {
        plan.push(answer("DINKES-PKM-SERANG", 4, None));
    }
    for _ in 0..6 {
        plan.push(answer("DINKES-PKM-SERANG", 2, None));
    }
    // BKPSDM reaches k with five comments, below the comment threshold: they must never appear, not in
    // BKPSDM's view nor as the difference of the city's (attack 4).
    for i in 0..5 {
        let secret = format!("Rahasia BKPSDM nomor {i}");
        secrets.push(secret.clone());
        plan.push(answer("BKPSDM", 4, Some(secret)));
    }
    // RSUD and SETDA stay below k (attack 5: city - DINKES - BKPSDM).
    for i in 0..3 {
        let secret = format!("Rahasia RSUD nomor {i}");
        secrets.push(secret.clone());
        plan.push(answer("RSUD", 1, Some(secret)));
    }
    plan.push(answer("SETDA", 2, None));
    secrets.push(lone.to_string());

    moments.push(("start".into(), snapshot(&app, &manager, &digest).await));
    for (label, code, answers) in plan {
        submit(&app, "skm-2026", unit(&code), &answers).await;
        moments.push((label, snapshot(&app, &manager, &digest).await));
    }

    // Attack 1: the snapshot after the eleventh DINKES response is the one after the tenth, in every
    // output.
    let (tenth, eleventh) = (&moments[10].1, &moments[11].1);
    assert_eq!(tenth.reports["city"]["overall"]["respondents"], 10);
    assert_eq!(tenth, eleventh, "one response changed what a reader sees");
    // The puskesmas never splits off: DINKES keeps it and its own figures never drop (checked below for
    // every pair), and the puskesmas alone is never shown.
    for (label, s) in &moments {
        let alone = &s.reports["DINKES-PKM-SERANG"]["overall"];
        assert!(
            alone["respondents"].as_u64().unwrap_or(0) == 0,
            "{label}: {alone}"
        );
    }
    let last = &moments.last().unwrap().1;
    // DINKES: 11 + 8 responses, released at 5, 10 and 15 (the last 4 wait); the city: DINKES and BKPSDM,
    // RSUD's and SETDA's 4 wait at the root.
    assert_eq!(last.reports["DINKES"]["overall"]["respondents"], 15);
    assert_eq!(last.reports["BKPSDM"]["overall"]["respondents"], 5);
    assert_eq!(last.reports["city"]["overall"]["respondents"], 20);
    for (label, s) in &moments {
        let held = s.reports["city"]["held_back"].as_u64().unwrap_or(0);
        assert!(held.is_multiple_of(K), "{label}: {held} held back");
    }
    assert_eq!(comment_texts(&last.reports["city"]).len(), 10);
    for (label, s) in &moments {
        compare_groups(s, label);
        let everything = format!(
            "{}{}{}{}",
            serde_json::to_string(&s.reports).unwrap(),
            s.csv,
            s.manager_csv,
            s.digest
        );
        for secret in &secrets {
            assert!(!everything.contains(secret.as_str()), "{label}: {secret}");
        }
    }
    for (i, (label_a, a)) in moments.iter().enumerate() {
        for (label_b, b) in &moments[i + 1..] {
            compare_over_time(a, b, &format!("{label_a} .. {label_b}"));
        }
    }
}

on_both_databases!(a_previous_wave_is_shown_under_the_larger_k);

/// A k=3 wave of the same survey released a group of 3; in the k=5 wave's `changes` it stays hidden.
async fn a_previous_wave_is_shown_under_the_larger_k(db: Db) {
    let app = TestConfig::new(db).demo().spawn().await;
    let current = form(&app, "skm-2026").await;
    let version: Value = app
        .admin_get("/api/v1/waves")
        .await
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["slug"] == "skm-2026")
        .unwrap()["survey_version_id"]
        .clone();
    let r = app
        .post_json(
            "/api/v1/waves",
            &json!({
                "survey_version_id": version,
                "name": "SKM 2025",
                "slug": "skm-2025",
                "opens_at": "2020-01-01T00:00:00+07:00",
                "closes_at": "2099-12-31T23:59",
                "anonymity": "anonymous",
                "min_group_size": 3,
            }),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let bkpsdm = unit_id(&current, "BKPSDM");
    for _ in 0..3 {
        submit(
            &app,
            "skm-2025",
            bkpsdm,
            &skm_answers(&current.definition, 1),
        )
        .await;
    }
    let old = app
        .admin_get("/api/v1/waves/skm-2025/report?unit=BKPSDM")
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        old["overall"]["respondents"], 3,
        "released under its own k: {old}"
    );
    for _ in 0..5 {
        submit(
            &app,
            "skm-2026",
            bkpsdm,
            &skm_answers(&current.definition, 4),
        )
        .await;
    }
    let now = report(&app, "?unit=BKPSDM", None).await;
    assert_eq!(now["overall"]["respondents"], 5, "{now}");
    let changes = now["changes"].as_array().expect("changes against skm-2025");
    assert!(!changes.is_empty(), "{now}");
    for change in changes {
        assert!(
            change.get("previous").is_none() && change.get("change").is_none(),
            "a group of 3 shown in a k = 5 report: {change}"
        );
    }
}
