//! The events this service publishes to `appointment-events`. Each carries everything
//! billing and analytics need, so they never call back.

use kit::events::CloudEvent;
use serde::Serialize;

use crate::domain::{Appointment, Transition};

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
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentData<'a> {
    id: String,
    patient_id: String,
    doctor_id: String,
    doctor_specialization: &'a str,
    service_type: &'static str,
    date: String,
    time: String,
    duration_minutes: i32,
    starts_at: String,
    ends_at: String,
    status: &'static str,
    notes: Option<&'a str>,
    cancellation_reason: Option<&'a str>,
}

impl<'a> From<&'a Appointment> for AppointmentData<'a> {
    fn from(appointment: &'a Appointment) -> Self {
        Self {
            id: appointment.id.to_string(),
            patient_id: appointment.patient_id.to_string(),
            doctor_id: appointment.doctor_id.to_string(),
            doctor_specialization: &appointment.doctor_specialization,
            service_type: appointment.service_type.as_str(),
            date: appointment.slot.date.to_string(),
            time: appointment.slot.time.format("%H:%M").to_string(),
            duration_minutes: appointment.slot.duration_minutes,
            starts_at: appointment.slot.starts_at.to_rfc3339(),
            ends_at: appointment.slot.ends_at.to_rfc3339(),
            status: appointment.status.as_str(),
            notes: appointment.notes.as_deref(),
            cancellation_reason: appointment.cancellation_reason.as_deref(),
        }
    }
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
