//! Doctors' working hours as last fetched, by doctor: each with the doctor's
//! `scheduleVersion` when fetched and the dates it covers. A booking or a search reads the
//! version with the doctor (one cheap field) and fetches the hours again only when the
//! version moved or the dates are not covered, so the hours used are never older than the
//! version the doctors subgraph answered in the same request.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chrono::{Days, NaiveDate};
use schedule::Schedule;
use uuid::Uuid;

/// Doctors remembered at most; past it, the cache starts again empty.
const MAX_DOCTORS: usize = 4_096;
/// Days fetched at once from the first date asked (`Doctor.schedule` takes at most 92).
pub const WINDOW_DAYS: u64 = 92;

#[derive(Debug, Clone)]
struct Entry {
    version: i64,
    from: NaiveDate,
    to: NaiveDate,
    schedule: Arc<Schedule>,
}

#[derive(Debug, Clone, Default)]
pub struct ScheduleCache {
    entries: Arc<Mutex<HashMap<Uuid, Entry>>>,
}

impl ScheduleCache {
    /// The doctor's hours over `from..=to` if fetched at `version`.
    pub fn get(
        &self,
        doctor: Uuid,
        version: i64,
        (from, to): (NaiveDate, NaiveDate),
    ) -> Option<Arc<Schedule>> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(&doctor)
            .filter(|entry| entry.version == version && entry.from <= from && to <= entry.to)
            .map(|entry| entry.schedule.clone())
    }

    /// Remembers the doctor's hours over `from..=to`, fetched when their version was
    /// `version` (or later: a change between reading the version and the hours only makes
    /// the next request fetch again).
    pub fn put(
        &self,
        doctor: Uuid,
        version: i64,
        (from, to): (NaiveDate, NaiveDate),
        schedule: Arc<Schedule>,
    ) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= MAX_DOCTORS && !entries.contains_key(&doctor) {
            entries.clear();
        }
        entries.insert(
            doctor,
            Entry {
                version,
                from,
                to,
                schedule,
            },
        );
    }
}

/// The dates to fetch for a request over `from..=to`: from `from`, [`WINDOW_DAYS`] long, or
/// just the request's when longer.
pub fn window(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let end = from
        .checked_add_days(Days::new(WINDOW_DAYS - 1))
        .unwrap_or(to);
    (from, end.max(to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn hours_are_reused_only_at_the_same_version_and_within_their_dates() {
        let cache = ScheduleCache::default();
        let doctor = Uuid::now_v7();
        let schedule = Arc::new(Schedule::new(chrono_tz::UTC, Vec::new(), Vec::new()));
        let fetched = window(date("2027-01-04"), date("2027-01-05"));
        assert_eq!(fetched, (date("2027-01-04"), date("2027-04-05")));
        cache.put(doctor, 3, fetched, schedule);

        let inside = (date("2027-02-01"), date("2027-02-28"));
        assert!(cache.get(doctor, 3, inside).is_some());
        assert!(cache.get(doctor, 4, inside).is_none(), "the hours changed");
        assert!(
            cache
                .get(doctor, 3, (date("2027-01-03"), date("2027-01-04")))
                .is_none()
        );
        assert!(
            cache
                .get(doctor, 3, (date("2027-04-05"), date("2027-04-06")))
                .is_none()
        );
        assert!(cache.get(Uuid::now_v7(), 3, inside).is_none());
    }
}
