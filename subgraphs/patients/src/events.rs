//! The events this service publishes to `patient-events`.

use kit::events::CloudEvent;
use serde::Serialize;

use crate::domain::Patient;

pub const SOURCE: &str = "patients";
pub const CREATED: &str = "pms.patient.created.v1";
pub const UPDATED: &str = "pms.patient.updated.v1";
pub const ARCHIVED: &str = "pms.patient.archived.v1";

/// The patient as consumers see it, in the API's field names: no contact details, date
/// of birth or address (protected health information no consumer needs; `changed` names
/// the fields a change touched, never their values). A consumer that needs them asks the
/// patients subgraph.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PatientData<'a> {
    id: String,
    name: &'a str,
    registration_date: String,
    archived: bool,
}

/// An event of `event_type` carrying the patient after the change and the changed fields.
pub fn patient_event(event_type: &str, patient: &Patient, changed: &[&str]) -> CloudEvent {
    let data = PatientData {
        id: patient.id.to_string(),
        name: &patient.name,
        registration_date: patient.registration_date.to_string(),
        archived: patient.archived_at.is_some(),
    };
    CloudEvent::new(
        SOURCE,
        event_type,
        patient.id,
        serde_json::json!({ "patient": data, "changed": changed }),
    )
}
