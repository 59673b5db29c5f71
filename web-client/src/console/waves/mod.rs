//! `/console/waves` (admin): the survey waves; `/console/waves/<slug>`: one wave's audience and invitations,
//! reminders and response rates.
//!
//! - `list`: the waves;
//! - `detail`: one wave's page: its header and open link, the invitations' summary and response rates;
//! - `invitations`: the invitations by state and delivery, and their table;
//! - `audience`: choosing units and people to invite;
//! - `reminders`: the reminder policy, and sending reminders now.

mod audience;
mod detail;
mod invitations;
mod list;
mod reminders;

use serap_shared::api::Wave;
use serap_shared::i18n::Lang;

use super::i18n::{Key, t};

pub use detail::WaveDetail;
pub use list::WaveList;

pub(super) fn anonymity_label(lang: Lang, wave: &Wave) -> &'static str {
    use serap_shared::api::Anonymity;
    t(
        lang,
        match wave.anonymity {
            Anonymity::Anonymous => Key::Anonymous,
            Anonymity::Confidential => Key::Confidential,
            Anonymity::Identified => Key::Identified,
        },
    )
}
