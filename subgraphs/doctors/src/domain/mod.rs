//! Doctor rules, free of transport and storage: values parse once here and are trusted after.

mod doctor;

pub use contact::{Email, PersonName, Phone, ValidationError};
pub use doctor::{Doctor, DoctorChanges, Gender, NewDoctor, Specialization};
