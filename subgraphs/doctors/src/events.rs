//! The events this service publishes to `doctor-events`.

use kit::events::CloudEvent;
use serde::Serialize;

use crate::domain::Doctor;

pub const SOURCE: &str = "doctors";
pub const CREATED: &str = "pms.doctor.created.v1";
pub const UPDATED: &str = "pms.doctor.updated.v1";
pub const AVAILABILITY_CHANGED: &str = "pms.doctor.availability_changed.v1";
pub const ARCHIVED: &str = "pms.doctor.archived.v1";

/// The doctor as consumers see it, in the API's field names.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DoctorData<'a> {
    id: String,
    name: &'a str,
    specialization: &'static str,
    phone_number: &'a str,
    email: &'a str,
    available: bool,
    gender: &'static str,
    archived: bool,
}

/// An event of `event_type` carrying the doctor after the change and the changed fields.
pub fn doctor_event(event_type: &str, doctor: &Doctor, changed: &[&str]) -> CloudEvent {
    let data = DoctorData {
        id: doctor.id.to_string(),
        name: &doctor.name,
        specialization: doctor.specialization.as_str(),
        phone_number: &doctor.phone_number,
        email: &doctor.email,
        available: doctor.available,
        gender: doctor.gender.as_str(),
        archived: doctor.archived_at.is_some(),
    };
    CloudEvent::new(
        SOURCE,
        event_type,
        doctor.id,
        serde_json::json!({ "doctor": data, "changed": changed }),
    )
}
