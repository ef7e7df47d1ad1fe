//! The events this service publishes to `doctor-events`, in the contract's types
//! (`event_contract::doctor`).

use event_contract::doctor::{self as contract, DoctorChanged, ExceptionChanged, WeeklyHoursSet};
pub use event_contract::doctor::{
    ARCHIVED, AVAILABILITY_CHANGED, CREATED, EXCEPTION_ADDED, EXCEPTION_REMOVED, UPDATED,
    WEEKLY_HOURS_SET,
};
use kit::events::CloudEvent;
use schedule::{Exception, WeeklyHours};
use uuid::Uuid;

use crate::domain::Doctor;

/// An event of `event_type` carrying the doctor after the change and the changed fields.
pub fn doctor_event(event_type: &str, doctor: &Doctor, changed: &[&str]) -> CloudEvent {
    let data = DoctorChanged {
        doctor: contract::Doctor {
            id: doctor.id,
            name: doctor.name.clone(),
            specialization: doctor.specialization.as_str().to_owned(),
            phone_number: doctor.phone_number.clone(),
            email: doctor.email.clone(),
            available: doctor.available,
            gender: doctor.gender.as_str().to_owned(),
            archived: doctor.archived_at.is_some(),
        },
        changed: changed.iter().map(|&field| field.to_owned()).collect(),
    };
    CloudEvent::with_data(contract::SOURCE, event_type, doctor.id, &data)
}

/// `weekly_hours_set`: the doctor's whole weekly pattern from its `validFrom`.
pub fn weekly_hours_event(doctor_id: Uuid, week: &WeeklyHours) -> CloudEvent {
    let data = WeeklyHoursSet {
        doctor_id,
        week: week.into(),
    };
    CloudEvent::with_data(contract::SOURCE, WEEKLY_HOURS_SET, doctor_id, &data)
}

/// `schedule_exception_added` or `_removed`: time off or extra hours of the doctor.
pub fn exception_event(event_type: &str, doctor_id: Uuid, exception: &Exception) -> CloudEvent {
    let data = ExceptionChanged {
        doctor_id,
        exception: exception.into(),
    };
    CloudEvent::with_data(contract::SOURCE, event_type, doctor_id, &data)
}
