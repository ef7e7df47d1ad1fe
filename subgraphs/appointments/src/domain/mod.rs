//! Appointment rules, free of transport and storage: slots in the clinic's time zone, the
//! status workflow, and the enumerations.

mod appointment;
mod ids;
mod slot;

pub use appointment::{
    Appointment, AppointmentStatus, ServiceType, Stored, Transition, TransitionError,
};
pub use ids::{AppointmentId, DoctorId, PatientId};
pub use slot::{MAX_DURATION_MINUTES, Slot, parse_time};

/// A rule an input broke, naming the input field (`time`, `durationMinutes`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
