//! Patient rules, free of transport and storage: values parse once here and are trusted after.

mod patient;

pub use contact::{Email, PersonName, Phone, ValidationError};
pub use patient::{NewPatient, Patient, PatientChanges, Update};
