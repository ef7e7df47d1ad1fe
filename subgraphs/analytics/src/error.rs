//! Every way an analytics query can fail, and the contract code each one shows.

use kit::error::{ClientFacing, ErrorCode, InputError};

#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<InputError> for AnalyticsError {
    fn from(error: InputError) -> Self {
        Self::Invalid {
            field: error.field,
            message: error.message,
        }
    }
}

impl ClientFacing for AnalyticsError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid { .. } => ErrorCode::BadUserInput,
            Self::Unexpected(_) => ErrorCode::InternalServerError,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::Unexpected(_) => None,
        }
    }
}
