//! The events this service publishes to `appointment-events`, in the contract's types
//! (`event_contract::appointment`).

use chrono::NaiveTime;
use event_contract::appointment::{self as contract, AppointmentChanged, Change};
use kit::events::CloudEvent;

use crate::domain::{Appointment, AppointmentStatus, ServiceType, Slot, Stored, Transition};

/// The change a workflow move announces.
pub const fn change_of(transition: Transition) -> Change {
    match transition {
        Transition::Reschedule => Change::Rescheduled,
        Transition::Cancel => Change::Cancelled,
        Transition::CheckIn => Change::CheckedIn,
        Transition::Complete => Change::Completed,
        Transition::MarkNoShow => Change::NoShow,
    }
}

impl From<&Appointment> for contract::Appointment {
    fn from(appointment: &Appointment) -> Self {
        Self {
            id: appointment.id().uuid(),
            patient_id: appointment.patient_id().uuid(),
            doctor_id: appointment.doctor_id().uuid(),
            doctor_specialization: appointment.doctor_specialization().to_owned(),
            service_type: appointment.service_type().as_str().to_owned(),
            date: appointment.slot().date(),
            time: appointment.slot().time().format("%H:%M").to_string(),
            duration_minutes: appointment.slot().duration_minutes(),
            starts_at: appointment.slot().starts_at(),
            ends_at: appointment.slot().ends_at(),
            status: appointment.status().as_str().to_owned(),
            notes: appointment.notes().map(str::to_owned),
            cancellation_reason: appointment.cancellation_reason().map(str::to_owned),
            created_at: appointment.created_at(),
            updated_at: appointment.updated_at(),
        }
    }
}

impl TryFrom<contract::Appointment> for Appointment {
    type Error = String;

    fn try_from(data: contract::Appointment) -> Result<Self, Self::Error> {
        Ok(Self::restore(Stored {
            service_type: ServiceType::from_name(&data.service_type)
                .ok_or_else(|| format!("unknown service type {:?}", data.service_type))?,
            status: AppointmentStatus::from_name(&data.status)
                .ok_or_else(|| format!("unknown status {:?}", data.status))?,
            slot: Slot::restore(
                data.date,
                NaiveTime::parse_from_str(&data.time, "%H:%M")
                    .map_err(|error| error.to_string())?,
                data.duration_minutes,
                data.starts_at,
                data.ends_at,
            )
            .map_err(|error| error.to_string())?,
            id: data.id.into(),
            patient_id: data.patient_id.into(),
            doctor_id: data.doctor_id.into(),
            doctor_specialization: data.doctor_specialization,
            notes: data.notes,
            cancellation_reason: data.cancellation_reason,
            created_at: data.created_at,
            updated_at: data.updated_at,
        }))
    }
}

/// The event of `change`, carrying the appointment after it, and `previous` (the
/// appointment before it) for moves that change more than the status.
pub fn appointment_event(
    change: Change,
    appointment: &Appointment,
    previous: Option<&Appointment>,
) -> CloudEvent {
    CloudEvent::with_data(
        contract::SOURCE,
        change.event_type(),
        appointment.id(),
        &AppointmentChanged {
            appointment: appointment.into(),
            previous: previous.map(Into::into),
        },
    )
}
