//! Where an operation's refusals point. The service says what a refusal is about (a
//! [`Subject`], or the name of the value that broke a rule); each operation names the
//! argument that is, in the caller's words.

use kit::error::{ClientFacing, ErrorCode};

use crate::error::{AppointmentError, Subject};

/// A service error with the argument it is about.
#[derive(Debug)]
pub struct Located {
    error: AppointmentError,
    field: Option<String>,
}

impl std::fmt::Display for Located {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Located {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

impl ClientFacing for Located {
    fn code(&self) -> ErrorCode {
        self.error.code()
    }

    fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }
}

/// A booking's refusals point into its `input`: `input.patientId`, `input.time`, ...
pub fn booking(error: AppointmentError) -> Located {
    let field = match &error {
        AppointmentError::Invalid { field, .. } => Some(format!("input.{field}")),
        AppointmentError::NotFound { subject, .. }
        | AppointmentError::Conflict { subject, .. }
        | AppointmentError::DoctorUnavailable { subject, .. } => {
            Some(format!("input.{}", subject.plain_argument()))
        }
        other => other.field().map(str::to_owned),
    };
    Located { error, field }
}

/// A move's refusals: its patient and doctor are the appointment's (`id`); a clash, or
/// hours that do not cover it, are about the new `time`.
pub fn moving(error: AppointmentError) -> Located {
    let field = match &error {
        AppointmentError::Conflict { .. }
        | AppointmentError::DoctorUnavailable {
            subject: Subject::Time,
            ..
        } => Some("time".to_owned()),
        AppointmentError::NotFound { .. } | AppointmentError::DoctorUnavailable { .. } => {
            Some("id".to_owned())
        }
        other => other.field().map(str::to_owned),
    };
    Located { error, field }
}
