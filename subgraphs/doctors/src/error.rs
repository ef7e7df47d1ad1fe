//! Every way a doctors operation can fail, and the contract code each one shows.

use kit::error::{ClientFacing, ErrorCode, InputError};
use uuid::Uuid;

use crate::domain::ValidationError;

#[derive(Debug, thiserror::Error)]
pub enum DoctorError {
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("no doctor with id {0}")]
    NotFound(Uuid),
    #[error("a doctor with email {0:?} is already registered")]
    EmailTaken(String),
    #[error("doctor {0} is archived and cannot be changed")]
    Archived(Uuid),
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

impl From<sqlx::Error> for DoctorError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(anyhow::Error::new(error).context("doctors database"))
    }
}

impl ClientFacing for DoctorError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid { .. } => ErrorCode::BadUserInput,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::EmailTaken(_) => ErrorCode::Conflict,
            Self::Archived(_) => ErrorCode::InvalidState,
            Self::Unexpected(_) => ErrorCode::InternalServerError,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::NotFound(_) | Self::Archived(_) => Some("id"),
            Self::EmailTaken(_) => Some("input.email"),
            Self::Unexpected(_) => None,
        }
    }
}
