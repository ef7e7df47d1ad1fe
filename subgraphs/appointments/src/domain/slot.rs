//! When an appointment happens: a wall-clock date and time in the clinic's time zone and a
//! duration, turned into an absolute `[startsAt, endsAt)` range.
//!
//! Daylight-saving changes: a wall-clock time that does not exist (skipped when clocks go
//! forward) is refused; one that happens twice (when clocks go back) means its first
//! occurrence, the earlier instant.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone as _, Utc};
use chrono_tz::Tz;

use super::ValidationError;

pub const MIN_DURATION_MINUTES: i32 = 5;
pub const MAX_DURATION_MINUTES: i32 = 480;

/// Parses `HH:MM` (24-hour clock).
pub fn parse_time(field: &'static str, raw: &str) -> Result<NaiveTime, ValidationError> {
    let bytes = raw.as_bytes();
    let shaped = bytes.len() == 5 && bytes[2] == b':';
    shaped
        .then(|| NaiveTime::parse_from_str(raw, "%H:%M").ok())
        .flatten()
        .ok_or_else(|| {
            ValidationError::new(
                field,
                format!("{raw:?} is not a time in the form HH:MM (24-hour clock)"),
            )
        })
}

/// A slot, made only by its checks: [`Slot::new`] for a booking, [`Slot::restore`] for one
/// read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    date: NaiveDate,
    time: NaiveTime,
    duration_minutes: i32,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

impl Slot {
    /// The slot at `date` `time` in `zone`, refusing durations outside 5 to 480 minutes,
    /// wall-clock times that do not exist, and starts before `now`.
    pub fn new(
        date: NaiveDate,
        time: NaiveTime,
        duration_minutes: i32,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        check_duration(duration_minutes)?;
        let local = date.and_time(time);
        let starts = match zone.from_local_datetime(&local) {
            LocalResult::Single(instant) => instant,
            LocalResult::Ambiguous(first, _) => first,
            LocalResult::None => {
                return Err(ValidationError::new(
                    "time",
                    format!(
                        "{} does not exist on {date} in {zone}: the clocks skip it",
                        time.format("%H:%M")
                    ),
                ));
            }
        };
        let starts_at = starts.with_timezone(&Utc);
        if starts_at < now {
            return Err(ValidationError::new(
                "date",
                format!("{date} {} is in the past in {zone}", time.format("%H:%M")),
            ));
        }
        Ok(Self {
            date,
            time,
            duration_minutes,
            starts_at,
            ends_at: starts_at + Duration::minutes(i64::from(duration_minutes)),
        })
    }

    /// A slot as it was booked, read back (from the database, from an event): its start may
    /// have passed since, and the zone it was read in may have changed, so only its own
    /// consistency is checked (a duration in range, ending that long after it starts).
    pub fn restore(
        date: NaiveDate,
        time: NaiveTime,
        duration_minutes: i32,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        check_duration(duration_minutes)?;
        if ends_at - starts_at != Duration::minutes(i64::from(duration_minutes)) {
            return Err(ValidationError::new(
                "endsAt",
                format!("{starts_at} to {ends_at} is not {duration_minutes} minutes"),
            ));
        }
        Ok(Self {
            date,
            time,
            duration_minutes,
            starts_at,
            ends_at,
        })
    }

    /// The day, on the clinic's clock.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The start time, on the clinic's clock.
    pub fn time(&self) -> NaiveTime {
        self.time
    }

    pub fn duration_minutes(&self) -> i32 {
        self.duration_minutes
    }

    pub fn starts_at(&self) -> DateTime<Utc> {
        self.starts_at
    }

    pub fn ends_at(&self) -> DateTime<Utc> {
        self.ends_at
    }
}

fn check_duration(duration_minutes: i32) -> Result<(), ValidationError> {
    if (MIN_DURATION_MINUTES..=MAX_DURATION_MINUTES).contains(&duration_minutes) {
        return Ok(());
    }
    Err(ValidationError::new(
        "durationMinutes",
        format!(
            "an appointment lasts {MIN_DURATION_MINUTES} to {MAX_DURATION_MINUTES} minutes, got {duration_minutes}"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn long_ago() -> DateTime<Utc> {
        DateTime::from_timestamp(0, 0).expect("epoch")
    }

    #[test]
    fn times_must_be_hh_mm() {
        assert!(parse_time("time", "09:30").is_ok());
        for bad in ["9:30", "24:00", "09:60", "0930", "09:30:00", "nine"] {
            assert_eq!(parse_time("time", bad).expect_err(bad).field, "time");
        }
    }

    #[test]
    fn a_slot_is_read_in_the_clinic_zone() {
        let lisbon: Tz = "Europe/Lisbon".parse().expect("zone");
        let slot = Slot::new(
            date(2030, 7, 1),
            parse_time("time", "10:00").expect("time"),
            30,
            lisbon,
            long_ago(),
        )
        .expect("valid");
        assert_eq!(slot.starts_at.to_rfc3339(), "2030-07-01T09:00:00+00:00");
        assert_eq!(slot.ends_at.to_rfc3339(), "2030-07-01T09:30:00+00:00");
    }

    #[test]
    fn a_time_the_clocks_skip_is_refused_and_a_repeated_one_is_its_first_occurrence() {
        let new_york: Tz = "America/New_York".parse().expect("zone");
        // 2030-03-10: 02:00 jumps to 03:00. 2030-11-03: 01:00-02:00 happens twice.
        let skipped = Slot::new(
            date(2030, 3, 10),
            parse_time("time", "02:30").expect("time"),
            30,
            new_york,
            long_ago(),
        )
        .expect_err("02:30 does not exist");
        assert_eq!(skipped.field, "time");
        let repeated = Slot::new(
            date(2030, 11, 3),
            parse_time("time", "01:30").expect("time"),
            30,
            new_york,
            long_ago(),
        )
        .expect("01:30 exists twice");
        assert_eq!(
            repeated.starts_at.to_rfc3339(),
            "2030-11-03T05:30:00+00:00",
            "EDT (-04:00), the first one"
        );
    }

    #[test]
    fn durations_and_past_starts_are_refused() {
        let utc = Tz::UTC;
        let time = parse_time("time", "10:00").expect("time");
        assert_eq!(
            Slot::new(date(2030, 1, 1), time, 4, utc, long_ago())
                .expect_err("4")
                .field,
            "durationMinutes"
        );
        assert_eq!(
            Slot::new(date(2030, 1, 1), time, 481, utc, long_ago())
                .expect_err("481")
                .field,
            "durationMinutes"
        );
        let now = Utc::now();
        let yesterday = now.date_naive().pred_opt().expect("yesterday");
        assert_eq!(
            Slot::new(yesterday, time, 30, utc, now)
                .expect_err("past")
                .field,
            "date"
        );
    }
}
