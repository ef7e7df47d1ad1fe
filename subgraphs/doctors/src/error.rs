//! Every way a doctors operation can fail, and the contract code each one shows.

use kit::error::{ClientFacing, ErrorCode, InputError};
use schedule::{Exception, ExceptionKind, ScheduleError};
use uuid::Uuid;

use crate::domain::ValidationError;

#[derive(Debug, thiserror::Error)]
pub enum DoctorError {
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// `field` is the argument that named the doctor (`id`, `doctorId`).
    #[error("no doctor with id {id}")]
    NotFound { id: Uuid, field: &'static str },
    #[error("a doctor with email {0:?} is already registered")]
    EmailTaken(String),
    #[error("doctor {id} is archived and cannot be changed")]
    Archived { id: Uuid, field: &'static str },
    #[error("no time off or extra hours with id {0}")]
    ExceptionNotFound(Uuid),
    #[error(
        "{} {} on {} ({}) overlaps it; remove that one first (id {})",
        kind_words(.0), .0.span(), .0.date, .0.reason().unwrap_or("no reason given"), .0.id
    )]
    ScheduleClash(Box<Exception>),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl DoctorError {
    /// A domain rule broken inside the argument `argument`, e.g. field `input.email`.
    pub fn invalid_input(argument: &str, error: ValidationError) -> Self {
        Self::Invalid {
            field: format!("{argument}.{}", error.field),
            message: error.message,
        }
    }
}

impl From<InputError> for DoctorError {
    fn from(error: InputError) -> Self {
        Self::Invalid {
            field: error.field,
            message: error.message,
        }
    }
}

impl From<ScheduleError> for DoctorError {
    fn from(error: ScheduleError) -> Self {
        Self::Invalid {
            field: error.field,
            message: error.message,
        }
    }
}

fn kind_words(exception: &Exception) -> &'static str {
    match exception.kind {
        ExceptionKind::TimeOff => "time off",
        ExceptionKind::ExtraHours => "extra hours",
    }
}

impl From<sqlx::Error> for DoctorError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(anyhow::Error::new(error).context("doctors database"))
    }
}

impl ClientFacing for DoctorError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid { .. } => ErrorCode::BadUserInput,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::EmailTaken(_) => ErrorCode::Conflict,
            Self::Archived { .. } => ErrorCode::InvalidState,
            Self::ExceptionNotFound(_) => ErrorCode::NotFound,
            Self::ScheduleClash(_) => ErrorCode::Conflict,
            Self::Unexpected(_) => ErrorCode::InternalServerError,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::NotFound { field, .. } | Self::Archived { field, .. } => Some(field),
            Self::ExceptionNotFound(_) => Some("id"),
            Self::ScheduleClash(_) => Some("input"),
            Self::EmailTaken(_) => Some("input.email"),
            Self::Unexpected(_) => None,
        }
    }
}
