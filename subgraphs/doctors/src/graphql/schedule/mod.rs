//! Working hours in the API: the weekly pattern, time off and extra hours, a doctor's
//! schedule over dates, and the mutations that change them. Times are `HH:MM` on the
//! clinic's clock (`CLINIC_TIMEZONE`); `24:00` ends a span at midnight.

mod mutation;

use std::sync::Arc;

use async_graphql::{Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use kit::scalars::Date;
use schedule::{Exception, Schedule, ScheduleError, Span, WeeklyInterval};
use uuid::Uuid;

use crate::error::DoctorError;

/// The most days one `schedule` query covers.
pub const MAX_SCHEDULE_DAYS: i64 = 92;
/// The most intervals one weekly pattern holds (six a day).
const MAX_INTERVALS: usize = 42;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl From<Weekday> for chrono::Weekday {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Monday => Self::Mon,
            Weekday::Tuesday => Self::Tue,
            Weekday::Wednesday => Self::Wed,
            Weekday::Thursday => Self::Thu,
            Weekday::Friday => Self::Fri,
            Weekday::Saturday => Self::Sat,
            Weekday::Sunday => Self::Sun,
        }
    }
}

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Self {
        match day {
            chrono::Weekday::Mon => Self::Monday,
            chrono::Weekday::Tue => Self::Tuesday,
            chrono::Weekday::Wed => Self::Wednesday,
            chrono::Weekday::Thu => Self::Thursday,
            chrono::Weekday::Fri => Self::Friday,
            chrono::Weekday::Sat => Self::Saturday,
            chrono::Weekday::Sun => Self::Sunday,
        }
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ScheduleExceptionKind", remote = "schedule::ExceptionKind")]
pub enum ExceptionKind {
    /// Not working: the whole day or a span of it.
    TimeOff,
    /// Working beyond the weekly pattern on that date.
    ExtraHours,
}

/// One interval of a weekly pattern, e.g. `MONDAY` `08:00` to `12:30`.
#[derive(InputObject)]
pub struct WeeklyIntervalInput {
    pub weekday: Weekday,
    pub starts: String,
    pub ends: String,
}

/// Time off on one date: the whole day, or from `starts` to `ends` (give both or neither).
#[derive(InputObject)]
pub struct TimeOffInput {
    pub date: Date,
    pub starts: Option<String>,
    pub ends: Option<String>,
    /// Shown to the front desk when a booking is refused; at most 200 characters.
    pub reason: Option<String>,
}

/// Hours worked on one date beyond the weekly pattern.
#[derive(InputObject)]
pub struct ExtraHoursInput {
    pub date: Date,
    pub starts: String,
    pub ends: String,
    pub reason: Option<String>,
}

/// A weekly interval as stored.
#[derive(SimpleObject)]
#[graphql(name = "WeeklyInterval")]
pub struct WeeklyIntervalView {
    weekday: Weekday,
    starts: String,
    ends: String,
}

/// The hours a doctor works every week from `validFrom` until a later pattern starts.
pub struct WeeklyHours(pub schedule::WeeklyHours);

#[Object]
impl WeeklyHours {
    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from())
    }

    /// Monday first, then by start.
    async fn intervals(&self) -> Vec<WeeklyIntervalView> {
        self.0
            .intervals()
            .iter()
            .map(|interval| WeeklyIntervalView {
                weekday: interval.weekday.into(),
                starts: interval.span.starts().to_string(),
                ends: interval.span.ends().to_string(),
            })
            .collect()
    }
}

/// Time off or extra hours of a doctor on one date.
pub struct ScheduleException {
    pub doctor_id: Uuid,
    pub exception: Exception,
}

#[Object]
impl ScheduleException {
    async fn id(&self) -> ID {
        ID(self.exception.id.to_string())
    }

    async fn doctor_id(&self) -> ID {
        ID(self.doctor_id.to_string())
    }

    async fn kind(&self) -> ExceptionKind {
        self.exception.kind.into()
    }

    async fn date(&self) -> Date {
        Date(self.exception.date)
    }

    /// True for time off all day (`starts` and `ends` are then `00:00` and `24:00`).
    async fn whole_day(&self) -> bool {
        self.exception.is_whole_day()
    }

    async fn starts(&self) -> String {
        self.exception.span().starts().to_string()
    }

    async fn ends(&self) -> String {
        self.exception.span().ends().to_string()
    }

    async fn reason(&self) -> Option<&str> {
        self.exception.reason()
    }
}

/// Hours worked on a date, on the clinic's clock and as instants.
#[derive(SimpleObject)]
pub struct WorkingHours {
    starts: String,
    ends: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

/// One date of a schedule: the hours worked after time off and extra hours.
#[derive(SimpleObject)]
pub struct WorkingDay {
    date: Date,
    hours: Vec<WorkingHours>,
    /// Real minutes worked (a day when the clocks change counts the hour skipped or repeated).
    minutes: i64,
}

/// A doctor's working hours from `from` to `to`, inclusive, in the clinic's time zone.
pub struct DoctorSchedule {
    pub doctor_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub schedule: Arc<Schedule>,
}

#[Object]
impl DoctorSchedule {
    async fn from(&self) -> Date {
        Date(self.from)
    }

    async fn to(&self) -> Date {
        Date(self.to)
    }

    /// The patterns in force on these dates: the one on `from`, then any starting later.
    async fn weekly_hours(&self) -> Vec<WeeklyHours> {
        self.schedule
            .weeks()
            .iter()
            .cloned()
            .map(WeeklyHours)
            .collect()
    }

    /// Time off and extra hours on these dates, by date.
    async fn exceptions(&self) -> Vec<ScheduleException> {
        self.schedule
            .exceptions()
            .cloned()
            .map(|exception| ScheduleException {
                doctor_id: self.doctor_id,
                exception,
            })
            .collect()
    }

    /// Every date of the range with the hours worked on it.
    async fn days(&self) -> Vec<WorkingDay> {
        self.from
            .iter_days()
            .take_while(|date| *date <= self.to)
            .map(|date| {
                let hours: Vec<WorkingHours> = self
                    .schedule
                    .working(date)
                    .into_iter()
                    .map(|(span, (starts_at, ends_at))| WorkingHours {
                        starts: span.starts().to_string(),
                        ends: span.ends().to_string(),
                        starts_at,
                        ends_at,
                    })
                    .collect();
                let minutes = hours
                    .iter()
                    .map(|hours| (hours.ends_at - hours.starts_at).num_minutes())
                    .sum();
                WorkingDay {
                    date: Date(date),
                    hours,
                    minutes,
                }
            })
            .collect()
    }
}

/// Checks a schedule query's dates: `from` not after `to`, at most [`MAX_SCHEDULE_DAYS`].
pub fn schedule_range(from: Date, to: Date) -> Result<(NaiveDate, NaiveDate), DoctorError> {
    let days = (to.0 - from.0).num_days() + 1;
    if !(1..=MAX_SCHEDULE_DAYS).contains(&days) {
        return Err(DoctorError::Invalid {
            field: "to".into(),
            message: format!(
                "a schedule covers 1 to {MAX_SCHEDULE_DAYS} days from `from`; {} to {} is {days}",
                from.0, to.0
            ),
        });
    }
    Ok((from.0, to.0))
}

/// The pattern of `inputs`, the list argument `field`, from `valid_from`.
pub fn weekly_hours(
    field: &str,
    valid_from: NaiveDate,
    inputs: &[WeeklyIntervalInput],
) -> Result<schedule::WeeklyHours, DoctorError> {
    if inputs.len() > MAX_INTERVALS {
        return Err(DoctorError::Invalid {
            field: field.into(),
            message: format!(
                "a week holds at most {MAX_INTERVALS} intervals, got {}",
                inputs.len()
            ),
        });
    }
    let intervals = inputs
        .iter()
        .enumerate()
        .map(|(index, input)| {
            Ok(WeeklyInterval {
                weekday: input.weekday.into(),
                span: Span::parse(&format!("{field}[{index}]"), &input.starts, &input.ends)?,
            })
        })
        .collect::<Result<Vec<_>, ScheduleError>>()?;
    Ok(schedule::WeeklyHours::new(field, valid_from, intervals)?)
}

pub use mutation::ScheduleMutation;
