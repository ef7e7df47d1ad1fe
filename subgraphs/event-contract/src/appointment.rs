//! `appointment-events`, published by appointments. Each carries everything billing,
//! analytics and the live updates need, so they never call back.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SOURCE: &str = "appointments";
pub const CREATED: &str = "pms.appointment.created.v1";
pub const RESCHEDULED: &str = "pms.appointment.rescheduled.v1";
pub const CANCELLED: &str = "pms.appointment.cancelled.v1";
pub const CHECKED_IN: &str = "pms.appointment.checked_in.v1";
pub const COMPLETED: &str = "pms.appointment.completed.v1";
pub const NO_SHOW: &str = "pms.appointment.no_show.v1";

/// What happened to an appointment: one event type each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Rescheduled,
    Cancelled,
    CheckedIn,
    Completed,
    NoShow,
}

impl Change {
    pub const ALL: [Self; 6] = [
        Self::Created,
        Self::Rescheduled,
        Self::Cancelled,
        Self::CheckedIn,
        Self::Completed,
        Self::NoShow,
    ];

    pub const fn event_type(self) -> &'static str {
        match self {
            Self::Created => CREATED,
            Self::Rescheduled => RESCHEDULED,
            Self::Cancelled => CANCELLED,
            Self::CheckedIn => CHECKED_IN,
            Self::Completed => COMPLETED,
            Self::NoShow => NO_SHOW,
        }
    }

    /// The change an event type announces; `None` for a type this topic does not define.
    pub fn of(event_type: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|change| change.event_type() == event_type)
    }
}

/// The appointment as consumers see it. `serviceType`, `status` and
/// `doctorSpecialization` are the API's enum names; `date` and `time` (`HH:MM`) are the
/// clinic's wall clock, `startsAt`/`endsAt` the same instants in UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub doctor_id: Uuid,
    pub doctor_specialization: String,
    pub service_type: String,
    pub date: NaiveDate,
    pub time: String,
    pub duration_minutes: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: String,
    pub notes: Option<String>,
    pub cancellation_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The data of every appointment event: the appointment after the change, and `previous`
/// (before it) for moves that change more than the status (a reschedule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentChanged {
    pub appointment: Appointment,
    pub previous: Option<Appointment>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_has_its_own_type_and_is_found_by_it() {
        for change in Change::ALL {
            assert_eq!(Change::of(change.event_type()), Some(change));
        }
        assert_eq!(Change::of(super::super::bill::CREATED), None);
    }
}
