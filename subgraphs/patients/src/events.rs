//! The events this service publishes to `patient-events`, in the contract's types
//! (`event_contract::patient`).

use event_contract::patient::{self as contract, PatientChanged};
pub use event_contract::patient::{ARCHIVED, CREATED, UPDATED};
use kit::events::CloudEvent;

use crate::domain::Patient;

/// An event of `event_type` carrying the patient after the change and the changed fields
/// (no contact details, date of birth or address: see [`contract::Patient`]).
pub fn patient_event(event_type: &str, patient: &Patient, changed: &[&str]) -> CloudEvent {
    let data = PatientChanged {
        patient: contract::Patient {
            id: patient.id,
            name: patient.name.clone(),
            registration_date: patient.registration_date,
            archived: patient.archived_at.is_some(),
        },
        changed: changed.iter().map(|&field| field.to_owned()).collect(),
    };
    CloudEvent::with_data(contract::SOURCE, event_type, patient.id, &data)
}
