//! `patient-events`, published by patients.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SOURCE: &str = "patients";
pub const CREATED: &str = "pms.patient.created.v1";
pub const UPDATED: &str = "pms.patient.updated.v1";
pub const ARCHIVED: &str = "pms.patient.archived.v1";

/// The patient as consumers see it: no contact details, date of birth or address
/// (protected health information no consumer needs). A consumer that needs them asks the
/// patients subgraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    pub id: Uuid,
    pub name: String,
    pub registration_date: NaiveDate,
    pub archived: bool,
}

/// The data of every patient event: the patient after the change and the fields it
/// touched (their names, never their values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientChanged {
    pub patient: Patient,
    #[serde(default)]
    pub changed: Vec<String>,
}
