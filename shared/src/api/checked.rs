//! Requests checked at the boundary: a `CreateWave` or `CreateUnit` that passed every check needing no
//! database becomes a `NewWave` or `NewUnit`; otherwise the answer is every problem, with its field path
//! and message.

use super::{Anonymity, CreateUnit, CreateWave};
use crate::domain::Name;
use crate::error::FieldError;

/// Reporting threshold k of a wave that does not set one.
pub const DEFAULT_MIN_GROUP: i32 = 5;
/// The floor no wave's k may go below (docs/design.md invariant 5).
pub const MIN_GROUP_FLOOR: i32 = 3;
/// Threshold for free-text comments of a wave that does not set one (raised to k when k is higher).
pub const DEFAULT_MIN_COMMENT_GROUP: i32 = 10;
/// The highest threshold a wave may set.
pub const MAX_GROUP_SIZE: i32 = 1000;

/// The message of a name that is empty or too long (units, waves).
const NAME_MESSAGE: &str = "nama wajib, maks. 200 / name required, max 200";

/// A wave to create: a `CreateWave` that passed every check needing no database. `T` is the time type
/// of the side that reads `opens_at` and `closes_at` (the server reads them as instants, WIB without an
/// offset); whether `survey_version_id` names a published version is the database's business.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWave<T> {
    pub survey_version_id: uuid::Uuid,
    pub name: Name,
    /// `[a-z0-9-]{3,80}`, trimmed.
    pub slug: String,
    pub opens_at: T,
    /// After `opens_at`.
    pub closes_at: T,
    pub anonymity: Anonymity,
    /// k, from `MIN_GROUP_FLOOR` to `MAX_GROUP_SIZE`.
    pub min_group_size: i32,
    /// From k to `MAX_GROUP_SIZE`.
    pub min_comment_group_size: i32,
    pub open_link_with_audience: bool,
}

impl<T: PartialOrd> NewWave<T> {
    /// Checks `input`, reading its times with `read_time` (`None`: not a time), with the defaults applied.
    /// On refusal, every problem in field order: `name`, `slug`, `opens_at`, `closes_at`,
    /// `min_group_size`, `min_comment_group_size`.
    pub fn parse(
        input: CreateWave,
        read_time: impl Fn(&str) -> Option<T>,
    ) -> Result<NewWave<T>, Vec<FieldError>> {
        let mut problems = Vec::new();
        let name = Name::parse(&input.name);
        if name.is_err() {
            problems.push(FieldError::new("name", NAME_MESSAGE));
        }
        let slug = input.slug.trim();
        if !(3..=80).contains(&slug.len())
            || !slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            problems.push(FieldError::new(
                "slug",
                "3-80 huruf kecil, angka, tanda hubung / 3-80 lowercase letters, digits, hyphens",
            ));
        }
        let opens = read_time(&input.opens_at);
        let closes = read_time(&input.closes_at);
        if opens.is_none() {
            problems.push(FieldError::new(
                "opens_at",
                "waktu tidak valid / invalid time",
            ));
        }
        if closes.is_none() {
            problems.push(FieldError::new(
                "closes_at",
                "waktu tidak valid / invalid time",
            ));
        }
        if let (Some(o), Some(c)) = (&opens, &closes)
            && c <= o
        {
            problems.push(FieldError::new(
                "closes_at",
                "harus setelah waktu buka / must be after opens_at",
            ));
        }
        let k = input.min_group_size.unwrap_or(DEFAULT_MIN_GROUP);
        if !(MIN_GROUP_FLOOR..=MAX_GROUP_SIZE).contains(&k) {
            problems.push(FieldError::new(
                "min_group_size",
                "minimal 3 / at least 3 (small groups are never reported)",
            ));
        }
        let k_comments = input
            .min_comment_group_size
            .unwrap_or(DEFAULT_MIN_COMMENT_GROUP.max(k));
        if k_comments < k || k_comments > MAX_GROUP_SIZE {
            problems.push(FieldError::new(
                "min_comment_group_size",
                "tidak boleh di bawah min_group_size / must not be below min_group_size",
            ));
        }
        match (name, opens, closes) {
            (Ok(name), Some(opens_at), Some(closes_at)) if problems.is_empty() => Ok(NewWave {
                survey_version_id: input.survey_version_id,
                name,
                slug: slug.to_string(),
                opens_at,
                closes_at,
                anonymity: input.anonymity,
                min_group_size: k,
                min_comment_group_size: k_comments,
                open_link_with_audience: input.open_link_with_audience.unwrap_or(false),
            }),
            _ => Err(problems),
        }
    }
}

/// A unit to create: a `CreateUnit` that passed every check needing no database, trimmed, an empty sector
/// or parent code left out. Whether the parent exists and the code is free is the database's business.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUnit {
    /// 1 to 40 ASCII letters, digits, `-`, `_` or `.`.
    pub code: String,
    pub name: Name,
    /// 1 to 40 bytes.
    pub kind: String,
    /// At most 40 bytes.
    pub sector: Option<String>,
    pub parent_code: Option<String>,
}

impl NewUnit {
    /// Checks `input`. On refusal, every problem in field order: `code`, `name`, `kind`, `sector`.
    pub fn parse(input: &CreateUnit) -> Result<NewUnit, Vec<FieldError>> {
        let mut problems = Vec::new();
        let code = input.code.trim();
        if !((1..=40).contains(&code.len())
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        {
            problems.push(FieldError::new(
                "code",
                "kode 1-40 huruf/angka/-/_/. / code: 1-40 letters, digits, - _ .",
            ));
        }
        let name = Name::parse(&input.name);
        if name.is_err() {
            problems.push(FieldError::new("name", NAME_MESSAGE));
        }
        let kind = input.kind.trim();
        if kind.is_empty() || kind.len() > 40 {
            problems.push(FieldError::new(
                "kind",
                "jenis wajib, maks. 40 / kind required, max 40",
            ));
        }
        let sector = input.sector.as_deref().map(str::trim);
        if sector.is_some_and(|s| s.len() > 40) {
            problems.push(FieldError::new("sector", "sektor maks. 40 / sector max 40"));
        }
        let optional = |value: Option<&str>| {
            value
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        match name {
            Ok(name) if problems.is_empty() => Ok(NewUnit {
                code: code.to_string(),
                name,
                kind: kind.to_string(),
                sector: optional(sector),
                parent_code: optional(input.parent_code.as_deref()),
            }),
            _ => Err(problems),
        }
    }
}
