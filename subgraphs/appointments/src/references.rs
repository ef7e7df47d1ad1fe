//! Asks the patients and doctors subgraphs about the people a booking names, the way a
//! router would: `_entities` over HTTP with the router's credential, both at once,
//! bounded by a timeout.

use std::time::Duration;

use kit::{
    context::RequestContext,
    trust::{self, Credential},
};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::error::AppointmentError;

/// What a booking needs to know about its doctor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookableDoctor {
    pub specialization: String,
}

#[derive(Clone, Debug)]
pub struct References {
    http: reqwest::Client,
    /// The router's credential, which the patients and doctors subgraphs ask for.
    credential: Credential,
    patients_url: String,
    doctors_url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatientEntity {
    archived: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DoctorEntity {
    archived: bool,
    available: bool,
    specialization: String,
}

impl References {
    pub fn new(
        patients_url: String,
        doctors_url: String,
        timeout: Duration,
        credential: Credential,
    ) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()?;
        Ok(Self {
            http,
            credential,
            patients_url,
            doctors_url,
        })
    }

    /// Checks both references in parallel: the patient exists and is active, the doctor
    /// exists, is active and takes appointments. Returns what the booking keeps of the doctor.
    /// The calls carry the trace and request id of `context`, so the patients' audit trail
    /// ties its record of the check to the booking.
    #[tracing::instrument(skip_all, fields(%patient_id, %doctor_id))]
    pub async fn check(
        &self,
        patient_id: Uuid,
        doctor_id: Uuid,
        context: &RequestContext,
    ) -> Result<BookableDoctor, AppointmentError> {
        let (patient, doctor) = tokio::join!(
            self.entity::<PatientEntity>(
                (&self.patients_url, "patients", context),
                "Patient",
                patient_id,
                "archived"
            ),
            self.entity::<DoctorEntity>(
                (&self.doctors_url, "doctors", context),
                "Doctor",
                doctor_id,
                "archived available specialization"
            ),
        );
        match patient? {
            None => {
                return Err(missing(
                    "input.patientId",
                    format!("no patient with id {patient_id}"),
                ));
            }
            Some(patient) if patient.archived => {
                return Err(missing(
                    "input.patientId",
                    format!("patient {patient_id} is archived"),
                ));
            }
            Some(_) => {}
        }
        match doctor? {
            None => Err(missing(
                "input.doctorId",
                format!("no doctor with id {doctor_id}"),
            )),
            Some(doctor) if doctor.archived => Err(missing(
                "input.doctorId",
                format!("doctor {doctor_id} is archived"),
            )),
            Some(doctor) if !doctor.available => Err(AppointmentError::DoctorUnavailable {
                doctor_id,
                field: "input.doctorId",
            }),
            Some(doctor) => Ok(BookableDoctor {
                specialization: doctor.specialization,
            }),
        }
    }

    async fn entity<T: serde::de::DeserializeOwned>(
        &self,
        (url, service, context): (&str, &'static str, &RequestContext),
        typename: &str,
        id: Uuid,
        fields: &str,
    ) -> Result<Option<T>, AppointmentError> {
        let query = format!(
            "query($representations: [_Any!]!) {{ _entities(representations: $representations) {{ ... on {typename} {{ {fields} }} }} }}"
        );
        let body = json!({
            "query": query,
            "variables": { "representations": [{ "__typename": typename, "id": id }] },
        });
        let unavailable = |reason: String| {
            tracing::warn!(service, reason, "reference check failed");
            AppointmentError::Upstream(service)
        };
        let mut request = self
            .http
            .post(url)
            .header(trust::CALLER_HEADER, "appointments")
            .header("x-request-id", &context.request_id);
        if let Some(traceparent) = &context.traceparent {
            request = request.header("traceparent", traceparent);
        }
        if let Some((name, secret)) = self.credential.outgoing() {
            request = request.header(name, secret);
        }
        let response = request
            .json(&body)
            .send()
            .await
            .map_err(|error| unavailable(error.to_string()))?;
        if !response.status().is_success() {
            return Err(unavailable(format!("HTTP {}", response.status())));
        }
        let mut answer: serde_json::Value = response
            .json()
            .await
            .map_err(|error| unavailable(error.to_string()))?;
        if let Some(errors) = answer.get("errors").filter(|errors| !errors.is_null()) {
            return Err(unavailable(errors.to_string()));
        }
        let entity = answer["data"]["_entities"][0].take();
        if entity.is_null() {
            return Ok(None);
        }
        serde_json::from_value(entity)
            .map(Some)
            .map_err(|error| unavailable(error.to_string()))
    }
}

fn missing(field: &'static str, message: String) -> AppointmentError {
    AppointmentError::NotFound { field, message }
}
