//! Leader email digests (docs/design.md invariants 5, 6, 7, 10). An admin subscribes a leader (an account with
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

pub mod failed;
mod figures;
pub mod format;
pub mod link;
pub mod period;
pub mod render;
pub mod send;
pub mod subscriptions;

use std::time::Duration;

/// How often each instance looks for due digests.
const POLL: Duration = Duration::from_secs(30);
/// Digests go out at this WIB time (daily; weekly on Mondays).
const SEND_HOUR: u32 = 7;
/// Units named under "needs attention".
const ATTENTION: usize = 3;

pub use failed::{failed_messages, retry_message};
pub use link::{manage_link, sign, verify};
pub use send::{Scheduler, preview, run_due};
pub use subscriptions::{create, delete, find, list, update};
