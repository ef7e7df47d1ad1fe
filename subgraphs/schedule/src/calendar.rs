//! A doctor's schedule in the clinic's time zone: working time, refusals, free slots.

use std::{collections::BTreeMap, fmt};

use chrono::{
    DateTime, Datelike as _, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone as _, Utc,
};
use chrono_tz::Tz;

use crate::{
    ClockTime, Exception, ExceptionKind, Span, WeeklyHours,
    clock::{merge, subtract},
};

/// An absolute `[start, end)`.
pub type Range = (DateTime<Utc>, DateTime<Utc>);

/// Every weekly pattern of a doctor and the exceptions of the dates in question.
#[derive(Debug, Clone)]
pub struct Schedule {
    zone: Tz,
    /// Sorted by `valid_from`.
    weeks: Vec<WeeklyHours>,
    exceptions: BTreeMap<NaiveDate, Vec<Exception>>,
}

/// Why an appointment cannot be at a time; reads after the doctor's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    NoHours {
        date: NaiveDate,
    },
    OutsideHours {
        date: NaiveDate,
        hours: Vec<Span>,
    },
    TimeOff {
        date: NaiveDate,
        span: Option<Span>,
        reason: Option<String>,
    },
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = |date: &NaiveDate| format!("{} {date}", date.format("%A"));
        match self {
            Self::NoHours { date } => write!(f, "has no working hours on {}", day(date)),
            Self::OutsideHours { date, hours } => {
                let hours: Vec<String> = hours.iter().map(Span::to_string).collect();
                write!(f, "works only {} on {}", hours.join(", "), day(date))
            }
            Self::TimeOff { date, span, reason } => {
                match span {
                    Some(span) => write!(f, "is off {span} on {}", day(date))?,
                    None => write!(f, "is off all day on {}", day(date))?,
                }
                match reason {
                    Some(reason) => write!(f, " ({reason})"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// What a free-slot search asks for.
#[derive(Debug, Clone, Copy)]
pub struct SlotQuery {
    /// First and last date searched, inclusive, in the clinic's time zone.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub duration_minutes: u16,
    /// Slots start at each span's start and every `step_minutes` after.
    pub step_minutes: u16,
    /// Only slots lying wholly inside this part of the day.
    pub window: Option<Span>,
    /// No slot starts before this instant (now).
    pub not_before: DateTime<Utc>,
}

/// A bookable start: `date` and `time` on the clinic's clocks, and the instants it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeSlot {
    pub date: NaiveDate,
    pub time: ClockTime,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl Schedule {
    pub fn new(zone: Tz, mut weeks: Vec<WeeklyHours>, exceptions: Vec<Exception>) -> Self {
        weeks.sort_by_key(WeeklyHours::valid_from);
        let mut by_date: BTreeMap<NaiveDate, Vec<Exception>> = BTreeMap::new();
        for exception in exceptions {
            by_date.entry(exception.date).or_default().push(exception);
        }
        Self {
            zone,
            weeks,
            exceptions: by_date,
        }
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// Every weekly pattern, oldest first.
    pub fn weeks(&self) -> &[WeeklyHours] {
        &self.weeks
    }

    /// Every exception, by date.
    pub fn exceptions(&self) -> impl Iterator<Item = &Exception> {
        self.exceptions.values().flatten()
    }

    /// The weekly pattern in force on `date`: the latest that started on or before it.
    pub fn pattern_on(&self, date: NaiveDate) -> Option<&WeeklyHours> {
        self.weeks
            .iter()
            .rev()
            .find(|week| week.valid_from() <= date)
    }

    pub fn exceptions_on(&self, date: NaiveDate) -> &[Exception] {
        self.exceptions.get(&date).map_or(&[], Vec::as_slice)
    }

    /// The wall-clock spans worked on `date`: the pattern's with extra hours added and time
    /// off taken out, sorted and disjoint.
    pub fn spans(&self, date: NaiveDate) -> Vec<Span> {
        let mut spans: Vec<Span> = self
            .pattern_on(date)
            .map(|week| week.on(date.weekday()).collect())
            .unwrap_or_default();
        let exceptions = self.exceptions_on(date);
        spans.extend(
            exceptions
                .iter()
                .filter(|e| e.kind == ExceptionKind::ExtraHours)
                .map(Exception::span),
        );
        let mut spans = merge(spans);
        for off in exceptions
            .iter()
            .filter(|e| e.kind == ExceptionKind::TimeOff)
        {
            spans = subtract(spans, off.span());
        }
        spans
    }

    /// The spans worked on `date` with the instants each covers (a span lying wholly in the
    /// hour the clocks skip covers none and is left out).
    pub fn working(&self, date: NaiveDate) -> Vec<(Span, Range)> {
        self.spans(date)
            .into_iter()
            .map(|span| (span, self.range(date, span)))
            .filter(|(_, (start, end))| start < end)
            .collect()
    }

    /// The instants worked on `date`.
    pub fn ranges(&self, date: NaiveDate) -> Vec<Range> {
        self.working(date)
            .into_iter()
            .map(|(_, range)| range)
            .collect()
    }

    /// Real minutes worked on `date` (a day when clocks change counts what the clock skips or
    /// repeats accordingly).
    pub fn working_minutes(&self, date: NaiveDate) -> i64 {
        self.ranges(date)
            .iter()
            .map(|(start, end)| (*end - *start).num_minutes())
            .sum()
    }

    /// Whether the doctor works all of `[starts_at, ends_at)`, and if not, why.
    pub fn check(
        &self,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    ) -> Result<(), Unavailable> {
        let date = starts_at.with_timezone(&self.zone).date_naive();
        let next = date.succ_opt().unwrap_or(date);
        for day in [date, next] {
            for off in self
                .exceptions_on(day)
                .iter()
                .filter(|e| e.kind == ExceptionKind::TimeOff)
            {
                let (start, end) = self.range(day, off.span());
                if start < ends_at && starts_at < end {
                    return Err(Unavailable::TimeOff {
                        date: day,
                        span: (!off.is_whole_day()).then(|| off.span()),
                        reason: off.reason().map(str::to_owned),
                    });
                }
            }
        }
        let mut ranges = self.ranges(date);
        ranges.extend(self.ranges(next));
        if merge_ranges(ranges)
            .iter()
            .any(|(start, end)| *start <= starts_at && ends_at <= *end)
        {
            return Ok(());
        }
        let hours = self.spans(date);
        if hours.is_empty() {
            Err(Unavailable::NoHours { date })
        } else {
            Err(Unavailable::OutsideHours { date, hours })
        }
    }

    /// The free slots of the query's dates, in time order: inside working time, wholly
    /// inside the window, not before `not_before`, and overlapping none of `busy`.
    pub fn free_slots(&self, query: &SlotQuery, busy: &[Range]) -> Vec<FreeSlot> {
        let busy = merge_ranges(busy.to_vec());
        let duration = Duration::minutes(i64::from(query.duration_minutes));
        let step = query.step_minutes.max(1);
        let mut slots = Vec::new();
        for date in query.from.iter_days().take_while(|date| *date <= query.to) {
            for span in self.spans(date) {
                let (_, span_end) = self.range(date, span);
                let starts =
                    (span.starts().minutes()..span.ends().minutes()).step_by(usize::from(step));
                for minute in starts {
                    let Some(time) = ClockTime::from_minutes(minute) else {
                        continue;
                    };
                    if let Some(window) = query.window {
                        let fits = window.starts() <= time
                            && u32::from(minute) + u32::from(query.duration_minutes)
                                <= u32::from(window.ends().minutes());
                        if !fits {
                            continue;
                        }
                    }
                    // A wall-clock time the clocks skip is no slot.
                    let Some(starts_at) = existing_instant(self.zone, time.on(date)) else {
                        continue;
                    };
                    let ends_at = starts_at + duration;
                    if ends_at > span_end {
                        break;
                    }
                    if starts_at < query.not_before || overlaps_any(&busy, (starts_at, ends_at)) {
                        continue;
                    }
                    slots.push(FreeSlot {
                        date,
                        time,
                        starts_at,
                        ends_at,
                    });
                }
            }
        }
        slots
    }

    fn range(&self, date: NaiveDate, span: Span) -> Range {
        (
            instant(self.zone, span.starts().on(date)),
            instant(self.zone, span.ends().on(date)),
        )
    }
}

/// The instant of a wall-clock time: its first occurrence when the clocks repeat it, the
/// moment they resume when they skip it.
pub fn instant(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    // No zone has skipped more than a day at once.
    for _ in 0..=(48 * 60) {
        if let Some(instant) = existing_instant(zone, probe) {
            return instant;
        }
        probe += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&local)
}

/// The first occurrence of a wall-clock time, or `None` when the clocks skip it.
fn existing_instant(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) | LocalResult::Ambiguous(instant, _) => {
            Some(instant.with_timezone(&Utc))
        }
        LocalResult::None => None,
    }
}

/// Sorted, with overlapping or touching ranges merged.
fn merge_ranges(mut ranges: Vec<Range>) -> Vec<Range> {
    ranges.sort();
    let mut merged: Vec<Range> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Whether `range` overlaps any of `sorted` (sorted and disjoint, so ends are sorted too).
fn overlaps_any(sorted: &[Range], (start, end): Range) -> bool {
    let first_ending_after = sorted.partition_point(|(_, busy_end)| *busy_end <= start);
    sorted
        .get(first_ending_after)
        .is_some_and(|(busy_start, _)| *busy_start < end)
}

#[cfg(test)]
mod tests;
