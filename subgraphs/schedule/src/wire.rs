//! Working hours as they travel between services, in the API's names: the data of the
//! doctors' schedule events and the shape of `Doctor.schedule` answers. Parsing validates
//! as the doctors subgraph did when it stored them.

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Exception, ExceptionKind, ScheduleError, Span, WEEK, WeeklyHours, WeeklyInterval};

/// `MONDAY` ... `SUNDAY`.
pub const WEEKDAY_NAMES: [&str; 7] = [
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
];

pub fn weekday_name(weekday: Weekday) -> &'static str {
    WEEKDAY_NAMES[weekday.num_days_from_monday() as usize]
}

pub fn weekday_from_name(name: &str) -> Option<Weekday> {
    WEEKDAY_NAMES
        .iter()
        .position(|known| *known == name)
        .map(|index| WEEK[index])
}

/// One interval of a weekly pattern: `MONDAY`, `08:00`, `12:00`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntervalData {
    pub weekday: String,
    pub starts: String,
    pub ends: String,
}

/// A whole weekly pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyHoursData {
    pub valid_from: NaiveDate,
    pub intervals: Vec<IntervalData>,
}

/// Time off or extra hours; `starts` and `ends` absent (or `00:00`-`24:00`) for a whole day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionData {
    pub id: Uuid,
    pub kind: String,
    pub date: NaiveDate,
    pub starts: Option<String>,
    pub ends: Option<String>,
    pub reason: Option<String>,
}

impl From<&WeeklyHours> for WeeklyHoursData {
    fn from(week: &WeeklyHours) -> Self {
        Self {
            valid_from: week.valid_from(),
            intervals: week
                .intervals()
                .iter()
                .map(|interval| IntervalData {
                    weekday: weekday_name(interval.weekday).to_owned(),
                    starts: interval.span.starts().to_string(),
                    ends: interval.span.ends().to_string(),
                })
                .collect(),
        }
    }
}

impl WeeklyHoursData {
    pub fn parse(&self) -> Result<WeeklyHours, ScheduleError> {
        let intervals = self
            .intervals
            .iter()
            .enumerate()
            .map(|(index, interval)| {
                let field = format!("intervals[{index}]");
                let weekday = weekday_from_name(&interval.weekday).ok_or_else(|| {
                    ScheduleError::new(
                        format!("{field}.weekday"),
                        format!("unknown weekday {:?}", interval.weekday),
                    )
                })?;
                let span = Span::parse(&field, &interval.starts, &interval.ends)?;
                Ok(WeeklyInterval { weekday, span })
            })
            .collect::<Result<Vec<_>, ScheduleError>>()?;
        WeeklyHours::new("intervals", self.valid_from, intervals)
    }
}

impl From<&Exception> for ExceptionData {
    fn from(exception: &Exception) -> Self {
        let span = (!exception.is_whole_day()).then(|| exception.span());
        Self {
            id: exception.id,
            kind: exception.kind.as_str().to_owned(),
            date: exception.date,
            starts: span.map(|span| span.starts().to_string()),
            ends: span.map(|span| span.ends().to_string()),
            reason: exception.reason().map(str::to_owned),
        }
    }
}

impl ExceptionData {
    pub fn parse(&self) -> Result<Exception, ScheduleError> {
        let kind = ExceptionKind::from_name(&self.kind)
            .ok_or_else(|| ScheduleError::new("kind", format!("unknown kind {:?}", self.kind)))?;
        let span = match (&self.starts, &self.ends) {
            (Some(starts), Some(ends)) => Some(Span::parse("exception", starts, ends)?),
            _ => None,
        };
        Exception::new(self.id, kind, self.date, span, self.reason.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_and_exceptions_survive_the_trip() {
        let data = WeeklyHoursData {
            valid_from: NaiveDate::from_ymd_opt(2027, 1, 4).expect("date"),
            intervals: vec![IntervalData {
                weekday: "SATURDAY".into(),
                starts: "09:00".into(),
                ends: "24:00".into(),
            }],
        };
        let week = data.parse().expect("valid");
        assert_eq!(week.intervals()[0].weekday, Weekday::Sat);
        assert_eq!(WeeklyHoursData::from(&week), data);

        let whole_day = ExceptionData {
            id: Uuid::nil(),
            kind: "TIME_OFF".into(),
            date: data.valid_from,
            starts: Some("00:00".into()),
            ends: Some("24:00".into()),
            reason: Some("sick".into()),
        };
        let exception = whole_day.parse().expect("valid");
        assert!(
            exception.is_whole_day(),
            "00:00-24:00 time off is the whole day"
        );
        let sent = ExceptionData::from(&exception);
        assert_eq!((sent.starts, sent.ends), (None, None));

        let unknown = IntervalData {
            weekday: "FUNDAY".into(),
            ..data.intervals[0].clone()
        };
        let error = WeeklyHoursData {
            intervals: vec![unknown],
            ..data
        }
        .parse()
        .expect_err("no such day");
        assert_eq!(error.field, "intervals[0].weekday");
    }
}
