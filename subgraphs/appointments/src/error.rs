//! Every way an appointments operation can fail, and the contract code each one shows.

use kit::error::{ClientFacing, ErrorCode, InputError};

use crate::domain::{TransitionError, ValidationError};

#[derive(Debug, thiserror::Error)]
pub enum AppointmentError {
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{message}")]
    NotFound {
        field: &'static str,
        message: String,
    },
    /// `reason` reads after the doctor: "is not taking appointments", "is off ...".
    #[error("doctor {doctor_id} {reason}")]
    DoctorUnavailable {
        doctor_id: uuid::Uuid,
        field: &'static str,
        reason: String,
    },
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
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
    /// A domain rule broken inside the argument `argument`, e.g. field `input.time`.
    pub fn invalid_input(argument: &str, error: ValidationError) -> Self {
        Self::Invalid {
            field: if argument.is_empty() {
                error.field.to_owned()
            } else {
                format!("{argument}.{}", error.field)
            },
            message: error.message,
        }
    }

    pub fn appointment_not_found(id: uuid::Uuid) -> Self {
        Self::NotFound {
            field: "id",
            message: format!("no appointment with id {id}"),
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
            Self::NotFound { field, .. }
            | Self::Conflict { field, .. }
            | Self::DoctorUnavailable { field, .. } => Some(field),
            Self::InvalidState(_) => Some("id"),
            Self::Contended | Self::Upstream(_) | Self::Unexpected(_) => None,
        }
    }
}
