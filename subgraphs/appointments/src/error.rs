//! Every way an appointments operation can fail, and the contract code each one shows.

use kit::error::{ClientFacing, ErrorCode, InputError};

use crate::domain::{AppointmentId, DoctorId, TransitionError, ValidationError};

/// What a refusal is about, in the domain's words. Which argument that is depends on the
/// operation (the patient is `input.patientId` when booking, the appointment's `id` when
/// moving it): the GraphQL edge names it (`graphql::arguments`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Patient,
    Doctor,
    /// The time asked for.
    Time,
    /// The appointment itself.
    Appointment,
}

impl Subject {
    /// The argument it is when an operation names it plainly (`id` for the appointment).
    pub const fn plain_argument(self) -> &'static str {
        match self {
            Self::Patient => "patientId",
            Self::Doctor => "doctorId",
            Self::Time => "time",
            Self::Appointment => "id",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppointmentError {
    /// A value broke a rule; `field` is the value's name (`time`, `durationMinutes`), or the
    /// argument of a read (`after`, `from`).
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{message}")]
    NotFound { subject: Subject, message: String },
    /// `reason` reads after the doctor: "is not taking appointments", "is off ...";
    /// `subject` is the doctor, or the time when it is the hours that refuse.
    #[error("doctor {doctor_id} {reason}")]
    DoctorUnavailable {
        doctor_id: DoctorId,
        subject: Subject,
        reason: String,
    },
    /// The doctor or the patient already has an appointment then.
    #[error("{message}")]
    Conflict { subject: Subject, message: String },
    /// Two concurrent bookings waited on each other (a deadlock PostgreSQL broke); the
    /// service retries, and reports this only when retries run out.
    #[error(
        "a concurrent booking for the same doctor or patient collided with this one; please retry"
    )]
    Contended,
    #[error(transparent)]
    InvalidState(#[from] TransitionError),
    #[error("the {0} service did not answer in time; nothing was changed, please retry")]
    Upstream(&'static str),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl AppointmentError {
    pub fn appointment_not_found(id: AppointmentId) -> Self {
        Self::NotFound {
            subject: Subject::Appointment,
            message: format!("no appointment with id {id}"),
        }
    }
}

impl From<ValidationError> for AppointmentError {
    fn from(error: ValidationError) -> Self {
        Self::Invalid {
            field: error.field.to_owned(),
            message: error.message,
        }
    }
}

impl From<InputError> for AppointmentError {
    fn from(error: InputError) -> Self {
        Self::Invalid {
            field: error.field,
            message: error.message,
        }
    }
}

impl From<sqlx::Error> for AppointmentError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(anyhow::Error::new(error).context("appointments database"))
    }
}

impl ClientFacing for AppointmentError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid { .. } => ErrorCode::BadUserInput,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::DoctorUnavailable { .. } => ErrorCode::DoctorUnavailable,
            Self::Conflict { .. } | Self::Contended => ErrorCode::Conflict,
            Self::InvalidState(_) => ErrorCode::InvalidState,
            Self::Upstream(_) => ErrorCode::UpstreamUnavailable,
            Self::Unexpected(_) => ErrorCode::InternalServerError,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::NotFound { subject, .. }
            | Self::Conflict { subject, .. }
            | Self::DoctorUnavailable { subject, .. } => Some(subject.plain_argument()),
            Self::InvalidState(_) => Some("id"),
            Self::Contended | Self::Upstream(_) | Self::Unexpected(_) => None,
        }
    }
}
