//! Demo data for the embedded default: the unit tree of Kota Serang (OPDs, some sub-units and the six
//! kecamatan, Kemendagri code 3673) and one open wave per built-in template, so a newcomer can answer a
//! survey right after `scripts/serve`, and a demo admin account. Seeded once, when the database has no units.

use chrono::{Duration, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use serap_shared::api::{Anonymity, CreateUnit, NewUnit};
use serap_shared::domain::Name;
use serap_shared::templates;

use crate::entities::org_unit;
use crate::waves::{DEFAULT_MIN_COMMENT_GROUP, DEFAULT_MIN_GROUP, NewServerWave};
use crate::{surveys, units, waves};

/// `(code, name, kind, sector, parent code)`.
type DemoUnit = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

const UNITS: &[DemoUnit] = &[
    ("3673", "Pemerintah Kota Serang", "pemda", None, None),
    (
        "SETDA",
        "Sekretariat Daerah",
        "sekretariat",
        Some("pemerintahan_umum"),
        Some("3673"),
    ),
    (
        "BKPSDM",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "badan",
        Some("pemerintahan_umum"),
        Some("3673"),
    ),
    (
        "BPBD",
        "Badan Penanggulangan Bencana Daerah",
        "badan",
        Some("kebencanaan"),
        Some("3673"),
    ),
    (
        "BAPPEDA",
        "Badan Perencanaan Pembangunan Daerah",
        "badan",
        Some("pemerintahan_umum"),
        Some("3673"),
    ),
    (
        "BPKAD",
        "Badan Pengelolaan Keuangan dan Aset Daerah",
        "badan",
        Some("ekonomi"),
        Some("3673"),
    ),
    (
        "DINDIKBUD",
        "Dinas Pendidikan dan Kebudayaan",
        "dinas",
        Some("pendidikan"),
        Some("3673"),
    ),
    (
        "DINDIKBUD-SD1",
        "SD Negeri 1 Serang",
        "sekolah",
        Some("pendidikan"),
        Some("DINDIKBUD"),
    ),
    (
        "DINDIKBUD-SMP2",
        "SMP Negeri 2 Kota Serang",
        "sekolah",
        Some("pendidikan"),
        Some("DINDIKBUD"),
    ),
    (
        "DINKES",
        "Dinas Kesehatan",
        "dinas",
        Some("kesehatan"),
        Some("3673"),
    ),
    (
        "DINKES-PKM-SERANG",
        "Puskesmas Serang Kota",
        "puskesmas",
        Some("kesehatan"),
        Some("DINKES"),
    ),
    (
        "DINKES-PKM-KASEMEN",
        "Puskesmas Kasemen",
        "puskesmas",
        Some("kesehatan"),
        Some("DINKES"),
    ),
    (
        "DPUPR",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "dinas",
        Some("infrastruktur"),
        Some("3673"),
    ),
    (
        "DINSOS",
        "Dinas Sosial",
        "dinas",
        Some("sosial"),
        Some("3673"),
    ),
    (
        "INSPEKTORAT",
        "Inspektorat",
        "inspektorat",
        Some("pemerintahan_umum"),
        Some("3673"),
    ),
    (
        "SATPOLPP",
        "Satuan Polisi Pamong Praja",
        "satuan",
        Some("pemerintahan_umum"),
        Some("3673"),
    ),
    (
        "RSUD",
        "RSUD Kota Serang",
        "rsud",
        Some("kesehatan"),
        Some("3673"),
    ),
    (
        "367301",
        "Kecamatan Serang",
        "kecamatan",
        Some("pemerintahan_umum"),
        Some("3673"),
    ),
    (
        "367302",
        "Kecamatan Kasemen",
        "kecamatan",
        Some("pemerintahan_umum"),
        Some("3673"),
    ),
    (
        "367303",
        "Kecamatan Walantaka",
        "kecamatan",
        Some("pemerintahan_umum"),
        Some("3673"),
    ),
    (
        "367304",
        "Kecamatan Curug",
        "kecamatan",
        Some("pemerintahan_umum"),
        Some("3673"),
    ),
    (
        "367305",
        "Kecamatan Cipocok Jaya",
        "kecamatan",
        Some("pemerintahan_umum"),
        Some("3673"),
    ),
    (
        "367306",
        "Kecamatan Taktakan",
        "kecamatan",
        Some("pemerintahan_umum"),
        Some("3673"),
    ),
];

/// Open-link slug, wave name and anonymity per template id.
pub const DEMO_WAVES: &[(&str, &str, &str, Anonymity)] = &[
    (
        "competency",
        "kompetensi-2026",
        "Penilaian Mandiri Kompetensi ASN 2026",
        Anonymity::Confidential,
    ),
    (
        "training_needs",
        "kebutuhan-pelatihan-2026",
        "Analisis Kebutuhan Pelatihan 2026",
        Anonymity::Anonymous,
    ),
    (
        "staffing_abk",
        "abk-2026",
        "Analisis Beban Kerja Unit 2026",
        Anonymity::Identified,
    ),
    (
        "socialisation",
        "sosialisasi-kebijakan-2026",
        "Umpan Balik Sosialisasi Kebijakan 2026",
        Anonymity::Anonymous,
    ),
    (
        "skm",
        "skm-2026",
        "Survei Kepuasan Masyarakat 2026",
        Anonymity::Anonymous,
    ),
];

/// The demo admin account; its password is generated and printed once.
pub const DEMO_ADMIN: &str = "admin@serap.example";

/// Seeds the demo data when there are no units yet. Returns whether it seeded.
pub async fn seed_if_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    if org_unit::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let now = Utc::now();
    let mut ids = std::collections::HashMap::new();
    for (code, name, kind, sector, parent) in UNITS {
        let unit = NewUnit::parse(&CreateUnit {
            code: code.to_string(),
            name: name.to_string(),
            kind: kind.to_string(),
            sector: sector.map(str::to_string),
            parent_code: parent.map(str::to_string),
        })
        .map_err(|problems| anyhow::anyhow!("demo unit {code}: {problems:?}"))?;
        let parent_id = parent.and_then(|p| ids.get(p).copied());
        let row = units::insert(db, &unit, parent_id, now).await?;
        ids.insert(*code, row.id);
    }
    for (template_id, slug, name, anonymity) in DEMO_WAVES {
        let template = templates::get(template_id)
            .ok_or_else(|| anyhow::anyhow!("demo template {template_id} missing"))?;
        let survey = surveys::insert(db, Some(template_id.to_string()), &template.definition, now)
            .await
            .map_err(|e| anyhow::anyhow!("storing demo survey: {e}"))?;
        let version = surveys::publish_version(db, survey.id, &template.definition)
            .await
            .map_err(|e| anyhow::anyhow!("publishing demo survey: {e}"))?;
        let wave = NewServerWave {
            survey_version_id: version.id,
            name: Name::parse(name)?,
            slug: slug.to_string(),
            opens_at: now - Duration::days(1),
            closes_at: now + Duration::days(90),
            anonymity: *anonymity,
            min_group_size: DEFAULT_MIN_GROUP,
            min_comment_group_size: DEFAULT_MIN_COMMENT_GROUP,
            open_link_with_audience: false,
        };
        waves::insert(db, survey.id, &wave, now).await?;
    }
    let password = crate::infra::tokens::random_token()[..16].to_string();
    let email = serap_shared::domain::EmailAddress::parse(DEMO_ADMIN)?;
    crate::accounts::create_account(
        db,
        &email,
        "Admin Demo BKPSDM",
        &password,
        &[(serap_shared::domain::Role::Admin, None)],
    )
    .await?;
    // Shown once, at the first start: it is stored only as an argon2id hash.
    println!("Demo admin: {DEMO_ADMIN} / password: {password}");
    tracing::info!(
        units = UNITS.len(),
        waves = DEMO_WAVES.len(),
        "seeded demo data"
    );
    Ok(true)
}
