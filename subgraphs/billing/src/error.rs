//! Every way a billing operation can fail, and the contract code each one shows.

use kit::error::{ClientFacing, ErrorCode, InputError};

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("no bill with id {0}")]
    NotFound(uuid::Uuid),
    #[error("bill {id} is {status} and cannot be paid")]
    NotPayable {
        id: uuid::Uuid,
        status: &'static str,
    },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<InputError> for BillingError {
    fn from(error: InputError) -> Self {
        Self::Invalid {
            field: error.field,
            message: error.message,
        }
    }
}

impl From<sqlx::Error> for BillingError {
    fn from(error: sqlx::Error) -> Self {
        Self::Unexpected(anyhow::Error::new(error).context("billing database"))
    }
}

impl ClientFacing for BillingError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid { .. } => ErrorCode::BadUserInput,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::NotPayable { .. } => ErrorCode::InvalidState,
            Self::Unexpected(_) => ErrorCode::InternalServerError,
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::NotFound(_) | Self::NotPayable { .. } => Some("id"),
            Self::Unexpected(_) => None,
        }
    }
}
