//! Each doctor's working hours as analytics learns them from the doctors' schedule events:
//! what utilisation measures booked minutes against.
//!
//! Unlike a [`super::Contribution`], a change of hours depends on what came before (a
//! pattern replaces the one with the same `validFrom`, a removal undoes an addition), so
//! changes are applied in the order the doctors subgraph published them (one doctor's
//! events share a key, hence a partition), each once (the event store drops redeliveries).
//! Applying a change again after it is harmless: every change sets a state.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use event_contract::doctor::{
    EXCEPTION_ADDED, EXCEPTION_REMOVED, ExceptionChanged, WEEKLY_HOURS_SET, WeeklyHoursSet,
};
use kit::events::CloudEvent;
use schedule::{
    Schedule,
    wire::{ExceptionData, WeeklyHoursData},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::DateRange;

/// One change of a doctor's hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursChange {
    pub doctor: Uuid,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A weekly pattern from its `validFrom` (replacing one with the same date).
    Week(WeeklyHoursData),
    /// Time off or extra hours.
    Added(ExceptionData),
    /// The exception with this id is gone.
    Removed(Uuid),
}

/// The change of hours `event` makes, if it is a schedule event; an error says why its data
/// cannot be what its type promises (hours the doctors subgraph would have refused).
pub fn hours_change(event: &CloudEvent) -> Result<Option<HoursChange>, String> {
    let invalid = |error: String| format!("{} data is not valid: {error}", event.event_type);
    let (doctor, change) = match event.event_type.as_str() {
        WEEKLY_HOURS_SET => {
            let data: WeeklyHoursSet = event.data()?;
            data.week.parse().map_err(|e| invalid(e.to_string()))?;
            (data.doctor_id, Change::Week(data.week))
        }
        EXCEPTION_ADDED | EXCEPTION_REMOVED => {
            let data: ExceptionChanged = event.data()?;
            data.exception.parse().map_err(|e| invalid(e.to_string()))?;
            let change = if event.event_type == EXCEPTION_ADDED {
                Change::Added(data.exception)
            } else {
                Change::Removed(data.exception.id)
            };
            (data.doctor_id, change)
        }
        _ => return Ok(None),
    };
    Ok(Some(HoursChange { doctor, change }))
}

/// A doctor's hours: every weekly pattern by `validFrom`, every exception by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorHours {
    weeks: BTreeMap<NaiveDate, WeeklyHoursData>,
    exceptions: BTreeMap<Uuid, ExceptionData>,
}

impl DoctorHours {
    pub fn apply(&mut self, change: &Change) {
        match change {
            Change::Week(week) => {
                self.weeks.insert(week.valid_from, week.clone());
            }
            Change::Added(exception) => {
                self.exceptions.insert(exception.id, exception.clone());
            }
            Change::Removed(id) => {
                self.exceptions.remove(id);
            }
        }
    }

    /// Minutes of working time over `range` in `zone` (time off taken out, extra hours in,
    /// a day when clocks change counted in real minutes).
    pub fn working_minutes(&self, range: DateRange, zone: Tz) -> i64 {
        // Every part was checked when its event was read.
        let weeks = self.weeks.values().filter_map(|week| week.parse().ok());
        let exceptions = self
            .exceptions
            .values()
            .filter(|exception| (range.from..=range.to).contains(&exception.date))
            .filter_map(|exception| exception.parse().ok());
        let schedule = Schedule::new(zone, weeks.collect(), exceptions.collect());
        range.days().map(|day| schedule.working_minutes(day)).sum()
    }
}

#[cfg(test)]
mod tests {
    use schedule::wire::IntervalData;

    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn week(valid_from: &str, days: &[&str], starts: &str, ends: &str) -> Change {
        Change::Week(WeeklyHoursData {
            valid_from: date(valid_from),
            intervals: days
                .iter()
                .map(|day| IntervalData {
                    weekday: (*day).to_owned(),
                    starts: starts.to_owned(),
                    ends: ends.to_owned(),
                })
                .collect(),
        })
    }

    fn exception(id: Uuid, kind: &str, day: &str, span: Option<(&str, &str)>) -> ExceptionData {
        ExceptionData {
            id,
            kind: kind.to_owned(),
            date: date(day),
            starts: span.map(|(starts, _)| starts.to_owned()),
            ends: span.map(|(_, ends)| ends.to_owned()),
            reason: None,
        }
    }

    const WEEKDAYS: [&str; 5] = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"];

    #[test]
    fn patterns_time_off_and_extra_hours_add_up_to_the_working_minutes() {
        let zone: Tz = "Europe/Berlin".parse().expect("zone");
        // 2025-03-03 is a Monday.
        let range = DateRange::new(date("2025-03-03"), date("2025-03-09")).expect("range");
        let mut hours = DoctorHours::default();
        hours.apply(&week("2025-01-06", &WEEKDAYS, "09:00", "17:00"));
        assert_eq!(hours.working_minutes(range, zone), 5 * 480);

        // From Thursday, mornings only; the same date again replaces, not adds.
        hours.apply(&week("2025-03-06", &WEEKDAYS, "08:00", "11:00"));
        hours.apply(&week("2025-03-06", &WEEKDAYS, "08:00", "12:00"));
        assert_eq!(hours.working_minutes(range, zone), 3 * 480 + 2 * 240);

        let off = Uuid::now_v7();
        hours.apply(&Change::Added(exception(
            off,
            "TIME_OFF",
            "2025-03-04",
            None,
        )));
        let afternoon = Uuid::now_v7();
        hours.apply(&Change::Added(exception(
            afternoon,
            "TIME_OFF",
            "2025-03-03",
            Some(("13:00", "17:00")),
        )));
        hours.apply(&Change::Added(exception(
            Uuid::now_v7(),
            "EXTRA_HOURS",
            "2025-03-09",
            Some(("10:00", "12:00")),
        )));
        // Monday to Sunday.
        let by_day = |days: [i64; 7]| days.iter().sum::<i64>();
        assert_eq!(
            hours.working_minutes(range, zone),
            by_day([240, 0, 480, 240, 240, 0, 120])
        );
        hours.apply(&Change::Removed(afternoon));
        assert_eq!(
            hours.working_minutes(range, zone),
            by_day([480, 0, 480, 240, 240, 0, 120])
        );
    }

    #[test]
    fn a_day_when_clocks_go_forward_counts_the_real_minutes() {
        let zone: Tz = "Europe/Berlin".parse().expect("zone");
        // Sunday 2025-03-30, 02:00 -> 03:00.
        let day = date("2025-03-30");
        let mut hours = DoctorHours::default();
        hours.apply(&week("2025-01-06", &["SUNDAY"], "00:00", "06:00"));
        let range = DateRange::new(day, day).expect("range");
        assert_eq!(hours.working_minutes(range, zone), 5 * 60);
    }

    #[test]
    fn schedule_events_read_as_changes_and_bad_hours_are_refused() {
        let doctor = Uuid::now_v7();
        let monday = |starts: &str, ends: &str| {
            CloudEvent::new(
                "doctors",
                WEEKLY_HOURS_SET,
                doctor,
                serde_json::json!({
                    "doctorId": doctor.to_string(), "validFrom": "2025-01-06",
                    "intervals": [{ "weekday": "MONDAY", "starts": starts, "ends": ends }],
                }),
            )
        };
        assert_eq!(
            hours_change(&monday("09:00", "12:00")).expect("reads"),
            Some(HoursChange {
                doctor,
                change: week("2025-01-06", &["MONDAY"], "09:00", "12:00"),
            })
        );
        let error = hours_change(&monday("12:00", "09:00")).expect_err("refused");
        assert!(error.contains(WEEKLY_HOURS_SET), "{error}");
        let other = CloudEvent::new(
            "doctors",
            event_contract::doctor::UPDATED,
            doctor,
            serde_json::json!({}),
        );
        assert_eq!(hours_change(&other), Ok(None));
    }
}
