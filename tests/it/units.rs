//! Organisation units: creation and all-or-nothing CSV import with a dry run.

use sea_orm::{EntityTrait, PaginatorTrait};
use serap_server::entities::org_unit;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, Db, TestApp, assert_error, spawn_app};

async fn import(app: &TestApp, csv: &str, dry_run: bool) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/units/import?dry_run={dry_run}")))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn unit_csv_import_dry_run_then_all_or_nothing_then_idempotent() {
    let app = spawn_app(Db::Sqlite).await;
    let csv = "\u{feff}kode;nama;jenis;sektor;induk\n\
               3673;Pemerintah Kota Serang;pemda;;\n\
               DINKES;Dinas Kesehatan;dinas;kesehatan;3673\n\
               PKM-01;Puskesmas Serang Kota;puskesmas;kesehatan;DINKES\n";
    let report: Value = import(&app, csv, true).await.json().await.unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["created"], 3);
    assert_eq!(report["rows"][2]["action"], "create");
    assert_eq!(report["rows"][2]["key"], "PKM-01");
    assert_eq!(
        org_unit::Entity::find().count(&app.state.db).await.unwrap(),
        0,
        "dry run writes nothing"
    );

    let report: Value = import(&app, csv, false).await.json().await.unwrap();
    assert_eq!(report["created"], 3);
    let units: Vec<Value> = app.get("/api/v1/units").await.json().await.unwrap();
    let codes: Vec<&str> = units.iter().map(|u| u["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        ["3673", "DINKES", "PKM-01"],
        "parents before children"
    );
    assert_eq!(units[2]["parent_id"], units[1]["id"]);

    let report: Value = import(&app, csv, false).await.json().await.unwrap();
    assert_eq!(
        (report["created"].as_u64(), report["unchanged"].as_u64()),
        (Some(0), Some(3))
    );

    // One bad row: nothing is written, every problem reported with its line.
    let bad = "code,name,kind,sector,parent_code\n\
               BPBD,Badan Penanggulangan Bencana Daerah,badan,kebencanaan,3673\n\
               ,Tanpa kode,badan,,\n\
               X1,Unit yatim,upt,,TIDAK-ADA\n";
    let report: Value = import(&app, bad, false).await.json().await.unwrap();
    assert_eq!(report["rejected"], 2);
    assert_eq!(report["rows"][1]["line"], 3);
    assert_eq!(report["rows"][1]["action"], "rejected");
    assert!(
        report["rows"][2]["problems"][0]
            .as_str()
            .unwrap()
            .contains("TIDAK-ADA")
    );
    assert_eq!(
        org_unit::Entity::find().count(&app.state.db).await.unwrap(),
        3
    );

    // A cycle through the file and the existing tree is refused.
    let cycle = "code,name,kind,parent_code\n3673,Pemerintah Kota Serang,pemda,PKM-01\n";
    let report: Value = import(&app, cycle, false).await.json().await.unwrap();
    assert_eq!(report["rejected"], 1, "{report}");
    assert!(
        report["rows"][0]["problems"][0]
            .as_str()
            .unwrap()
            .contains("cycle")
    );

    let r = import(&app, "nama\nx\n", false).await;
    assert_error(r, 422, "validation_failed").await;
}

#[tokio::test]
async fn unit_codes_are_unique_and_parents_must_exist() {
    let app = spawn_app(Db::Sqlite).await;
    let unit =
        json!({"code": "BKPSDM", "name": "BKPSDM", "kind": "badan", "sector": "pemerintahan_umum"});
    assert_eq!(app.post_json("/api/v1/units", &unit).await.status(), 201);
    assert_error(app.post_json("/api/v1/units", &unit).await, 409, "conflict").await;
    let orphan = json!({"code": "UPT-1", "name": "UPT", "kind": "upt", "parent_code": "NOPE"});
    let error = assert_error(
        app.post_json("/api/v1/units", &orphan).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error["fields"][0]["path"], "parent_code");
    let blank = json!({"code": "bad code!", "name": " ", "kind": "upt"});
    let error = assert_error(
        app.post_json("/api/v1/units", &blank).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error["fields"].as_array().unwrap().len(), 2);
}
