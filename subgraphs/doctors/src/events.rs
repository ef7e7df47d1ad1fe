//! The events this service publishes to `doctor-events`.

use kit::events::CloudEvent;
use schedule::{
    Exception, WeeklyHours,
    wire::{ExceptionData, WeeklyHoursData},
};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::Doctor;

pub const SOURCE: &str = "doctors";
pub const CREATED: &str = "pms.doctor.created.v1";
pub const UPDATED: &str = "pms.doctor.updated.v1";
pub const AVAILABILITY_CHANGED: &str = "pms.doctor.availability_changed.v1";
pub const ARCHIVED: &str = "pms.doctor.archived.v1";
pub const WEEKLY_HOURS_SET: &str = "pms.doctor.weekly_hours_set.v1";
pub const EXCEPTION_ADDED: &str = "pms.doctor.schedule_exception_added.v1";
pub const EXCEPTION_REMOVED: &str = "pms.doctor.schedule_exception_removed.v1";

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

/// `weekly_hours_set`: the doctor works `intervals` every week from `validFrom` until a
/// later pattern starts (the whole pattern, so a consumer needs nothing else).
pub fn weekly_hours_event(doctor_id: Uuid, week: &WeeklyHours) -> CloudEvent {
    let WeeklyHoursData {
        valid_from,
        intervals,
    } = WeeklyHoursData::from(week);
    CloudEvent::new(
        SOURCE,
        WEEKLY_HOURS_SET,
        doctor_id,
        serde_json::json!({
            "doctorId": doctor_id.to_string(),
            "validFrom": valid_from,
            "intervals": intervals,
        }),
    )
}

/// `schedule_exception_added` or `_removed`: time off or extra hours of the doctor.
pub fn exception_event(event_type: &str, doctor_id: Uuid, exception: &Exception) -> CloudEvent {
    CloudEvent::new(
        SOURCE,
        event_type,
        doctor_id,
        serde_json::json!({
            "doctorId": doctor_id.to_string(),
            "exception": ExceptionData::from(exception),
        }),
    )
}
