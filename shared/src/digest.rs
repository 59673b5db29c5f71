//! Leader email digests on the wire: subscriptions, their cadences and delivery status, previews, and the
//! outbox messages that failed.

use uuid::Uuid;

/// How often a leader hears from Serap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// Every day at 07:00 WIB.
    Daily,
    /// Mondays at 07:00 WIB.
    Weekly,
    /// When a wave closes.
    WaveClosed,
}

impl Cadence {
    /// Every cadence, in the order forms list them.
    pub const ALL: [Cadence; 3] = [Cadence::Daily, Cadence::Weekly, Cadence::WaveClosed];

    /// The wire name (`daily`, `weekly`, `wave_closed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Daily => "daily",
            Cadence::Weekly => "weekly",
            Cadence::WaveClosed => "wave_closed",
        }
    }
}

/// A new subscription: an account with the leader role, or an email address with a name.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSubscription {
    /// An account with the leader role; its email and name are used unless given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Units (with their subtrees) covered; empty: the whole city (within the account's scope).
    #[serde(default)]
    pub unit_codes: Vec<String>,
    pub cadences: Vec<Cadence>,
    /// `id` (default) or `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// Changes to a subscription; absent fields stay as they are.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DigestPreview {
    pub period: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// An outbox message that failed after every attempt.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
