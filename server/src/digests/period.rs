//! Periods in WIB: the daily and weekly boundaries at 07:00 and the period names (`daily:2026-11-30`,
//! `weekly:2026-W49`, `close:<wave id>`) that make each digest unique.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Jakarta;

use super::SEND_HOUR;
use crate::entities::digest_subscription::{self};
use crate::entities::wave;

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
pub(super) enum Kind {
    Daily,
    Weekly,
    Closed(Arc<wave::Model>),
}

/// The periods of `sub` due at `now`: the latest of each cadence, none that began before `sub.since`.
pub(super) fn due_periods(
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
}
