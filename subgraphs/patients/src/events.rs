//! The events this service publishes to `patient-events`.

use kit::events::CloudEvent;
use serde::Serialize;

use crate::domain::Patient;

pub const SOURCE: &str = "patients";
pub const CREATED: &str = "pms.patient.created.v1";
pub const UPDATED: &str = "pms.patient.updated.v1";
pub const ARCHIVED: &str = "pms.patient.archived.v1";

/// The patient as consumers see it, in the API's field names.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PatientData<'a> {
    id: String,
    name: &'a str,
    email: &'a str,
    phone: &'a str,
    registration_date: String,
    date_of_birth: Option<String>,
    address: Option<&'a str>,
    archived: bool,
}

/// An event of `event_type` carrying the patient after the change and the changed fields.
pub fn patient_event(event_type: &str, patient: &Patient, changed: &[&str]) -> CloudEvent {
    let data = PatientData {
        id: patient.id.to_string(),
        name: &patient.name,
        email: &patient.email,
        phone: &patient.phone,
        registration_date: patient.registration_date.to_string(),
        date_of_birth: patient.date_of_birth.map(|date| date.to_string()),
        address: patient.address.as_deref(),
        archived: patient.archived_at.is_some(),
    };
    CloudEvent::new(
        SOURCE,
        event_type,
        patient.id,
        serde_json::json!({ "patient": data, "changed": changed }),
    )
}
