//! `doctor-events`, published by doctors: the doctor's record and their working hours.

use schedule::wire::{ExceptionData, WeeklyHoursData};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SOURCE: &str = "doctors";
pub const CREATED: &str = "pms.doctor.created.v1";
pub const UPDATED: &str = "pms.doctor.updated.v1";
pub const AVAILABILITY_CHANGED: &str = "pms.doctor.availability_changed.v1";
pub const ARCHIVED: &str = "pms.doctor.archived.v1";
pub const WEEKLY_HOURS_SET: &str = "pms.doctor.weekly_hours_set.v1";
pub const EXCEPTION_ADDED: &str = "pms.doctor.schedule_exception_added.v1";
pub const EXCEPTION_REMOVED: &str = "pms.doctor.schedule_exception_removed.v1";

/// The doctor as consumers see it; `specialization` and `gender` are the API's enum names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Doctor {
    pub id: Uuid,
    pub name: String,
    pub specialization: String,
    pub phone_number: String,
    pub email: String,
    pub available: bool,
    pub gender: String,
    pub archived: bool,
}

/// The data of `created`, `updated`, `availability_changed` and `archived`: the doctor
/// after the change and the names of the fields it touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorChanged {
    pub doctor: Doctor,
    #[serde(default)]
    pub changed: Vec<String>,
}

/// The data of `weekly_hours_set`: the doctor works `intervals` every week from
/// `validFrom` until a later pattern starts (the whole pattern, so a consumer needs nothing
/// else).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyHoursSet {
    pub doctor_id: Uuid,
    #[serde(flatten)]
    pub week: WeeklyHoursData,
}

/// The data of `schedule_exception_added` and `_removed`: time off or extra hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionChanged {
    pub doctor_id: Uuid,
    pub exception: ExceptionData,
}
