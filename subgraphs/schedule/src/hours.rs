//! A doctor's weekly pattern and the exceptions to it on single dates.

use chrono::{NaiveDate, Weekday};
use uuid::Uuid;

use crate::{ScheduleError, Span};

/// Hours on one weekday of a weekly pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeeklyInterval {
    pub weekday: Weekday,
    pub span: Span,
}

/// The hours a doctor works every week from `valid_from` until the next pattern starts.
/// An empty pattern means no hours at all from that date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyHours {
    valid_from: NaiveDate,
    /// Sorted by weekday (Monday first) and start; no two of a weekday overlap.
    intervals: Vec<WeeklyInterval>,
}

impl WeeklyHours {
    /// At most this many intervals on one weekday.
    pub const MAX_PER_DAY: usize = 6;

    /// Validates `intervals`, the list input `field` (errors name `field[i]`): at most
    /// [`Self::MAX_PER_DAY`] a weekday, none overlapping another of its weekday (touching is
    /// fine).
    pub fn new(
        field: &str,
        valid_from: NaiveDate,
        intervals: Vec<WeeklyInterval>,
    ) -> Result<Self, ScheduleError> {
        let mut indexed: Vec<(usize, WeeklyInterval)> = intervals.into_iter().enumerate().collect();
        indexed
            .sort_by_key(|(_, interval)| (interval.weekday.num_days_from_monday(), interval.span));
        for pair in indexed.windows(2) {
            let ((_, earlier), (index, later)) = (pair[0], pair[1]);
            if earlier.weekday == later.weekday && earlier.span.overlaps(later.span) {
                return Err(ScheduleError::new(
                    format!("{field}[{index}]"),
                    format!(
                        "{} on {:?} overlaps {} on the same day",
                        later.span, later.weekday, earlier.span
                    ),
                ));
            }
        }
        for weekday in WEEK {
            let count = indexed.iter().filter(|(_, i)| i.weekday == weekday).count();
            if count > Self::MAX_PER_DAY {
                return Err(ScheduleError::new(
                    field,
                    format!(
                        "at most {} intervals a day, got {count} on {weekday:?}",
                        Self::MAX_PER_DAY
                    ),
                ));
            }
        }
        Ok(Self {
            valid_from,
            intervals: indexed.into_iter().map(|(_, interval)| interval).collect(),
        })
    }

    pub fn valid_from(&self) -> NaiveDate {
        self.valid_from
    }

    pub fn intervals(&self) -> &[WeeklyInterval] {
        &self.intervals
    }

    /// The spans of `weekday`, in order.
    pub fn on(&self, weekday: Weekday) -> impl Iterator<Item = Span> + '_ {
        self.intervals
            .iter()
            .filter(move |interval| interval.weekday == weekday)
            .map(|interval| interval.span)
    }
}

/// Monday to Sunday.
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExceptionKind {
    /// Not working: the whole day, or a span of it.
    TimeOff,
    /// Working beyond the weekly pattern on that date.
    ExtraHours,
}

impl ExceptionKind {
    /// The API and storage name (`TIME_OFF`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TimeOff => "TIME_OFF",
            Self::ExtraHours => "EXTRA_HOURS",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::TimeOff, Self::ExtraHours]
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

/// Time off or extra hours on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub id: Uuid,
    pub kind: ExceptionKind,
    pub date: NaiveDate,
    /// `None`: the whole day (time off only).
    span: Option<Span>,
    reason: Option<String>,
}

impl Exception {
    pub const MAX_REASON_CHARS: usize = 200;

    /// Time off on `date`, the whole day when `span` is `None`.
    pub fn time_off(
        id: Uuid,
        date: NaiveDate,
        span: Option<Span>,
        reason: Option<&str>,
    ) -> Result<Self, ScheduleError> {
        Self::new(id, ExceptionKind::TimeOff, date, span, reason)
    }

    /// Hours worked on `date` beyond the weekly pattern.
    pub fn extra_hours(
        id: Uuid,
        date: NaiveDate,
        span: Span,
        reason: Option<&str>,
    ) -> Result<Self, ScheduleError> {
        Self::new(id, ExceptionKind::ExtraHours, date, Some(span), reason)
    }

    /// Rebuilds a stored exception (a whole-day `ExtraHours` is refused as in input).
    pub fn new(
        id: Uuid,
        kind: ExceptionKind,
        date: NaiveDate,
        span: Option<Span>,
        reason: Option<&str>,
    ) -> Result<Self, ScheduleError> {
        if kind == ExceptionKind::ExtraHours && span.is_none() {
            return Err(ScheduleError::new(
                "input.starts",
                "extra hours need a start and an end",
            ));
        }
        // Time off from midnight to midnight is the whole day, however it was written.
        let span =
            span.filter(|span| kind == ExceptionKind::ExtraHours || *span != Span::whole_day());
        let reason = reason.map(str::trim).filter(|reason| !reason.is_empty());
        if let Some(reason) = reason {
            if reason.chars().count() > Self::MAX_REASON_CHARS {
                return Err(ScheduleError::new(
                    "input.reason",
                    format!("a reason is at most {} characters", Self::MAX_REASON_CHARS),
                ));
            }
            if reason.chars().any(char::is_control) {
                return Err(ScheduleError::new(
                    "input.reason",
                    "a reason must not contain control characters",
                ));
            }
        }
        Ok(Self {
            id,
            kind,
            date,
            span,
            reason: reason.map(str::to_owned),
        })
    }

    /// The span on the wall clock (`00:00-24:00` for a whole day).
    pub fn span(&self) -> Span {
        self.span.unwrap_or(Span::whole_day())
    }

    pub fn is_whole_day(&self) -> bool {
        self.span.is_none()
    }

    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// Whether this and `other` are of one kind on one date and share a minute.
    pub fn clashes_with(&self, other: &Self) -> bool {
        self.kind == other.kind && self.date == other.date && self.span().overlaps(other.span())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(weekday: Weekday, starts: &str, ends: &str) -> WeeklyInterval {
        WeeklyInterval {
            weekday,
            span: Span::parse("span", starts, ends).expect("valid span"),
        }
    }

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, 4).expect("date")
    }

    #[test]
    fn a_pattern_sorts_its_days_and_refuses_overlaps_naming_the_interval() {
        let hours = WeeklyHours::new(
            "intervals",
            date(),
            vec![
                interval(Weekday::Tue, "13:00", "17:00"),
                interval(Weekday::Mon, "08:00", "12:00"),
                interval(Weekday::Tue, "08:00", "12:00"),
                interval(Weekday::Mon, "12:00", "13:00"),
            ],
        )
        .expect("valid pattern");
        let tuesday: Vec<String> = hours.on(Weekday::Tue).map(|s| s.to_string()).collect();
        assert_eq!(tuesday, ["08:00-12:00", "13:00-17:00"]);
        assert_eq!(hours.intervals()[0].weekday, Weekday::Mon);

        let error = WeeklyHours::new(
            "intervals",
            date(),
            vec![
                interval(Weekday::Wed, "08:00", "12:00"),
                interval(Weekday::Thu, "08:00", "12:00"),
                interval(Weekday::Wed, "11:30", "14:00"),
            ],
        )
        .expect_err("overlap");
        assert_eq!(error.field, "intervals[2]");
        assert!(error.message.contains("overlaps 08:00-12:00"), "{error}");
    }

    #[test]
    fn a_pattern_has_at_most_six_intervals_a_day() {
        let many = (0..7)
            .map(|hour| interval(Weekday::Fri, &format!("0{hour}:00"), &format!("0{hour}:30")))
            .collect();
        let error = WeeklyHours::new("intervals", date(), many).expect_err("seven on a Friday");
        assert_eq!(error.field, "intervals");
    }

    #[test]
    fn exceptions_keep_a_trimmed_reason_and_extra_hours_need_a_span() {
        let off = Exception::time_off(Uuid::nil(), date(), None, Some("  congress ")).expect("ok");
        assert_eq!(off.reason(), Some("congress"));
        assert!(off.is_whole_day());
        assert_eq!(off.span(), Span::whole_day());
        let error = Exception::new(Uuid::nil(), ExceptionKind::ExtraHours, date(), None, None)
            .expect_err("no span");
        assert_eq!(error.field, "input.starts");
        let long = "x".repeat(201);
        let error = Exception::time_off(Uuid::nil(), date(), None, Some(&long)).expect_err("long");
        assert_eq!(error.field, "input.reason");
        let afternoon = Span::parse("input", "14:00", "18:00").expect("span");
        let half = Exception::time_off(Uuid::nil(), date(), Some(afternoon), None).expect("ok");
        assert!(off.clashes_with(&half));
        let extra = Exception::extra_hours(Uuid::nil(), date(), afternoon, None).expect("ok");
        assert!(!extra.clashes_with(&half), "different kinds do not clash");
    }
}
