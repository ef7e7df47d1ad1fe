//! Patient rules, free of transport and storage: values parse once here and are trusted after.

mod contact;
mod patient;

pub use contact::{Email, Phone};
pub use patient::{NewPatient, Patient, PatientChanges, PatientName, Update};

/// A rule an input broke, naming the input field (`email`, `dateOfBirth`).
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
