//! The events this service publishes to `appointment-events`. Each carries everything
//! billing and analytics need, so they never call back.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use kit::events::CloudEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Appointment, AppointmentStatus, ServiceType, Slot, Transition};

pub const SOURCE: &str = "appointments";
pub const CREATED: &str = "pms.appointment.created.v1";

/// The event type of a workflow move.
pub const fn transition_type(transition: Transition) -> &'static str {
    match transition {
        Transition::Reschedule => "pms.appointment.rescheduled.v1",
        Transition::Cancel => "pms.appointment.cancelled.v1",
        Transition::CheckIn => "pms.appointment.checked_in.v1",
        Transition::Complete => "pms.appointment.completed.v1",
        Transition::MarkNoShow => "pms.appointment.no_show.v1",
    }
}

/// The appointment as consumers see it, in the API's field names.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentData {
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

impl From<&Appointment> for AppointmentData {
    fn from(appointment: &Appointment) -> Self {
        Self {
            id: appointment.id,
            patient_id: appointment.patient_id,
            doctor_id: appointment.doctor_id,
            doctor_specialization: appointment.doctor_specialization.clone(),
            service_type: appointment.service_type.as_str().to_owned(),
            date: appointment.slot.date,
            time: appointment.slot.time.format("%H:%M").to_string(),
            duration_minutes: appointment.slot.duration_minutes,
            starts_at: appointment.slot.starts_at,
            ends_at: appointment.slot.ends_at,
            status: appointment.status.as_str().to_owned(),
            notes: appointment.notes.clone(),
            cancellation_reason: appointment.cancellation_reason.clone(),
            created_at: appointment.created_at,
            updated_at: appointment.updated_at,
        }
    }
}

impl TryFrom<AppointmentData> for Appointment {
    type Error = String;

    fn try_from(data: AppointmentData) -> Result<Self, Self::Error> {
        Ok(Self {
            service_type: ServiceType::from_name(&data.service_type)
                .ok_or_else(|| format!("unknown service type {:?}", data.service_type))?,
            status: AppointmentStatus::from_name(&data.status)
                .ok_or_else(|| format!("unknown status {:?}", data.status))?,
            slot: Slot {
                date: data.date,
                time: NaiveTime::parse_from_str(&data.time, "%H:%M")
                    .map_err(|error| error.to_string())?,
                duration_minutes: data.duration_minutes,
                starts_at: data.starts_at,
                ends_at: data.ends_at,
            },
            id: data.id,
            patient_id: data.patient_id,
            doctor_id: data.doctor_id,
            doctor_specialization: data.doctor_specialization,
            notes: data.notes,
            cancellation_reason: data.cancellation_reason,
            created_at: data.created_at,
            updated_at: data.updated_at,
        })
    }
}

/// The workflow move an event type announces, `None` for a booking.
pub fn transition_of(event_type: &str) -> Option<Option<Transition>> {
    if event_type == CREATED {
        return Some(None);
    }
    [
        Transition::Reschedule,
        Transition::Cancel,
        Transition::CheckIn,
        Transition::Complete,
        Transition::MarkNoShow,
    ]
    .into_iter()
    .find(|transition| transition_type(*transition) == event_type)
    .map(Some)
}

/// An event carrying the appointment after the change, and `previous` (the appointment
/// before it) for moves that change more than the status.
pub fn appointment_event(
    event_type: &str,
    appointment: &Appointment,
    previous: Option<&Appointment>,
) -> CloudEvent {
    CloudEvent::new(
        SOURCE,
        event_type,
        appointment.id,
        serde_json::json!({
            "appointment": AppointmentData::from(appointment),
            "previous": previous.map(AppointmentData::from),
        }),
    )
}
