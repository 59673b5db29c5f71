//! The authorization matrix (docs/design.md invariant 6): every role x (own unit, child unit, other unit) x every
//! admin and report endpoint, with the expected allow or deny; without a session every protected endpoint is
//! a 401. A completeness check makes a new endpoint fail this test until it is classified here.

use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serap_server::entities::{org_unit, survey, wave};
use serde_json::{Value, json};

use crate::helpers::{Db, PASSWORD, SignedIn, TestApp, TestConfig, import_roster};
use crate::on_both_databases;

/// Endpoints anyone may call (respondents, sign-in, health, the document).
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/api/v1/meta"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/templates"),
    ("GET", "/api/v1/units"),
    ("GET", "/api/v1/forms/{}"),
    ("POST", "/api/v1/forms/{}/responses"),
    ("GET", "/api/v1/invitations/{}"),
    ("POST", "/api/v1/invitations/{}/responses"),
    ("POST", "/api/v1/invitations/{}/credential"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/password-reset"),
    ("POST", "/api/v1/auth/password-reset/confirm"),
    // A digest's signed manage page (the signature is the credential).
    ("GET", "/d/{}/{}"),
    ("POST", "/d/{}/{}"),
];

/// Endpoints for any signed-in account.
const SIGNED_IN: &[(&str, &str)] = &[("GET", "/api/v1/auth/me"), ("POST", "/api/v1/auth/logout")];

/// One request of the matrix: method, path (with ids filled in), the registry's route shape, body.
struct Call {
    method: &'static str,
    path: String,
    shape: &'static str,
    body: Option<Body>,
}

enum Body {
    Json(Value),
    Csv(&'static str),
}

/// Sends `call` signed in as `who` (cookie and CSRF token), or without a session.
async fn send(app: &TestApp, call: &Call, who: Option<&SignedIn>) -> u16 {
    let method = reqwest::Method::from_bytes(call.method.as_bytes()).unwrap();
    let mut request = match who {
        Some(session) => session.request(method, &call.path),
        None => app.http.request(method, app.url(&call.path)),
    };
    request = match &call.body {
        Some(Body::Json(v)) => request.json(v),
        Some(Body::Csv(text)) => request.header("content-type", "text/csv").body(*text),
        None => request,
    };
    request.send().await.unwrap().status().as_u16()
}

on_both_databases!(the_server_decides_who_sees_what);

async fn the_server_decides_who_sees_what(db: Db) {
    let app = TestConfig::new(db).demo().spawn().await;
    let unit_id = |code: &'static str| {
        let db = app.state.db.clone();
        async move {
            org_unit::Entity::find()
                .filter(org_unit::Column::Code.eq(code))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let dinkes = unit_id("DINKES").await;
    let mut sessions: Vec<(&str, SignedIn)> = Vec::new();
    for role in ["manager", "leader", "viewer", "none", "admin"] {
        sessions.push((role, app.signed_in(role, Some(dinkes)).await));
    }
    let survey_id = survey::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let version = wave::Entity::find()
        .filter(wave::Column::Slug.eq("skm-2026"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .survey_version_id;
    let account = serap_server::entities::account::Entity::find()
        .filter(serap_server::entities::account::Column::Email.eq(&sessions[3].1.email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let draft: Value = app
        .admin_get(&format!("/api/v1/surveys/{survey_id}"))
        .await
        .json()
        .await
        .unwrap();
    let digest: Value = app
        .post_json(
            "/api/v1/digests",
            &json!({"email": "walikota@serangkota.go.id", "name": "Wali Kota", "cadences": ["weekly"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let digest = digest["id"]
        .as_str()
        .expect("a digest subscription")
        .to_string();
    let call = |method, shape: &'static str, path: String, body: Option<Body>| Call {
        method,
        path,
        shape,
        body,
    };
    let admin_only = vec![
        call("GET", "/api/v1/accounts", "/api/v1/accounts".into(), None),
        call(
            "POST",
            "/api/v1/accounts",
            "/api/v1/accounts".into(),
            Some(Body::Json(json!({
            "email": "baru@serangkota.go.id", "name": "Baru", "password": PASSWORD, "roles": []}))),
        ),
        call(
            "PUT",
            "/api/v1/accounts/{}/roles",
            format!("/api/v1/accounts/{account}/roles"),
            Some(Body::Json(json!({"roles": []}))),
        ),
        call("GET", "/api/v1/audit", "/api/v1/audit".into(), None),
        call(
            "POST",
            "/api/v1/admin/test-email",
            "/api/v1/admin/test-email".into(),
            Some(Body::Json(json!({"to": "uji@serangkota.go.id"}))),
        ),
        call(
            "POST",
            "/api/v1/units",
            "/api/v1/units".into(),
            Some(Body::Json(
                json!({"code": "UJI", "name": "Unit Uji", "kind": "bidang", "parent_code": "DINKES"}),
            )),
        ),
        call(
            "POST",
            "/api/v1/units/import",
            "/api/v1/units/import?dry_run=true".into(),
            Some(Body::Csv("kode;nama;jenis\nUJI2;Unit Uji 2;bidang\n")),
        ),
        call("GET", "/api/v1/people", "/api/v1/people".into(), None),
        call(
            "POST",
            "/api/v1/people/import",
            "/api/v1/people/import?dry_run=true".into(),
            Some(Body::Csv(
                "nip;nama;email;unit;jabatan\n198001012005011001;A;a@serangkota.go.id;DINKES;Pelaksana\n",
            )),
        ),
        call(
            "POST",
            "/api/v1/surveys",
            "/api/v1/surveys".into(),
            Some(Body::Json(json!({"template": "skm"}))),
        ),
        call("GET", "/api/v1/surveys", "/api/v1/surveys".into(), None),
        call(
            "GET",
            "/api/v1/surveys/{}",
            format!("/api/v1/surveys/{survey_id}"),
            None,
        ),
        call(
            "PUT",
            "/api/v1/surveys/{}/draft",
            format!("/api/v1/surveys/{survey_id}/draft"),
            Some(Body::Json(json!({"definition": draft["draft"]}))),
        ),
        call(
            "GET",
            "/api/v1/surveys/{}/preview",
            format!("/api/v1/surveys/{survey_id}/preview"),
            None,
        ),
        call(
            "POST",
            "/api/v1/surveys/{}/publish",
            format!("/api/v1/surveys/{survey_id}/publish"),
            None,
        ),
        call(
            "POST",
            "/api/v1/waves",
            "/api/v1/waves".into(),
            Some(Body::Json(json!({
            "survey_version_id": version, "name": "Uji", "slug": "uji-akses",
            "opens_at": "2026-01-01T00:00:00", "closes_at": "2036-01-01T00:00:00", "anonymity": "anonymous"}))),
        ),
        call(
            "POST",
            "/api/v1/waves/{}/invitations",
            "/api/v1/waves/skm-2026/invitations".into(),
            Some(Body::Json(json!({"unit_codes": ["DINKES"]}))),
        ),
        call(
            "GET",
            "/api/v1/waves/{}/invitations",
            "/api/v1/waves/skm-2026/invitations".into(),
            None,
        ),
        call(
            "PATCH",
            "/api/v1/waves/{}",
            "/api/v1/waves/skm-2026".into(),
            Some(Body::Json(json!({"open_link_with_audience": false}))),
        ),
        call(
            "PUT",
            "/api/v1/waves/{}/reminders",
            "/api/v1/waves/skm-2026/reminders".into(),
            Some(Body::Json(
                json!({"interval_hours": 48, "max_reminders": 2}),
            )),
        ),
        call(
            "POST",
            "/api/v1/waves/{}/reminders/send",
            "/api/v1/waves/skm-2026/reminders/send".into(),
            None,
        ),
        call(
            "GET",
            "/api/v1/waves/{}/responses.csv",
            "/api/v1/waves/abk-2026/responses.csv".into(),
            None,
        ),
        call(
            "POST",
            "/api/v1/digests",
            "/api/v1/digests".into(),
            Some(Body::Json(json!({
            "email": "sekda@serangkota.go.id", "name": "Sekda", "cadences": ["daily"]}))),
        ),
        call("GET", "/api/v1/digests", "/api/v1/digests".into(), None),
        call(
            "PUT",
            "/api/v1/digests/{}",
            format!("/api/v1/digests/{digest}"),
            Some(Body::Json(json!({"lang": "en"}))),
        ),
        call(
            "GET",
            "/api/v1/digests/{}/preview",
            format!("/api/v1/digests/{digest}/preview"),
            None,
        ),
        call(
            "GET",
            "/digests/{}/preview",
            format!("/digests/{digest}/preview"),
            None,
        ),
        call(
            "GET",
            "/api/v1/outbox/failed",
            "/api/v1/outbox/failed".into(),
            None,
        ),
        call(
            "POST",
            "/api/v1/outbox/{}/retry",
            format!("/api/v1/outbox/{}/retry", uuid::Uuid::new_v4()),
            None,
        ),
        call(
            "DELETE",
            "/api/v1/digests/{}",
            format!("/api/v1/digests/{digest}"),
            None,
        ),
    ];
    // Report endpoints, per target unit: own (DINKES), child (its puskesmas), other (BKPSDM), and no filter.
    let rates = |suffix: &str| {
        call(
            "GET",
            "/api/v1/waves/{}/response-rates",
            format!("/api/v1/waves/skm-2026/response-rates{suffix}"),
            None,
        )
    };
    let report = |shape: &'static str, suffix: &str| {
        let path = shape.replace("{}", "skm-2026");
        call("GET", shape, format!("{path}{suffix}"), None)
    };
    let reports = [
        (
            "any",
            call("GET", "/api/v1/waves", "/api/v1/waves".into(), None),
        ),
        ("any", report("/api/v1/waves/{}/live", "")),
        ("own", rates("?unit=DINKES")),
        ("child", rates("?unit=DINKES-PKM-SERANG")),
        ("other", rates("?unit=BKPSDM")),
        ("scope", rates("")),
        ("own", report("/api/v1/waves/{}/report", "?unit=DINKES")),
        (
            "child",
            report("/api/v1/waves/{}/report", "?unit=DINKES-PKM-SERANG"),
        ),
        ("other", report("/api/v1/waves/{}/report", "?unit=BKPSDM")),
        ("scope", report("/api/v1/waves/{}/report", "")),
        ("own", report("/api/v1/waves/{}/report.csv", "?unit=DINKES")),
        (
            "other",
            report("/api/v1/waves/{}/report.csv", "?unit=BKPSDM"),
        ),
        (
            "child",
            report("/api/v1/waves/{}/report.xlsx", "?unit=DINKES-PKM-SERANG"),
        ),
        (
            "other",
            report("/api/v1/waves/{}/report.xlsx", "?unit=BKPSDM"),
        ),
    ];

    // Every registered route is classified here.
    let classified: BTreeSet<(String, String)> = PUBLIC
        .iter()
        .chain(SIGNED_IN)
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .chain(
            admin_only
                .iter()
                .map(|c| (c.method.to_string(), c.shape.to_string())),
        )
        .chain(
            reports
                .iter()
                .map(|(_, c)| (c.method.to_string(), c.shape.to_string())),
        )
        .collect();
    let registered: BTreeSet<(String, String)> =
        serap_server::http::registered().into_iter().collect();
    let unclassified: Vec<_> = registered.difference(&classified).collect();
    assert!(
        unclassified.is_empty(),
        "classify these routes in the matrix: {unclassified:?}"
    );

    let mut outcomes = Vec::new();
    let expect =
        |outcomes: &mut Vec<String>, who: &str, call: &Call, status: u16, allowed: bool| {
            let ok = if allowed {
                status != 401 && status != 403 && status < 500
            } else {
                status == 403
            };
            if !ok {
                outcomes.push(format!(
                    "{who} {} {} -> {status} (expected {})",
                    call.method,
                    call.path,
                    if allowed { "allowed" } else { "403" }
                ));
            }
        };
    // Without a session: 401 everywhere protected.
    for c in admin_only.iter().chain(reports.iter().map(|(_, c)| c)) {
        let status = send(&app, c, None).await;
        if status != 401 {
            outcomes.push(format!(
                "anonymous {} {} -> {status} (expected 401)",
                c.method, c.path
            ));
        }
    }
    for (method, path) in SIGNED_IN.iter().filter(|(m, _)| *m == "GET") {
        let c = call(method, "", path.to_string(), None);
        let status = send(&app, &c, None).await;
        if status != 401 {
            outcomes.push(format!(
                "anonymous {method} {path} -> {status} (expected 401)"
            ));
        }
    }
    // Admin last: its calls change things (roles, a new wave).
    for (role, session) in &sessions {
        for (target, c) in &reports {
            let allowed = match (*role, *target) {
                ("admin", _) => true,
                ("none", _) => false,
                (_, "other") => false,
                _ => true,
            };
            let status = send(&app, c, Some(session)).await;
            expect(&mut outcomes, role, c, status, allowed);
        }
        for c in &admin_only {
            let status = send(&app, c, Some(session)).await;
            expect(&mut outcomes, role, c, status, *role == "admin");
        }
        let me = call("GET", "", "/api/v1/auth/me".into(), None);
        let status = send(&app, &me, Some(session)).await;
        expect(&mut outcomes, role, &me, status, true);
    }
    assert!(
        outcomes.is_empty(),
        "unexpected outcomes:\n{}",
        outcomes.join("\n")
    );

    // With people invited across the city, a manager's unfiltered report holds only their subtree.
    import_roster(&app).await;
    let r = app
        .post_json(
            "/api/v1/waves/skm-2026/invitations",
            &json!({"unit_codes": ["3673"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let codes = |body: Value| -> BTreeSet<String> {
        body["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["unit_code"].as_str().unwrap().to_string())
            .collect()
    };
    let scope = &reports[5].1;
    let seen = codes(sessions[0].1.get(&scope.path).await.json().await.unwrap());
    assert_eq!(
        seen,
        BTreeSet::from(["DINKES".to_string(), "DINKES-PKM-SERANG".to_string()])
    );
    let all = codes(app.admin_get(&scope.path).await.json().await.unwrap());
    assert!(all.contains("BKPSDM"), "{all:?}");
}
