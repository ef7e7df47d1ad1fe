//! Wall-clock times of day and the spans between them.

use std::fmt;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::ScheduleError;

/// A time of day on the clinic's clocks, to the minute: `00:00` to `23:59`, and `24:00`
/// (midnight at the end of the day), which only ends a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    pub const MIDNIGHT: Self = Self(0);
    pub const END_OF_DAY: Self = Self(24 * 60);

    /// Parses `HH:MM` on the 24-hour clock; `24:00` is accepted as the end of the day.
    pub fn parse(field: impl Into<String>, raw: &str) -> Result<Self, ScheduleError> {
        let invalid = || {
            ScheduleError::new(
                field,
                format!("{raw:?} is not a time in the form HH:MM (00:00 to 24:00)"),
            )
        };
        let bytes = raw.as_bytes();
        if bytes.len() != 5 || bytes[2] != b':' {
            return Err(invalid());
        }
        let number = |digits: &str| {
            digits
                .parse::<u16>()
                .ok()
                .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
        };
        let (hours, minutes) = match (number(&raw[..2]), number(&raw[3..])) {
            (Some(hours), Some(minutes)) => (hours, minutes),
            _ => return Err(invalid()),
        };
        match (hours, minutes) {
            (0..=23, 0..=59) | (24, 0) => Ok(Self(hours * 60 + minutes)),
            _ => Err(invalid()),
        }
    }

    /// The time `minutes` after midnight, if that is within the day (`24:00` included).
    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (minutes <= Self::END_OF_DAY.0).then_some(Self(minutes))
    }

    /// Minutes since midnight.
    pub const fn minutes(self) -> u16 {
        self.0
    }

    /// This time on `date` (`24:00` is the next day's midnight).
    pub fn on(self, date: NaiveDate) -> NaiveDateTime {
        date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(self.0))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A part of one day, `[starts, ends)` on the wall clock, at least [`Span::MIN_MINUTES`] long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    starts: ClockTime,
    ends: ClockTime,
}

impl Span {
    pub const MIN_MINUTES: u16 = 5;

    /// `field` names the input holding both ends (`intervals[2]`); errors name its
    /// `starts` or `ends`.
    pub fn new(field: &str, starts: ClockTime, ends: ClockTime) -> Result<Self, ScheduleError> {
        if starts == ClockTime::END_OF_DAY {
            return Err(ScheduleError::new(
                format!("{field}.starts"),
                "24:00 can only end a span; start it at 00:00",
            ));
        }
        if ends <= starts {
            return Err(ScheduleError::new(
                format!("{field}.ends"),
                format!("must be after the start: {starts} to {ends}"),
            ));
        }
        if ends.0 - starts.0 < Self::MIN_MINUTES {
            return Err(ScheduleError::new(
                format!("{field}.ends"),
                format!(
                    "a span lasts at least {} minutes: {starts} to {ends}",
                    Self::MIN_MINUTES
                ),
            ));
        }
        Ok(Self { starts, ends })
    }

    /// Parses both ends from `HH:MM` text.
    pub fn parse(field: &str, starts: &str, ends: &str) -> Result<Self, ScheduleError> {
        let starts = ClockTime::parse(format!("{field}.starts"), starts)?;
        let ends = ClockTime::parse(format!("{field}.ends"), ends)?;
        Self::new(field, starts, ends)
    }

    /// The whole day, `00:00` to `24:00`.
    pub const fn whole_day() -> Self {
        Self {
            starts: ClockTime::MIDNIGHT,
            ends: ClockTime::END_OF_DAY,
        }
    }

    pub const fn starts(self) -> ClockTime {
        self.starts
    }

    pub const fn ends(self) -> ClockTime {
        self.ends
    }

    /// Length on the wall clock (a day when clocks change may differ in real minutes).
    pub const fn minutes(self) -> u16 {
        self.ends.0 - self.starts.0
    }

    /// Whether the spans share a minute (touching ends do not).
    pub fn overlaps(self, other: Self) -> bool {
        self.starts < other.ends && other.starts < self.ends
    }

    /// A span from raw ends known to be ordered; used where spans are cut, so pieces shorter
    /// than the minimum can exist.
    pub(crate) const fn between(starts: ClockTime, ends: ClockTime) -> Self {
        Self { starts, ends }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.starts, self.ends)
    }
}

/// `spans` sorted, with overlapping or touching ones merged.
pub(crate) fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort();
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.starts <= last.ends => last.ends = last.ends.max(span.ends),
            _ => merged.push(span),
        }
    }
    merged
}

/// `spans` (sorted, disjoint) without any minute of `cut`.
pub(crate) fn subtract(spans: Vec<Span>, cut: Span) -> Vec<Span> {
    let mut left = Vec::with_capacity(spans.len() + 1);
    for span in spans {
        if !span.overlaps(cut) {
            left.push(span);
            continue;
        }
        if span.starts < cut.starts {
            left.push(Span::between(span.starts, cut.starts));
        }
        if cut.ends < span.ends {
            left.push(Span::between(cut.ends, span.ends));
        }
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> ClockTime {
        ClockTime::parse("time", raw).expect("valid time")
    }

    fn span(starts: &str, ends: &str) -> Span {
        Span::parse("span", starts, ends).expect("valid span")
    }

    #[test]
    fn times_parse_on_the_24_hour_clock_with_24_00_as_the_end_of_the_day() {
        assert_eq!(at("00:00").minutes(), 0);
        assert_eq!(at("09:05").minutes(), 545);
        assert_eq!(at("24:00"), ClockTime::END_OF_DAY);
        assert_eq!(at("23:59").to_string(), "23:59");
        for bad in [
            "9:00", "24:01", "12:60", "1200", "12:0a", "+1:00", " 9:00", "09:00 ",
        ] {
            let error = ClockTime::parse("input.starts", bad).expect_err(bad);
            assert_eq!(error.field, "input.starts");
            assert!(error.message.contains("HH:MM"), "{error}");
        }
    }

    #[test]
    fn a_span_starts_before_it_ends_and_lasts_five_minutes() {
        assert_eq!(span("08:00", "24:00").minutes(), 16 * 60);
        let backwards = Span::parse("intervals[1]", "12:00", "08:00").expect_err("backwards");
        assert_eq!(backwards.field, "intervals[1].ends");
        let short = Span::parse("intervals[0]", "12:00", "12:04").expect_err("short");
        assert!(short.message.contains("at least 5 minutes"), "{short}");
        let from_midnight = Span::parse("x", "24:00", "24:00").expect_err("24:00 start");
        assert_eq!(from_midnight.field, "x.starts");
    }

    #[test]
    fn touching_spans_merge_and_cuts_leave_the_rest() {
        let merged = merge(vec![
            span("13:00", "17:00"),
            span("08:00", "12:00"),
            span("12:00", "12:30"),
            span("16:00", "18:00"),
        ]);
        assert_eq!(merged, vec![span("08:00", "12:30"), span("13:00", "18:00")]);
        let cut = subtract(merged, span("12:00", "14:00"));
        assert_eq!(cut, vec![span("08:00", "12:00"), span("14:00", "18:00")]);
        assert!(!span("08:00", "12:00").overlaps(span("12:00", "13:00")));
        assert_eq!(subtract(cut, Span::whole_day()), vec![]);
    }
}
