//! Leader email digests (DESIGN invariants 5, 6, 7, 10). An admin subscribes a leader (an account with
//! the leader role, or an email address with a name) to a scope (units with their subtrees; empty = the
//! whole city) and cadences: daily at 07:00 WIB, weekly on Monday at 07:00 WIB, and when a wave closes.
//!
//! Every instance runs the `Scheduler`, which calls `run_due` every 30 seconds. For each active
//! subscription it computes the latest due period of each cadence in Asia/Jakarta (`daily:2026-11-30`,
//! `weekly:2026-W49`, `close:<wave id>`); a period that began before the subscription (or its last change
//! of cadence) is never sent, and an earlier period missed while every server was down is not sent either:
//! only the latest. A period is claimed by inserting the unique (subscription, period) row in the same
//! transaction as `outbox::enqueue` of its email, with `ON CONFLICT DO NOTHING`: the instance that finds
//! the row already there rolls back, so whatever the number of instances each digest is queued once.
//!
//! Guarantee: each digest is queued exactly once; the outbox delivers it at least once to the SMTP
//! server, with the Message-Id fixed when it was queued, so a resend after a crash (an instance dying
//! between the SMTP server's acceptance and marking the row sent) carries the same Message-Id and mail
//! systems can recognise the duplicate.
//!
//! Figures come only from `crate::reports::wave_report`, the one path that applies the reporting
//! threshold, with the subscription's scope (intersected with the leader account's own scope); response
//! rates per unit are shown only for units with none or at least k answers.
//!
//! Leaders change cadence or unsubscribe through `/d/<id>/<signature>` (HMAC-SHA256 of the subscription id
//! with `SERAP_SECRET`), linked from every digest and given in the `List-Unsubscribe` header (one-click,
//! RFC 8058).

pub mod routes;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Datelike, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Jakarta;
use hmac::{Hmac, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TryInsertResult,
};
use serap_shared::api::UnitResponseRate;
use serap_shared::domain::{EmailAddress, Role};
use serap_shared::error::FieldError;
use serap_shared::i18n::Lang;
use serap_shared::report::WaveReport;
use sha2::Sha256;
use tokio::sync::watch;
use uuid::Uuid;

use crate::access::scope::{Scope, children_of, subtrees};
use crate::access::{Account, Caller};
use crate::entities::digest_period::{self, Entity as Period};
use crate::entities::digest_subscription::{self, Entity as Subscriptions};
use crate::entities::{account, org_unit, outbox_message, wave};
use crate::error::ApiError;
use crate::infra::config::Settings;
use crate::infra::mail::escape_html;
use crate::infra::outbox::{self, NewEmail};
use crate::reports::{ReportQuery, wave_report};
use crate::state::AppState;

/// How often each instance looks for due digests.
const POLL: Duration = Duration::from_secs(30);
/// Digests go out at this WIB time (daily; weekly on Mondays).
const SEND_HOUR: u32 = 7;
/// Units named under "needs attention".
const ATTENTION: usize = 3;

// ---------------------------------------------------------------------------------------------------------
// Wire types

/// How often a leader hears from Serap.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// Every day at 07:00 WIB.
    Daily,
    /// Mondays at 07:00 WIB.
    Weekly,
    /// When a wave closes.
    WaveClosed,
}

/// A new subscription: an account with the leader role, or an email address with a name.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubscription {
    /// An account with the leader role; its email and name are used unless given.
    #[serde(default)]
    pub account_id: Option<Uuid>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// Units (with their subtrees) covered; empty: the whole city (within the account's scope).
    #[serde(default)]
    pub unit_codes: Vec<String>,
    pub cadences: Vec<Cadence>,
    /// `id` (default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// Changes to a subscription; absent fields stay as they are.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionChanges {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub unit_codes: Option<Vec<String>>,
    #[serde(default)]
    pub cadences: Option<Vec<Cadence>>,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// A subscription with its delivery status.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SubscriptionStatus {
    pub id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<Uuid>,
    pub email: String,
    pub name: String,
    pub unit_codes: Vec<String>,
    pub cadences: Vec<Cadence>,
    pub lang: String,
    pub active: bool,
    /// WIB, RFC 3339.
    pub created_at: String,
    /// The latest period claimed, e.g. `weekly:2026-W49`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_period: Option<String>,
    /// When it was claimed (WIB, RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_claimed_at: Option<String>,
    /// Outbox status of its email: `pending`, `sending`, `sent`, `failed`, or `none` (nothing to report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_delivery: Option<String>,
    /// Digests of this subscription the outbox gave up on.
    pub failures: u32,
}

/// A digest as it would be sent.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DigestPreview {
    pub period: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// An outbox message that failed after every attempt.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FailedMessage {
    pub id: Uuid,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub message_id: String,
    pub attempts: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// WIB, RFC 3339.
    pub created_at: String,
}

// ---------------------------------------------------------------------------------------------------------
// Signed links

/// `SERAP_SECRET`, or one generated once into `<data dir>/secret`.
pub fn secret(settings: &Settings) -> anyhow::Result<String> {
    if let Some(secret) = &settings.secret {
        return Ok(secret.clone());
    }
    let path = settings.data_dir.join("secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_string();
        if !existing.is_empty() {
            return Ok(existing);
        }
    }
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    let secret = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    crate::startup::write_private(&path, &secret)
        .with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated the link-signing secret");
    Ok(secret)
}

fn mac(secret: &str, id: Uuid) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(b"digest:");
    mac.update(id.as_hyphenated().to_string().as_bytes());
    mac
}

/// The signature in a subscription's manage link: hex HMAC-SHA256 of its id.
pub fn sign(secret: &str, id: Uuid) -> String {
    let bytes = mac(secret, id).finalize().into_bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `signature` is the one of `id` (constant time).
pub fn verify(secret: &str, id: Uuid, signature: &str) -> bool {
    if signature.len() != 64 {
        return false;
    }
    let bytes: Option<Vec<u8>> = (0..32)
        .map(|i| u8::from_str_radix(signature.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    match bytes {
        Some(bytes) => mac(secret, id).verify_slice(&bytes).is_ok(),
        None => false,
    }
}

fn secret_of(state: &AppState) -> &str {
    state.settings.secret.as_deref().unwrap_or_default()
}

/// The manage (and unsubscribe) link of a subscription.
pub fn manage_link(state: &AppState, id: Uuid) -> String {
    format!(
        "{}/d/{id}/{}",
        state.settings.base_url.trim_end_matches('/'),
        sign(secret_of(state), id)
    )
}

// ---------------------------------------------------------------------------------------------------------
// Periods (WIB)

/// The latest daily send time (07:00 WIB) at or before `now`.
pub fn daily_boundary(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&Jakarta);
    let at_seven = |date: chrono::NaiveDate| {
        Jakarta
            .from_local_datetime(
                &date.and_time(NaiveTime::from_hms_opt(SEND_HOUR, 0, 0).unwrap_or_default()),
            )
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now)
    };
    let today = at_seven(local.date_naive());
    if today <= now {
        today
    } else {
        at_seven(local.date_naive() - chrono::Duration::days(1))
    }
}

/// The latest weekly send time (Monday 07:00 WIB) at or before `now`.
pub fn weekly_boundary(now: DateTime<Utc>) -> DateTime<Utc> {
    let day = daily_boundary(now);
    let back = day.with_timezone(&Jakarta).weekday().num_days_from_monday();
    day - chrono::Duration::days(i64::from(back))
}

/// `daily:2026-11-30`.
pub fn daily_period(boundary: DateTime<Utc>) -> String {
    format!(
        "daily:{}",
        boundary.with_timezone(&Jakarta).format("%Y-%m-%d")
    )
}

/// `weekly:2026-W49` (ISO week).
pub fn weekly_period(boundary: DateTime<Utc>) -> String {
    let week = boundary.with_timezone(&Jakarta).iso_week();
    format!("weekly:{}-W{:02}", week.year(), week.week())
}

/// What a digest is about.
#[derive(Debug, Clone)]
enum Kind {
    Daily,
    Weekly,
    Closed(Arc<wave::Model>),
}

/// The periods of `sub` due at `now`: the latest of each cadence, none that began before `sub.since`.
fn due_periods(
    sub: &digest_subscription::Model,
    waves: &[Arc<wave::Model>],
    now: DateTime<Utc>,
) -> Vec<(String, Kind)> {
    let mut due = Vec::new();
    if sub.daily {
        let boundary = daily_boundary(now);
        if boundary >= sub.since {
            due.push((daily_period(boundary), Kind::Daily));
        }
    }
    if sub.weekly {
        let boundary = weekly_boundary(now);
        if boundary >= sub.since {
            due.push((weekly_period(boundary), Kind::Weekly));
        }
    }
    if sub.on_close {
        for wave in waves {
            if wave.closes_at <= now && wave.closes_at >= sub.since {
                due.push((format!("close:{}", wave.id), Kind::Closed(wave.clone())));
            }
        }
    }
    due
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

/// What one pass knows, shared by every digest it renders: reports are built once per (wave, scope).
struct Pass {
    now: DateTime<Utc>,
    children: HashMap<Uuid, Vec<Uuid>>,
    units: HashMap<Uuid, org_unit::Model>,
    waves: Vec<Arc<wave::Model>>,
    figures: HashMap<(Uuid, String), Arc<WaveFigures>>,
    account_scopes: HashMap<Uuid, Option<Scope>>,
}

struct WaveFigures {
    report: Arc<WaveReport>,
    rates: Vec<UnitResponseRate>,
}

impl Pass {
    async fn load(state: &AppState, now: DateTime<Utc>) -> Result<Pass, ApiError> {
        let waves = wave::Entity::find()
            .order_by_asc(wave::Column::ClosesAt)
            .all(&state.db)
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
        let units = org_unit::Entity::find()
            .all(&state.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        Ok(Pass {
            now,
            children: children_of(&state.db).await?,
            units,
            waves,
            figures: HashMap::new(),
            account_scopes: HashMap::new(),
        })
    }

    /// The subscription's scope: its units' subtrees, within its account's scope; `None` when the account
    /// may no longer read reports.
    async fn scope(
        &mut self,
        state: &AppState,
        sub: &digest_subscription::Model,
    ) -> Result<Option<Scope>, ApiError> {
        let ids = unit_ids(sub);
        let mut scope = if ids.is_empty() {
            Scope::All
        } else {
            Scope::Units(subtrees(&self.children, ids))
        };
        if let Some(account_id) = sub.account_id {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                self.account_scopes.entry(account_id)
            {
                slot.insert(account_scope(state, account_id).await?);
            }
            match self.account_scopes.get(&account_id).cloned().flatten() {
                None => return Ok(None),
                Some(Scope::All) => {}
                Some(Scope::Units(allowed)) => {
                    scope = match scope {
                        Scope::All => Scope::Units(allowed),
                        Scope::Units(mine) => {
                            Scope::Units(mine.intersection(&allowed).copied().collect())
                        }
                    }
                }
            }
        }
        Ok(Some(scope))
    }

    async fn figures(
        &mut self,
        state: &AppState,
        scope: &Scope,
        wave: &wave::Model,
    ) -> Result<Arc<WaveFigures>, ApiError> {
        let key = (wave.id, scope_key(scope));
        if let Some(found) = self.figures.get(&key) {
            return Ok(found.clone());
        }
        // The one path that applies the reporting threshold (DESIGN invariant 5).
        let report = wave_report(state, scope, wave, &ReportQuery::default()).await?;
        let rates = crate::invitations::response_rates(&state.db, wave, scope).await?;
        let figures = Arc::new(WaveFigures { report, rates });
        self.figures.insert(key, figures.clone());
        Ok(figures)
    }
}

fn scope_key(scope: &Scope) -> String {
    match scope {
        Scope::All => "*".into(),
        Scope::Units(units) => {
            let mut ids: Vec<&Uuid> = units.iter().collect();
            ids.sort();
            ids.iter()
                .map(|u| u.simple().to_string())
                .collect::<Vec<_>>()
                .join(",")
        }
    }
}

fn unit_ids(sub: &digest_subscription::Model) -> Vec<Uuid> {
    serde_json::from_value(sub.unit_ids.clone()).unwrap_or_default()
}

/// The report scope of an account (as `Scope::of` would resolve it for that account signed in).
async fn account_scope(state: &AppState, account_id: Uuid) -> Result<Option<Scope>, ApiError> {
    let Some(found) = account::Entity::find_by_id(account_id)
        .one(&state.db)
        .await?
        .filter(|a| a.active)
    else {
        return Ok(None);
    };
    let caller = Caller::Account(Account {
        id: found.id,
        roles: crate::accounts::roles_of(&state.db, found.id).await?,
        email: found.email,
        name: found.name,
        csrf_token: String::new(),
        session_id: String::new(),
    });
    match Scope::of(&caller, &state.db).await {
        Ok(scope) => Ok(Some(scope)),
        Err(ApiError::Forbidden | ApiError::Unauthorized) => Ok(None),
        Err(err) => Err(err),
    }
}

/// A rendered digest and the figures to remember for the next one.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `{"<wave id>": respondents}` of the waves shown.
    pub figures: serde_json::Value,
    /// Waves in the digest; zero means there is nothing to send.
    pub waves: usize,
}

fn tr<'a>(lang: Lang, id: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::En => en,
        _ => id,
    }
}

fn lang_of(sub: &digest_subscription::Model) -> Lang {
    Lang::from_code(&sub.lang).unwrap_or(Lang::Id)
}

/// `1245` as `1.245` (id) or `1,245` (en).
pub fn format_int(n: i64, lang: Lang) -> String {
    let sep = if lang == Lang::En { ',' } else { '.' };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `85.714` with one place as `85,7` (id) or `85.7` (en), with thousands grouped.
pub fn format_dec(x: f64, places: usize, lang: Lang) -> String {
    let fixed = format!("{:.*}", places, x.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let int = format_int(int.parse().unwrap_or(0), lang);
    let sign = if x < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        let point = if lang == Lang::En { '.' } else { ',' };
        format!("{sign}{int}{point}{frac}")
    }
}

fn format_pct(share: f64, lang: Lang) -> String {
    format!("{}%", format_dec(share * 100.0, 1, lang))
}

fn signed(n: i64, lang: Lang) -> String {
    if n >= 0 {
        format!("+{}", format_int(n, lang))
    } else {
        format_int(n, lang)
    }
}

/// One line of a wave section: a label, its value, and a 0..1 bar when it is a share.
struct Line {
    label: String,
    value: String,
    bar: Option<f64>,
}

struct Section {
    title: String,
    status: String,
    lines: Vec<Line>,
    attention: Vec<String>,
    link: String,
}

/// Renders the digest of `sub` for `kind` from the figures the threshold lets through.
async fn render(
    state: &AppState,
    ctx: &mut Pass,
    sub: &digest_subscription::Model,
    kind: &Kind,
    previous: &HashMap<String, i64>,
) -> Result<Option<Rendered>, ApiError> {
    let lang = lang_of(sub);
    let Some(scope) = ctx.scope(state, sub).await? else {
        return Ok(None);
    };
    let now = ctx.now;
    let (chosen, window) = match kind {
        Kind::Closed(wave) => (vec![wave.clone()], chrono::Duration::zero()),
        Kind::Daily => (Vec::new(), chrono::Duration::days(1)),
        Kind::Weekly => (Vec::new(), chrono::Duration::days(7)),
    };
    let waves: Vec<Arc<wave::Model>> = if chosen.is_empty() {
        ctx.waves
            .iter()
            .filter(|w| w.opens_at <= now && (w.closes_at > now || w.closes_at > now - window))
            .cloned()
            .collect()
    } else {
        chosen
    };
    let base = state.settings.base_url.trim_end_matches('/').to_string();
    let mut sections = Vec::new();
    let mut figures = serde_json::Map::new();
    let mut total = 0i64;
    let mut change: Option<i64> = None;
    let mut active = 0;
    for wave in &waves {
        let data = ctx.figures(state, &scope, wave).await?;
        let report = &data.report;
        let k = report.k;
        let closed = wave.closes_at <= now;
        if !closed {
            active += 1;
        }
        let mut lines = Vec::new();
        let hidden = tr(lang, "disembunyikan (kurang dari", "hidden (fewer than");
        match report.overall.respondents {
            Some(n) => {
                let n = n as i64;
                total += n;
                figures.insert(wave.id.to_string(), serde_json::json!(n));
                let mut value = format_int(n, lang);
                if let Some(before) = previous.get(&wave.id.to_string()) {
                    value.push_str(&format!(" ({})", signed(n - before, lang)));
                    change = Some(change.unwrap_or(0) + n - before);
                }
                lines.push(Line {
                    label: tr(lang, "Responden", "Respondents").into(),
                    value,
                    bar: None,
                });
            }
            None => lines.push(Line {
                label: tr(lang, "Responden", "Respondents").into(),
                value: format!("{hidden} {k})"),
                bar: None,
            }),
        }
        // Response rate over the units of the scope: a unit with 1..k-1 answers is never shown alone,
        // and the total only when the hidden units together are none or at least k.
        let shown = |r: &&UnitResponseRate| r.answered == 0 || r.answered >= k;
        let hidden_answers: u32 = data
            .rates
            .iter()
            .filter(|r| !shown(r))
            .map(|r| r.answered)
            .sum();
        let invited: u32 = data.rates.iter().map(|r| r.invited).sum();
        let answered: u32 = data.rates.iter().map(|r| r.answered).sum();
        if invited > 0 {
            if (hidden_answers == 0 || hidden_answers >= k) && (answered == 0 || answered >= k) {
                let share = f64::from(answered) / f64::from(invited);
                lines.push(Line {
                    label: tr(lang, "Tingkat respons undangan", "Invitation response rate").into(),
                    value: format!(
                        "{} ({} {} {})",
                        format_pct(share, lang),
                        format_int(i64::from(answered), lang),
                        tr(lang, "dari", "of"),
                        format_int(i64::from(invited), lang)
                    ),
                    bar: Some(share),
                });
            } else {
                lines.push(Line {
                    label: tr(lang, "Tingkat respons undangan", "Invitation response rate").into(),
                    value: format!("{hidden} {k})"),
                    bar: None,
                });
            }
        }
        headline_lines(report, lang, &mut lines);
        let mut low: Vec<&UnitResponseRate> = data
            .rates
            .iter()
            .filter(|r| shown(r) && r.invited > 0)
            .collect();
        low.sort_by(|a, b| {
            a.rate
                .total_cmp(&b.rate)
                .then(a.unit_code.cmp(&b.unit_code))
        });
        let attention = low
            .into_iter()
            .filter(|r| r.rate < 1.0)
            .take(ATTENTION)
            .map(|r| {
                format!(
                    "{} ({}): {} ({} {} {})",
                    r.unit_name,
                    r.unit_code,
                    format_pct(r.rate, lang),
                    format_int(i64::from(r.answered), lang),
                    tr(lang, "dari", "of"),
                    format_int(i64::from(r.invited), lang)
                )
            })
            .collect();
        sections.push(Section {
            title: wave.name.clone(),
            status: if closed {
                format!(
                    "{} {}",
                    tr(lang, "Ditutup", "Closed"),
                    wave.closes_at
                        .with_timezone(&Jakarta)
                        .format("%d-%m-%Y %H:%M WIB")
                )
            } else {
                format!(
                    "{} {}",
                    tr(lang, "Aktif sampai", "Open until"),
                    wave.closes_at
                        .with_timezone(&Jakarta)
                        .format("%d-%m-%Y %H:%M WIB")
                )
            },
            lines,
            attention,
            link: format!("{base}/console/waves/{}/report", wave.slug),
        });
    }
    let totals = format_int(total, lang);
    let change = change
        .map(|c| format!(" ({})", signed(c, lang)))
        .unwrap_or_default();
    let subject = match (kind, lang) {
        (Kind::Closed(wave), Lang::En) => {
            format!(
                "Serap: survey closed, {}: {totals} responses{change}",
                wave.name
            )
        }
        (Kind::Closed(wave), _) => {
            format!(
                "Serap: survei ditutup, {}: {totals} tanggapan{change}",
                wave.name
            )
        }
        (Kind::Daily | Kind::Weekly, Lang::En) => format!(
            "Serap {} digest: {active} active survey{}, {totals} responses{change}",
            if matches!(kind, Kind::Daily) {
                "daily"
            } else {
                "weekly"
            },
            if active == 1 { "" } else { "s" }
        ),
        (Kind::Daily | Kind::Weekly, _) => format!(
            "Ringkasan {} Serap: {active} survei aktif, {totals} tanggapan{change}",
            if matches!(kind, Kind::Daily) {
                "harian"
            } else {
                "mingguan"
            }
        ),
    };
    let scope_name = scope_description(ctx, sub, lang);
    let manage = manage_link(state, sub.id);
    let (text, html) = compose(sub, lang, &subject, &scope_name, &sections, &manage, now);
    Ok(Some(Rendered {
        subject,
        text,
        html,
        figures: serde_json::Value::Object(figures),
        waves: sections.len(),
    }))
}

/// The headline indicators of a report, each only when the threshold lets it through.
fn headline_lines(report: &WaveReport, lang: Lang, lines: &mut Vec<Line>) {
    let overall = &report.overall;
    if let Some(s) = &overall.socialisation
        && let Some(index) = s.acceptance_index
    {
        let mut value = format!("{} / 100", format_dec(index, 1, lang));
        if let Some(f) = s.favourable_share {
            value.push_str(&format!(
                "; {} {}",
                format_pct(f, lang),
                tr(lang, "setuju", "favourable")
            ));
        }
        lines.push(Line {
            label: tr(lang, "Indeks penerimaan", "Acceptance index").into(),
            value,
            bar: Some((index / 100.0).clamp(0.0, 1.0)),
        });
    }
    if let Some(c) = &overall.competency {
        if let Some(jpm) = c.jpm {
            let category = c
                .jpm_category
                .map(|cat| format!(" ({})", cat.label().get(lang)))
                .unwrap_or_default();
            lines.push(Line {
                label: tr(lang, "JPM rata-rata", "Mean JPM").into(),
                value: format!("{}%{category}", format_dec(jpm, 1, lang)),
                bar: Some((jpm / 100.0).clamp(0.0, 1.0)),
            });
        }
        let mut gaps: Vec<_> = c
            .competencies
            .iter()
            .filter_map(|s| Some((s, s.gap.filter(|g| *g < 0.0)?)))
            .collect();
        gaps.sort_by(|a, b| a.1.total_cmp(&b.1));
        for (stat, gap) in gaps.into_iter().take(3) {
            let mut value = format!(
                "{} {}",
                tr(lang, "kesenjangan", "gap"),
                format_dec(gap, 2, lang)
            );
            if let Some(below) = stat.below_share {
                value.push_str(&format!(
                    "; {} {}",
                    format_pct(below, lang),
                    tr(lang, "di bawah standar", "below standard")
                ));
            }
            lines.push(Line {
                label: format!(
                    "{}: {}",
                    tr(
                        lang,
                        "Kompetensi di bawah standar",
                        "Competency below standard"
                    ),
                    stat.label.get(lang)
                ),
                value,
                bar: stat.below_share,
            });
        }
    }
    if let Some(t) = &overall.training {
        for topic in t.topics.iter().take(3) {
            lines.push(Line {
                label: format!(
                    "{}: {}",
                    tr(lang, "Kebutuhan pelatihan", "Training demand"),
                    topic.label.get(lang)
                ),
                value: format!(
                    "{} {}",
                    format_pct(topic.chosen_share, lang),
                    tr(lang, "memilih", "chose it")
                ),
                bar: Some(topic.chosen_share.clamp(0.0, 1.0)),
            });
        }
        if let Some(below) = t.below_20_share {
            lines.push(Line {
                label: tr(lang, "Di bawah 20 JP setahun", "Below 20 JP a year").into(),
                value: format_pct(below, lang),
                bar: Some(below.clamp(0.0, 1.0)),
            });
        }
    }
    for row in &report.sectors {
        if let Some(staffing) = &row.group.staffing
            && let Some(gap) = staffing.gap.filter(|g| *g > 0)
        {
            lines.push(Line {
                label: format!(
                    "{}: {}",
                    tr(lang, "Kekurangan pegawai", "Staff shortage"),
                    row.sector
                        .as_deref()
                        .unwrap_or(tr(lang, "tanpa sektor", "no sector"))
                ),
                value: format!("{} {}", format_int(gap, lang), tr(lang, "orang", "people")),
                bar: None,
            });
        }
    }
    if let Some(skm) = &overall.skm
        && let (Some(converted), Some(grade)) = (skm.converted, skm.grade)
    {
        lines.push(Line {
            label: tr(lang, "IKM", "Satisfaction index (IKM)").into(),
            value: format!(
                "{} ({}, {})",
                format_dec(converted, 2, lang),
                grade.letter(),
                grade.label().get(lang)
            ),
            bar: Some((converted / 100.0).clamp(0.0, 1.0)),
        });
    }
}

fn scope_description(ctx: &Pass, sub: &digest_subscription::Model, lang: Lang) -> String {
    let ids = unit_ids(sub);
    if ids.is_empty() {
        return tr(lang, "Seluruh Kota Serang", "All of Kota Serang").into();
    }
    let mut names: Vec<String> = ids
        .iter()
        .filter_map(|id| ctx.units.get(id))
        .map(|u| u.name.clone())
        .collect();
    names.sort();
    names.join(", ")
}

fn bar_html(share: f64) -> String {
    let pct = (share.clamp(0.0, 1.0) * 100.0).round() as u32;
    let cell = "height:8px;font-size:0;line-height:0";
    let filled = if pct > 0 {
        format!("<td width=\"{pct}%\" style=\"background:#0b5d4b;{cell}\">&nbsp;</td>")
    } else {
        String::new()
    };
    let empty = if pct < 100 {
        format!(
            "<td width=\"{}%\" style=\"background:#e3e7e5;{cell}\">&nbsp;</td>",
            100 - pct
        )
    } else {
        String::new()
    };
    format!(
        "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;margin:2px 0 6px 0\"><tr>{filled}{empty}</tr></table>"
    )
}

/// The plain-text and HTML parts: the same facts in both.
fn compose(
    sub: &digest_subscription::Model,
    lang: Lang,
    subject: &str,
    scope_name: &str,
    sections: &[Section],
    manage: &str,
    now: DateTime<Utc>,
) -> (String, String) {
    let e = escape_html;
    let greeting = format!("{} {},", tr(lang, "Yth.", "Dear"), sub.name);
    let as_of = format!(
        "{} {}",
        tr(lang, "Keadaan per", "As of"),
        now.with_timezone(&Jakarta).format("%d-%m-%Y %H:%M WIB")
    );
    let scope_line = format!("{}: {scope_name}", tr(lang, "Cakupan", "Scope"));
    let note = tr(
        lang,
        "Angka dari kelompok dengan responden kurang dari batas minimum disembunyikan untuk melindungi kerahasiaan.",
        "Figures of groups with fewer respondents than the minimum are hidden to protect confidentiality.",
    );
    let manage_label = tr(
        lang,
        "Ubah jadwal atau berhenti berlangganan",
        "Change how often you receive this or unsubscribe",
    );
    let attention_label = tr(
        lang,
        "Perlu perhatian (tingkat respons terendah)",
        "Needs attention (lowest response rate)",
    );
    let dashboard_label = tr(lang, "Buka dasbor", "Open the dashboard");
    let mut text = format!("{subject}\n\n{greeting}\n\n{as_of}. {scope_line}.\n");
    let mut html = String::new();
    html.push_str(&format!(
        "<p style=\"margin:0 0 12px 0\">{}</p><p style=\"margin:0 0 16px 0;color:#555555;font-size:14px\">{}. {}.</p>",
        e(&greeting),
        e(&as_of),
        e(&scope_line)
    ));
    if sections.is_empty() {
        let none = tr(lang, "Tidak ada survei aktif.", "No active surveys.");
        text.push_str(&format!("\n{none}\n"));
        html.push_str(&format!("<p>{}</p>", e(none)));
    }
    for section in sections {
        text.push_str(&format!("\n== {} ==\n{}\n", section.title, section.status));
        html.push_str(&format!(
            "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;margin:0 0 20px 0;border:1px solid #d5dbd8\"><tr><td style=\"padding:12px 14px;background:#f1f5f3\"><div style=\"font-size:17px;font-weight:bold;color:#0b3d31\">{}</div><div style=\"font-size:13px;color:#555555\">{}</div></td></tr><tr><td style=\"padding:10px 14px\">",
            e(&section.title),
            e(&section.status)
        ));
        for line in &section.lines {
            text.push_str(&format!("- {}: {}\n", line.label, line.value));
            html.push_str(&format!(
                "<div style=\"font-size:14px;margin:4px 0 0 0\">{}: <strong>{}</strong></div>",
                e(&line.label),
                e(&line.value)
            ));
            if let Some(share) = line.bar {
                html.push_str(&bar_html(share));
            }
        }
        if !section.attention.is_empty() {
            text.push_str(&format!("{attention_label}:\n"));
            html.push_str(&format!(
                "<div style=\"font-size:14px;margin:10px 0 2px 0;font-weight:bold\">{}</div><ul style=\"margin:0;padding-left:20px;font-size:14px\">",
                e(attention_label)
            ));
            for unit in &section.attention {
                text.push_str(&format!("  * {unit}\n"));
                html.push_str(&format!("<li>{}</li>", e(unit)));
            }
            html.push_str("</ul>");
        }
        text.push_str(&format!("{dashboard_label}: {}\n", section.link));
        html.push_str(&format!(
            "<p style=\"margin:12px 0 0 0\"><a href=\"{}\" style=\"color:#0b5d4b\">{}</a></p></td></tr></table>",
            e(&section.link),
            e(dashboard_label)
        ));
    }
    text.push_str(&format!("\n{note}\n\n--\n{manage_label}: {manage}\n"));
    html.push_str(&format!(
        "<p style=\"font-size:13px;color:#555555\">{}</p><hr style=\"border:0;border-top:1px solid #d5dbd8\"><p style=\"font-size:13px;color:#555555\">{}: <a href=\"{}\" style=\"color:#0b5d4b\">{}</a></p>",
        e(note),
        e(manage_label),
        e(manage),
        e(manage)
    ));
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body style=\"margin:0;padding:16px;font-family:Arial,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a;background:#ffffff\"><div style=\"max-width:640px\">{html}</div></body></html>",
        lang.code(),
        e(subject)
    );
    (text, html)
}

/// The body of an email's HTML part (between `<body ...>` and `</body>`), for showing it inside a page.
pub fn html_body(html: &str) -> &str {
    let start = html
        .find("<body")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
        .unwrap_or(0);
    let end = html.rfind("</body>").unwrap_or(html.len());
    html.get(start..end).unwrap_or(html)
}

// ---------------------------------------------------------------------------------------------------------
// Sending

/// The figures of the subscription's latest digest, `{"<wave id>": respondents}`.
async fn previous_figures<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<HashMap<String, i64>, ApiError> {
    let latest = Period::find()
        .filter(digest_period::Column::SubscriptionId.eq(id))
        .order_by_desc(digest_period::Column::ClaimedAt)
        .one(db)
        .await?;
    Ok(latest
        .and_then(|p| serde_json::from_value(p.figures).ok())
        .unwrap_or_default())
}

/// Queues every digest due at `now` that no instance has claimed yet. Returns how many emails it queued.
pub async fn run_due(state: &AppState, now: DateTime<Utc>) -> Result<u32, ApiError> {
    let subs = Subscriptions::find()
        .filter(digest_subscription::Column::Active.eq(true))
        .order_by_asc(digest_subscription::Column::CreatedAt)
        .all(&state.db)
        .await?;
    if subs.is_empty() {
        return Ok(0);
    }
    let waves: Vec<Arc<wave::Model>> = wave::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(Arc::new)
        .collect();
    let mut candidates: Vec<(usize, String, Kind)> = Vec::new();
    for (i, sub) in subs.iter().enumerate() {
        for (period, kind) in due_periods(sub, &waves, now) {
            candidates.push((i, period, kind));
        }
    }
    if candidates.is_empty() {
        return Ok(0);
    }
    // Skip what is already claimed without rendering it; the unique key settles races.
    let periods: Vec<String> = candidates
        .iter()
        .map(|(_, p, _)| p.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut claimed: HashSet<(Uuid, String)> = HashSet::new();
    let ids: Vec<Uuid> = subs.iter().map(|s| s.id).collect();
    for chunk in ids.chunks(500) {
        claimed.extend(
            Period::find()
                .select_only()
                .column(digest_period::Column::SubscriptionId)
                .column(digest_period::Column::Period)
                .filter(digest_period::Column::SubscriptionId.is_in(chunk.to_vec()))
                .filter(digest_period::Column::Period.is_in(periods.clone()))
                .into_tuple::<(Uuid, String)>()
                .all(&state.db)
                .await?,
        );
    }
    let mut ctx: Option<Pass> = None;
    let mut queued = 0;
    for (i, period, kind) in candidates {
        let sub = &subs[i];
        if claimed.contains(&(sub.id, period.clone())) {
            continue;
        }
        if ctx.is_none() {
            ctx = Some(Pass::load(state, now).await?);
        }
        let Some(ctx) = ctx.as_mut() else { continue };
        let previous = previous_figures(&state.db, sub.id).await?;
        let Some(rendered) = render(state, ctx, sub, &kind, &previous).await? else {
            continue;
        };
        if claim(state, sub, &period, rendered, now).await? {
            queued += 1;
        }
    }
    if queued > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(queued)
}

/// Claims `period` for `sub` and queues its email in one transaction; `false` when another instance
/// claimed it first (nothing is queued then), or when there was nothing to report (claimed, no email).
async fn claim(
    state: &AppState,
    sub: &digest_subscription::Model,
    period: &str,
    rendered: Rendered,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let txn = crate::infra::db::begin_write(&state.db).await?;
    let still_active = Subscriptions::find_by_id(sub.id)
        .one(&txn)
        .await?
        .is_some_and(|s| s.active);
    if !still_active {
        txn.rollback().await?;
        return Ok(false);
    }
    let send = rendered.waves > 0;
    let message_id = if send {
        let manage = manage_link(state, sub.id);
        outbox::enqueue(
            &txn,
            &state.mail_domain(),
            NewEmail {
                kind: "digest".into(),
                to: sub.email.clone(),
                subject: rendered.subject,
                text: rendered.text,
                html: rendered.html,
                headers: vec![
                    ("List-Unsubscribe".into(), format!("<{manage}>")),
                    (
                        "List-Unsubscribe-Post".into(),
                        "List-Unsubscribe=One-Click".into(),
                    ),
                ],
            },
        )
        .await?
    } else {
        String::new()
    };
    let inserted = Period::insert(digest_period::ActiveModel {
        subscription_id: Set(sub.id),
        period: Set(period.to_string()),
        message_id: Set(message_id),
        figures: Set(rendered.figures),
        claimed_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(&txn)
    .await?;
    if matches!(inserted, TryInsertResult::Inserted(1)) {
        txn.commit().await?;
        if send {
            tracing::info!(period, "digest queued");
        }
        Ok(send)
    } else {
        txn.rollback().await?;
        Ok(false)
    }
}

/// The digest scheduler every instance runs: a pass every 30 seconds.
pub struct Scheduler {
    pub state: AppState,
}

impl Scheduler {
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            match run_due(&self.state, crate::infra::time::now()).await {
                Ok(n) if n > 0 => tracing::info!(digests = n, "digests queued"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "digest pass failed"),
            }
            tokio::select! {
                _ = shutdown.changed() => break,
                _ = tokio::time::sleep(POLL) => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }
}

/// The next digest of subscription `id` as it would be sent now.
pub async fn preview(state: &AppState, id: Uuid) -> Result<DigestPreview, ApiError> {
    let sub = find(state, id).await?;
    let now = crate::infra::time::now();
    let mut ctx = Pass::load(state, now).await?;
    let (period, kind) = if sub.weekly || !(sub.daily || sub.on_close) {
        (
            weekly_period(weekly_boundary(now) + chrono::Duration::days(7)),
            Kind::Weekly,
        )
    } else if sub.daily {
        (
            daily_period(daily_boundary(now) + chrono::Duration::days(1)),
            Kind::Daily,
        )
    } else {
        let next = ctx
            .waves
            .iter()
            .find(|w| w.closes_at > now)
            .or_else(|| ctx.waves.last())
            .cloned()
            .ok_or_else(|| ApiError::Conflict("belum ada survei / no survey yet".into()))?;
        (format!("close:{}", next.id), Kind::Closed(next))
    };
    let previous = previous_figures(&state.db, sub.id).await?;
    let rendered = render(state, &mut ctx, &sub, &kind, &previous)
        .await?
        .ok_or_else(|| {
            ApiError::Conflict(
                "akun pemimpin tidak lagi berhak melihat laporan / the leader's account may no longer read reports"
                    .into(),
            )
        })?;
    Ok(DigestPreview {
        period,
        to: sub.email,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
    })
}

// ---------------------------------------------------------------------------------------------------------
// Subscriptions

pub async fn find(state: &AppState, id: Uuid) -> Result<digest_subscription::Model, ApiError> {
    Subscriptions::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::NotFound("langganan ringkasan / digest subscription".into()))
}

fn check_cadences(cadences: &[Cadence], problems: &mut Vec<FieldError>) {
    if cadences.is_empty() {
        problems.push(FieldError::new(
            "cadences",
            "Pilih paling sedikit satu jadwal / Choose at least one cadence",
        ));
    }
}

fn check_lang(lang: &str, problems: &mut Vec<FieldError>) -> String {
    match lang {
        "id" | "en" => lang.to_string(),
        _ => {
            problems.push(FieldError::new(
                "lang",
                "Bahasa: id atau en / Language: id or en",
            ));
            "id".into()
        }
    }
}

fn check_name(name: &str, problems: &mut Vec<FieldError>) -> String {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(FieldError::new(
            "name",
            "Nama wajib diisi, paling panjang 200 karakter / Name is required, at most 200 characters",
        ));
    }
    name.to_string()
}

fn check_email(email: &str, problems: &mut Vec<FieldError>) -> String {
    match EmailAddress::parse(email.trim()) {
        Ok(address) => address.as_str().to_string(),
        Err(_) => {
            problems.push(FieldError::new(
                "email",
                "Alamat email tidak valid / Invalid email address",
            ));
            String::new()
        }
    }
}

/// Unit codes to ids; unknown codes, or units outside `allowed`, are named by index.
async fn check_units(
    state: &AppState,
    codes: &[String],
    allowed: Option<&Scope>,
    problems: &mut Vec<FieldError>,
) -> Result<Vec<Uuid>, ApiError> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let by_code: HashMap<String, Uuid> = org_unit::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect();
    let mut ids = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        match by_code.get(code) {
            None => problems.push(FieldError::new(
                format!("unit_codes[{i}]"),
                format!("Unit kerja tidak dikenal / Unknown unit: {code}"),
            )),
            Some(id) if allowed.is_some_and(|s| !s.contains(*id)) => {
                problems.push(FieldError::new(
                    format!("unit_codes[{i}]"),
                    format!("Di luar cakupan pemimpin ini / Outside this leader's scope: {code}"),
                ))
            }
            Some(id) => {
                if !ids.contains(id) {
                    ids.push(*id);
                }
            }
        }
    }
    Ok(ids)
}

fn has(cadences: &[Cadence], c: Cadence) -> bool {
    cadences.contains(&c)
}

/// Creates a subscription. Audited.
pub async fn create(
    state: &AppState,
    request: &NewSubscription,
    actor: &str,
) -> Result<SubscriptionStatus, ApiError> {
    let mut problems = Vec::new();
    let mut leader_scope = None;
    let (email, name) = match request.account_id {
        Some(account_id) => {
            let found = account::Entity::find_by_id(account_id)
                .one(&state.db)
                .await?;
            let roles = match &found {
                Some(a) if a.active => crate::accounts::roles_of(&state.db, a.id).await?,
                _ => Vec::new(),
            };
            match found {
                Some(a) if roles.iter().any(|r| r.role == Role::Leader) => {
                    leader_scope = account_scope(state, a.id).await?;
                    (
                        match &request.email {
                            Some(e) => check_email(e, &mut problems),
                            None => a.email,
                        },
                        match &request.name {
                            Some(n) => check_name(n, &mut problems),
                            None => a.name,
                        },
                    )
                }
                _ => {
                    problems.push(FieldError::new(
                        "account_id",
                        "Bukan akun aktif dengan peran pemimpin / Not an active account with the leader role",
                    ));
                    (String::new(), String::new())
                }
            }
        }
        None => {
            let email = match &request.email {
                Some(e) => check_email(e, &mut problems),
                None => {
                    problems.push(FieldError::new(
                        "email",
                        "Email wajib diisi tanpa akun / An email is required without an account",
                    ));
                    String::new()
                }
            };
            (
                email,
                check_name(request.name.as_deref().unwrap_or(""), &mut problems),
            )
        }
    };
    check_cadences(&request.cadences, &mut problems);
    let lang = check_lang(request.lang.as_deref().unwrap_or("id"), &mut problems);
    let units = check_units(
        state,
        &request.unit_codes,
        leader_scope.as_ref(),
        &mut problems,
    )
    .await?;
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let now = crate::infra::time::now();
    let id = Uuid::new_v4();
    let txn = crate::infra::db::begin_write(&state.db).await?;
    Subscriptions::insert(digest_subscription::ActiveModel {
        id: Set(id),
        account_id: Set(request.account_id),
        email: Set(email),
        name: Set(name),
        unit_ids: Set(serde_json::json!(units)),
        daily: Set(has(&request.cadences, Cadence::Daily)),
        weekly: Set(has(&request.cadences, Cadence::Weekly)),
        on_close: Set(has(&request.cadences, Cadence::WaveClosed)),
        lang: Set(lang),
        active: Set(true),
        since: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    crate::access::audit(
        &txn,
        actor,
        "digests.create",
        &id.to_string(),
        serde_json::json!({ "unit_codes": request.unit_codes, "cadences": request.cadences }),
    )
    .await?;
    txn.commit().await?;
    status_of(state, id).await
}

/// Applies `changes` to subscription `id`. A new cadence or a reactivation starts from now: periods that
/// began before are not sent. Audited with `actor`.
pub async fn update(
    state: &AppState,
    id: Uuid,
    changes: &SubscriptionChanges,
    actor: &str,
) -> Result<SubscriptionStatus, ApiError> {
    let sub = find(state, id).await?;
    let mut problems = Vec::new();
    let name = changes
        .name
        .as_deref()
        .map(|n| check_name(n, &mut problems));
    let email = changes
        .email
        .as_deref()
        .map(|e| check_email(e, &mut problems));
    if let Some(c) = &changes.cadences {
        check_cadences(c, &mut problems);
    }
    let lang = changes
        .lang
        .as_deref()
        .map(|l| check_lang(l, &mut problems));
    let leader_scope = match sub.account_id {
        Some(a) => account_scope(state, a).await?,
        None => None,
    };
    let units = match &changes.unit_codes {
        Some(codes) => Some(check_units(state, codes, leader_scope.as_ref(), &mut problems).await?),
        None => None,
    };
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let now = crate::infra::time::now();
    let mut model: digest_subscription::ActiveModel = sub.clone().into();
    let mut restart = false;
    if let Some(n) = name {
        model.name = Set(n);
    }
    if let Some(e) = email {
        model.email = Set(e);
    }
    if let Some(l) = lang {
        model.lang = Set(l);
    }
    if let Some(u) = units {
        model.unit_ids = Set(serde_json::json!(u));
    }
    if let Some(c) = &changes.cadences {
        let (daily, weekly, on_close) = (
            has(c, Cadence::Daily),
            has(c, Cadence::Weekly),
            has(c, Cadence::WaveClosed),
        );
        restart |= (daily && !sub.daily) || (weekly && !sub.weekly) || (on_close && !sub.on_close);
        model.daily = Set(daily);
        model.weekly = Set(weekly);
        model.on_close = Set(on_close);
    }
    if let Some(active) = changes.active {
        restart |= active && !sub.active;
        model.active = Set(active);
    }
    if restart {
        model.since = Set(now);
    }
    model.updated_at = Set(now);
    let txn = crate::infra::db::begin_write(&state.db).await?;
    Subscriptions::update(model).exec(&txn).await?;
    crate::access::audit(
        &txn,
        actor,
        "digests.update",
        &id.to_string(),
        serde_json::json!({
            "cadences": changes.cadences,
            "unit_codes": changes.unit_codes,
            "lang": changes.lang,
            "active": changes.active,
        }),
    )
    .await?;
    txn.commit().await?;
    status_of(state, id).await
}

/// Deletes subscription `id` and its claimed periods. Audited.
pub async fn delete(state: &AppState, id: Uuid, actor: &str) -> Result<(), ApiError> {
    find(state, id).await?;
    let txn = crate::infra::db::begin_write(&state.db).await?;
    Period::delete_many()
        .filter(digest_period::Column::SubscriptionId.eq(id))
        .exec(&txn)
        .await?;
    Subscriptions::delete_by_id(id).exec(&txn).await?;
    crate::access::audit(
        &txn,
        actor,
        "digests.delete",
        &id.to_string(),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn cadences_of(sub: &digest_subscription::Model) -> Vec<Cadence> {
    let mut out = Vec::new();
    if sub.daily {
        out.push(Cadence::Daily);
    }
    if sub.weekly {
        out.push(Cadence::Weekly);
    }
    if sub.on_close {
        out.push(Cadence::WaveClosed);
    }
    out
}

async fn status_of(state: &AppState, id: Uuid) -> Result<SubscriptionStatus, ApiError> {
    let sub = find(state, id).await?;
    list_of(state, vec![sub])
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("subscription vanished").into())
}

/// Every subscription with its delivery status.
pub async fn list(state: &AppState) -> Result<Vec<SubscriptionStatus>, ApiError> {
    let subs = Subscriptions::find()
        .order_by_asc(digest_subscription::Column::CreatedAt)
        .all(&state.db)
        .await?;
    list_of(state, subs).await
}

async fn list_of(
    state: &AppState,
    subs: Vec<digest_subscription::Model>,
) -> Result<Vec<SubscriptionStatus>, ApiError> {
    let db = &state.db;
    let codes: HashMap<Uuid, String> = org_unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    let ids: Vec<Uuid> = subs.iter().map(|s| s.id).collect();
    // Latest period per subscription, and every message id (for the failures).
    let mut latest: HashMap<Uuid, digest_period::Model> = HashMap::new();
    let mut messages: BTreeMap<String, Uuid> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        for row in Period::find()
            .filter(digest_period::Column::SubscriptionId.is_in(chunk.to_vec()))
            .order_by_asc(digest_period::Column::ClaimedAt)
            .all(db)
            .await?
        {
            if !row.message_id.is_empty() {
                messages.insert(row.message_id.clone(), row.subscription_id);
            }
            latest.insert(row.subscription_id, row);
        }
    }
    let failed: Vec<String> = outbox_message::Entity::find()
        .select_only()
        .column(outbox_message::Column::MessageId)
        .filter(outbox_message::Column::Kind.eq("digest"))
        .filter(outbox_message::Column::Status.eq(outbox::STATUS_FAILED))
        .into_tuple::<String>()
        .all(db)
        .await?;
    let mut failures: HashMap<Uuid, u32> = HashMap::new();
    for message_id in failed {
        if let Some(sub) = messages.get(&message_id) {
            *failures.entry(*sub).or_default() += 1;
        }
    }
    let latest_ids: Vec<String> = latest
        .values()
        .map(|p| p.message_id.clone())
        .filter(|m| !m.is_empty())
        .collect();
    let mut delivery: HashMap<String, String> = HashMap::new();
    for chunk in latest_ids.chunks(500) {
        delivery.extend(
            outbox_message::Entity::find()
                .select_only()
                .column(outbox_message::Column::MessageId)
                .column(outbox_message::Column::Status)
                .filter(outbox_message::Column::MessageId.is_in(chunk.to_vec()))
                .into_tuple::<(String, String)>()
                .all(db)
                .await?,
        );
    }
    Ok(subs
        .into_iter()
        .map(|sub| {
            let last = latest.get(&sub.id);
            SubscriptionStatus {
                id: sub.id,
                account_id: sub.account_id,
                email: sub.email.clone(),
                name: sub.name.clone(),
                unit_codes: unit_ids(&sub)
                    .iter()
                    .filter_map(|u| codes.get(u).cloned())
                    .collect(),
                cadences: cadences_of(&sub),
                lang: sub.lang.clone(),
                active: sub.active,
                created_at: crate::infra::time::wib_rfc3339(sub.created_at),
                last_period: last.map(|p| p.period.clone()),
                last_claimed_at: last.map(|p| crate::infra::time::wib_rfc3339(p.claimed_at)),
                last_delivery: last.map(|p| {
                    if p.message_id.is_empty() {
                        "none".to_string()
                    } else {
                        delivery
                            .get(&p.message_id)
                            .cloned()
                            .unwrap_or_else(|| outbox::STATUS_PENDING.into())
                    }
                }),
                failures: failures.get(&sub.id).copied().unwrap_or(0),
            }
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------------------
// Failed outbox messages

/// Messages the outbox gave up on, newest first.
pub async fn failed_messages(state: &AppState) -> Result<Vec<FailedMessage>, ApiError> {
    Ok(outbox_message::Entity::find()
        .filter(outbox_message::Column::Status.eq(outbox::STATUS_FAILED))
        .order_by_desc(outbox_message::Column::CreatedAt)
        .limit(1000)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| FailedMessage {
            id: m.id,
            kind: m.kind,
            recipient: m.recipient,
            subject: m.subject,
            message_id: m.message_id,
            attempts: m.attempts,
            last_error: m.last_error,
            created_at: crate::infra::time::wib_rfc3339(m.created_at),
        })
        .collect())
}

/// Puts a failed message back in the queue (same Message-Id, attempts from zero). 404 if unknown, 409 if
/// it has not failed. Audited.
pub async fn retry_message(state: &AppState, id: Uuid, actor: &str) -> Result<(), ApiError> {
    let found = outbox_message::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::NotFound("pesan / message".into()))?;
    let txn = crate::infra::db::begin_write(&state.db).await?;
    let reset = outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::Status,
            Expr::value(outbox::STATUS_PENDING),
        )
        .col_expr(outbox_message::Column::Attempts, Expr::value(0))
        .col_expr(
            outbox_message::Column::NextAttemptAt,
            Expr::value(crate::infra::time::now()),
        )
        .col_expr(
            outbox_message::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(outbox_message::Column::Id.eq(id))
        .filter(outbox_message::Column::Status.eq(outbox::STATUS_FAILED))
        .exec(&txn)
        .await?;
    if reset.rows_affected != 1 {
        txn.rollback().await?;
        return Err(ApiError::Conflict(format!(
            "pesan ini berstatus {} / this message is {}",
            found.status, found.status
        )));
    }
    crate::access::audit(
        &txn,
        actor,
        "outbox.retry",
        &found.message_id,
        serde_json::json!({ "kind": found.kind }),
    )
    .await?;
    txn.commit().await?;
    state.outbox_wake.notify_one();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn periods_are_wib() {
        // 2026-11-30 is a Monday; 07:00 WIB = 00:00 UTC.
        let at = utc("2026-11-30T00:00:00Z");
        assert_eq!(daily_boundary(at), at);
        assert_eq!(daily_period(daily_boundary(at)), "daily:2026-11-30");
        assert_eq!(weekly_period(weekly_boundary(at)), "weekly:2026-W49");
        let before = utc("2026-11-29T23:59:59Z");
        assert_eq!(daily_period(daily_boundary(before)), "daily:2026-11-29");
        assert_eq!(weekly_period(weekly_boundary(before)), "weekly:2026-W48");
        // Thursday afternoon WIB: the latest weekly boundary is Monday's.
        let thursday = utc("2026-12-03T08:00:00Z");
        assert_eq!(weekly_boundary(thursday), at);
    }

    #[test]
    fn numbers_are_indonesian() {
        assert_eq!(format_int(1245, Lang::Id), "1.245");
        assert_eq!(format_int(1_234_567, Lang::En), "1,234,567");
        assert_eq!(format_int(999, Lang::Id), "999");
        assert_eq!(format_dec(85.714, 2, Lang::Id), "85,71");
        assert_eq!(format_dec(-0.456, 2, Lang::Id), "-0,46");
        assert_eq!(format_dec(1234.5, 1, Lang::Id), "1.234,5");
        assert_eq!(signed(312, Lang::Id), "+312");
    }

    #[test]
    fn signatures_verify_only_their_id() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let sig = sign("secret", a);
        assert!(verify("secret", a, &sig));
        assert!(!verify("secret", b, &sig));
        assert!(!verify("other", a, &sig));
        assert!(!verify("secret", a, &sig[..63]));
        assert!(!verify("secret", a, "zz"));
    }
}
