//! Times are stored in UTC and shown in Asia/Jakarta (WIB) (docs/design.md invariant 10).

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Jakarta;

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// RFC 3339 rendering of `t` in WIB, e.g. `2026-11-27T07:00:00+07:00`.
pub fn wib_rfc3339(t: DateTime<Utc>) -> String {
    t.with_timezone(&Jakarta)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn wib_is_utc_plus_seven() {
        let t = Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).unwrap();
        assert_eq!(wib_rfc3339(t), "2026-11-27T07:00:00+07:00");
    }
}
