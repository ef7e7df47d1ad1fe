//! `Appointment`: our appointments, the patient and the doctor as participants.

use serde::Deserialize;
use serde_json::json;

use crate::{
    App,
    dates::DayRange,
    model::{
        Appointment, AppointmentParticipant, CodeableConcept, Meta, Narrative, Reference, Resource,
    },
    outcome::FhirError,
    resources::{StatusFilter, page, record, referenced, status_filter},
    search::{Search, SearchParam},
    supergraph::Caller,
};

/// Our statuses and FHIR's (`http://hl7.org/fhir/appointmentstatus`).
pub const STATUSES: [(&str, &str); 5] = [
    ("SCHEDULED", "booked"),
    ("CHECKED_IN", "checked-in"),
    ("COMPLETED", "fulfilled"),
    ("CANCELLED", "cancelled"),
    ("NO_SHOW", "noshow"),
];

/// FHIR statuses none of our appointments has: searching for them finds nothing.
const UNUSED_STATUSES: [&str; 5] = [
    "proposed",
    "pending",
    "arrived",
    "entered-in-error",
    "waitlist",
];

pub const SEARCH: &[SearchParam] = &[
    SearchParam::id("The appointment's id (searched alone)."),
    SearchParam::new("patient", "reference", "The patient: `Patient/[id]` or the id."),
    SearchParam::new("practitioner", "reference", "The doctor: `Practitioner/[id]` or the id."),
    SearchParam::new("date", "date", "The booked day in the clinic's time zone: YYYY, YYYY-MM or YYYY-MM-DD with eq (default), ge, gt, le or lt; repeat it for a range (every value holds).")
        .repeating(),
    SearchParam::new("status", "token", "booked, checked-in, fulfilled, cancelled or noshow (the README's table)."),
];

pub const FIELDS: &str = "id patientId doctorId date time serviceType durationMinutes startsAt endsAt status notes cancellationReason updatedAt";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentData {
    id: String,
    patient_id: String,
    doctor_id: String,
    date: String,
    time: String,
    service_type: String,
    duration_minutes: u32,
    starts_at: String,
    ends_at: String,
    status: String,
    notes: Option<String>,
    cancellation_reason: Option<String>,
    updated_at: String,
}

/// `CONSULTATION` as `Consultation`, `FOLLOW_UP` as `Follow up`.
pub fn service_name(service_type: &str) -> String {
    let words = service_type.replace('_', " ").to_lowercase();
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub fn to_fhir(appointment: AppointmentData) -> Resource {
    let status = STATUSES
        .iter()
        .find(|(ours, _)| *ours == appointment.status)
        .map_or("booked", |(_, fhir)| fhir);
    let service = service_name(&appointment.service_type);
    let summary = format!(
        "{service} on {} at {} ({} minutes): {status}",
        appointment.date, appointment.time, appointment.duration_minutes
    );
    let comment = match (appointment.notes, appointment.cancellation_reason) {
        (Some(notes), Some(reason)) => Some(format!("{notes}\nCancelled: {reason}")),
        (notes, None) => notes,
        (None, Some(reason)) => Some(format!("Cancelled: {reason}")),
    };
    let participant = |kind: &str, id: &str| AppointmentParticipant {
        actor: Reference::to(kind, id),
        required: "required",
        status: "accepted",
    };
    Resource::Appointment(Appointment {
        meta: Meta {
            last_updated: Some(appointment.updated_at),
        },
        text: Narrative::of(&summary),
        status,
        service_type: vec![CodeableConcept::text(service)],
        start: appointment.starts_at,
        end: appointment.ends_at,
        minutes_duration: appointment.duration_minutes,
        comment,
        participant: vec![
            participant("Patient", &appointment.patient_id),
            participant("Practitioner", &appointment.doctor_id),
        ],
        id: appointment.id,
    })
}

async fn find(app: &App, caller: &Caller, id: &str) -> Result<Option<Resource>, FhirError> {
    let found: Option<AppointmentData> = record(app, caller, "appointment", FIELDS, id).await?;
    Ok(found.map(to_fhir))
}

pub async fn read(app: &App, caller: &Caller, id: &str) -> Result<Resource, FhirError> {
    find(app, caller, id)
        .await?
        .ok_or_else(|| FhirError::not_found("Appointment", id))
}

pub async fn search(app: &App, caller: &Caller, search: &Search) -> Result<Resource, FhirError> {
    if let Some(id) = search.alone_value("_id")? {
        return Ok(super::bundle_of(app, search, find(app, caller, id).await?));
    }
    let patient = referenced(search, "patient", "Patient")?;
    let doctor = referenced(search, "practitioner", "Practitioner")?;
    let mut days = DayRange::default();
    for value in search.values("date") {
        days.narrow(value)
            .map_err(|why| search.refuse("date", why))?;
    }
    let status = match status_filter(search, &STATUSES, &UNUSED_STATUSES)? {
        StatusFilter::Any => None,
        StatusFilter::Only(status) => Some(status),
        StatusFilter::Nothing => return Ok(super::bundle_of(app, search, None)),
    };
    if days.is_empty() {
        return Ok(super::bundle_of(app, search, None));
    }
    let query = format!(
        "query($patient: ID, $doctor: ID, $status: AppointmentStatus, $from: Date, $to: Date, $first: Int, $after: String) {{
            appointments(patientId: $patient, doctorId: $doctor, status: $status, from: $from, to: $to, first: $first, after: $after) {{
                totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {FIELDS} }}
            }}
        }}"
    );
    let variables = json!({
        "patient": patient,
        "doctor": doctor,
        "status": status,
        "from": days.from,
        "to": days.to,
    });
    page(
        app,
        caller,
        search,
        "appointments",
        &query,
        variables,
        |appointment| Ok(to_fhir(appointment)),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_types_read_as_words() {
        assert_eq!(service_name("CONSULTATION"), "Consultation");
        assert_eq!(service_name("FOLLOW_UP"), "Follow up");
        assert_eq!(service_name("LAB_TEST"), "Lab test");
    }
}
