//! The staff roster import: dry run, all-or-nothing, idempotent, NIP validated and never echoed.

use sea_orm::{EntityTrait, PaginatorTrait};
use serap_server::entities::person;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, Db, TestApp, assert_error};
use crate::on_both_databases;

on_both_databases!(roster_import_is_dry_run_all_or_nothing_and_idempotent);

async fn import(app: &TestApp, csv: &str, dry_run: bool) -> (String, Value) {
    let response = app
        .http
        .post(app.url(&format!("/api/v1/people/import?dry_run={dry_run}")))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap();
    (text, body)
}

async fn people(app: &TestApp) -> u64 {
    person::Entity::find().count(&app.state.db).await.unwrap()
}

async fn roster_import_is_dry_run_all_or_nothing_and_idempotent(db: Db) {
    let app = crate::helpers::spawn_app(db).await;
    for (code, name) in [("BKPSDM", "BKPSDM"), ("DINKES", "Dinas Kesehatan")] {
        let unit = json!({"code": code, "name": name, "kind": "badan"});
        assert_eq!(app.post_json("/api/v1/units", &unit).await.status(), 201);
    }
    // SIASN-style export: `;`, BOM, Indonesian headers, NIP with spaces, a PPPK number.
    let good = "\u{feff}NIP;Nama;Email;Kode Unit;Jabatan;Jenis Pegawai;Golongan\n\
                19660801 198803 1 001;Drs. Ahmad Fauzi;ahmad@serangkota.go.id;BKPSDM;Administrator;PNS;IV/a\n\
                198507142010012003;Siti Rahmawati;siti@serangkota.go.id;DINKES;Pelaksana;;III/b\n\
                198506302023292045;Rina Marlina;rina@serangkota.go.id;DINKES;JF;PPPK;IX\n";
    let bad_row =
        "1966080119880310;Tanpa NIP Lengkap;tanpa@serangkota.go.id;BKPSDM;Pelaksana;PNS;\n";
    let with_bad = format!("{good}{bad_row}");

    let (text, report) = import(&app, &with_bad, true).await;
    assert_eq!(report["dry_run"], true);
    assert_eq!(
        (report["created"].as_u64(), report["rejected"].as_u64()),
        (Some(3), Some(1)),
        "{report}"
    );
    assert_eq!(report["rows"][3]["line"], 5);
    assert!(
        report["rows"][3]["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("nip:"),
        "{report}"
    );
    assert!(
        !text.contains("196608011988031001") && !text.contains("19660801 198803"),
        "NIPs are not echoed"
    );
    assert_eq!(people(&app).await, 0, "a dry run writes nothing");

    // One rejected row: nothing at all is written.
    let (_, report) = import(&app, &with_bad, false).await;
    assert_eq!(report["rejected"], 1);
    assert_eq!(people(&app).await, 0);

    let (_, report) = import(&app, good, false).await;
    assert_eq!(report["created"], 3, "{report}");
    assert_eq!(people(&app).await, 3);
    let stored = person::Entity::find().all(&app.state.db).await.unwrap();
    let siti = stored.iter().find(|p| p.name == "Siti Rahmawati").unwrap();
    assert_eq!(
        (siti.employment_type.as_str(), siti.job_level.as_str()),
        ("pns", "pelaksana")
    );
    let rina = stored.iter().find(|p| p.name == "Rina Marlina").unwrap();
    assert_eq!(
        (rina.employment_type.as_str(), rina.job_level.as_str()),
        ("pppk", "fungsional")
    );
    assert!(
        !format!("{rina:?}").contains("198506302023292045"),
        "Debug hides the NIP"
    );

    // The same file again changes nothing; a changed row is an update.
    let (_, report) = import(&app, good, false).await;
    assert_eq!(
        (report["unchanged"].as_u64(), report["created"].as_u64()),
        (Some(3), Some(0))
    );
    let moved = good.replace(
        "Siti Rahmawati;siti@serangkota.go.id;DINKES",
        "Siti Rahmawati;siti@serangkota.go.id;BKPSDM",
    );
    let (_, report) = import(&app, &moved, false).await;
    assert_eq!(
        (report["updated"].as_u64(), report["unchanged"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(people(&app).await, 3);

    // Wrong kinds of rows are explained.
    let wrong = "nip,name,email,unit,job_level,employment_type\n\
                 19660801 198803 1 001,Ahmad,ahmad@serangkota.go.id,NOPE,Kepala,PPPK\n";
    let (_, report) = import(&app, wrong, true).await;
    let problems: Vec<&str> = report["rows"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(problems.len(), 3, "{problems:?}");
    let r = app
        .http
        .post(app.url("/api/v1/people/import"))
        .bearer_auth(ADMIN_TOKEN)
        .body("nama,email\nx,y\n")
        .send()
        .await
        .unwrap();
    let error = assert_error(r, 422, "validation_failed").await;
    assert_eq!(
        error["fields"].as_array().unwrap().len(),
        3,
        "nip, unit and job_level columns missing"
    );
}

on_both_databases!(roster_import_names_each_bad_row);

/// One bad row of each kind, each with the start of the message it gets; the good row is not written.
async fn roster_import_names_each_bad_row(db: Db) {
    let app = crate::helpers::spawn_app(db).await;
    let unit = json!({"code": "BKPSDM", "name": "BKPSDM", "kind": "badan"});
    assert_eq!(app.post_json("/api/v1/units", &unit).await.status(), 201);
    let header = "nip;nama;email;unit;jabatan\n";
    let good = "196608011988031001;Ahmad;ahmad@serangkota.go.id;BKPSDM;Pelaksana\n";
    let cases = [
        (
            "196613011988031001;Bulan Tiga Belas;a@serangkota.go.id;BKPSDM;Pelaksana",
            "nip:",
        ),
        (
            "196602301988031001;Tiga Puluh Februari;b@serangkota.go.id;BKPSDM;Pelaksana",
            "nip:",
        ),
        (
            "1966080119880310;Terlalu Pendek;c@serangkota.go.id;BKPSDM;Pelaksana",
            "nip:",
        ),
        (
            "1966080119880310011;Terlalu Panjang;d@serangkota.go.id;BKPSDM;Pelaksana",
            "nip:",
        ),
        (
            "196608011988031001;NIP Ganda;e@serangkota.go.id;BKPSDM;Pelaksana",
            "NIP ganda, lihat baris 2",
        ),
        (
            "198507142010012003;Unit Asing;f@serangkota.go.id;NOPE;Pelaksana",
            "unit: kode unit tidak dikenal",
        ),
        (
            "198101012006042001;Tanpa Surel;;BKPSDM;Pelaksana",
            "email: wajib diisi",
        ),
        (
            "198101012006042002;Surel Rusak;bukan-surel;BKPSDM;Pelaksana",
            "email:",
        ),
    ];
    let mut csv = format!("{header}{good}");
    for (row, _) in &cases {
        csv.push_str(row);
        csv.push('\n');
    }
    let (_, report) = import(&app, &csv, false).await;
    assert_eq!(report["rows"][0]["action"], "create", "{report}");
    assert_eq!(report["rejected"], cases.len(), "{report}");
    for (i, (row, expected)) in cases.iter().enumerate() {
        let reported = &report["rows"][i + 1];
        assert_eq!(reported["line"], i + 3, "{row}");
        assert_eq!(reported["action"], "rejected", "{row}");
        let problems = reported["problems"].to_string();
        assert!(problems.contains(expected), "{row}: {problems}");
    }
    assert_eq!(
        people(&app).await,
        0,
        "nothing is written when a row is rejected"
    );

    // Not UTF-8 (a Latin-1 export): the whole file is refused with the reason.
    let r = app
        .http
        .post(app.url("/api/v1/people/import"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "text/csv")
        .body(
            b"nip;nama;email;unit;jabatan\n196608011988031001;Jos\xe9;j@x.id;BKPSDM;Pelaksana\n"
                .to_vec(),
        )
        .send()
        .await
        .unwrap();
    let error = assert_error(r, 422, "validation_failed").await;
    assert!(error.to_string().contains("UTF-8"), "{error}");
    assert_eq!(people(&app).await, 0);
}
