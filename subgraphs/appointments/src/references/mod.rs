//! Asks the patients and doctors subgraphs about the people a booking names, the way a
//! router would: `_entities` over HTTP with the router's credential, both at once,
//! bounded by a timeout. [`schedules`]: doctors' working hours for the free-slot search;
//! [`cache`]: the hours as last fetched, reused while the doctor's `scheduleVersion` stays.

mod cache;
mod schedules;

pub use schedules::Doctors;

use std::{collections::HashMap, sync::Arc, time::Duration};

use chrono::NaiveDate;
use chrono_tz::Tz;
use kit::{
    context::RequestContext,
    trust::{self, Credential},
};
use schedule::{
    Schedule, ScheduleError,
    wire::{ExceptionData, WeeklyHoursData},
};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::{
    domain::{DoctorId, PatientId},
    error::{AppointmentError, Subject},
};

/// What a booking needs to know about its doctor.
#[derive(Debug, Clone)]
pub struct BookableDoctor {
    pub specialization: String,
    /// The doctor's hours, covering the booking's date and the day after (a booking may run
    /// past midnight).
    pub schedule: Arc<Schedule>,
}

/// The working-hours part of a `Doctor.schedule` answer.
pub const SCHEDULE_FIELDS: &str = "weeklyHours { validFrom intervals { weekday starts ends } } \
    exceptions { id kind date starts ends reason }";

/// A `Doctor.schedule` answer, as the doctors subgraph sends it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleData {
    weekly_hours: Vec<WeeklyHoursData>,
    exceptions: Vec<ExceptionData>,
}

impl ScheduleData {
    /// The schedule in `zone`; an error when the doctors subgraph sent hours it would refuse.
    pub fn parse(&self, zone: Tz) -> Result<Schedule, ScheduleError> {
        let weeks = self
            .weekly_hours
            .iter()
            .map(WeeklyHoursData::parse)
            .collect::<Result<_, _>>()?;
        let exceptions = self
            .exceptions
            .iter()
            .map(ExceptionData::parse)
            .collect::<Result<_, _>>()?;
        Ok(Schedule::new(zone, weeks, exceptions))
    }
}

#[derive(Clone, Debug)]
pub struct References {
    http: reqwest::Client,
    /// The clinic's time zone, of the doctors' hours.
    zone: Tz,
    /// The router's credential, which the patients and doctors subgraphs ask for.
    credential: Credential,
    patients_url: String,
    doctors_url: String,
    hours: cache::ScheduleCache,
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
    schedule_version: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DoctorHours {
    id: Uuid,
    schedule_version: i64,
    schedule: ScheduleData,
}

impl References {
    pub fn new(
        patients_url: String,
        doctors_url: String,
        timeout: Duration,
        credential: Credential,
        zone: Tz,
    ) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()?;
        Ok(Self {
            http,
            zone,
            credential,
            patients_url,
            doctors_url,
            hours: cache::ScheduleCache::default(),
        })
    }

    /// Checks both references in parallel: the patient exists and is active, the doctor
    /// exists, is active and takes appointments. Returns what the booking keeps of the doctor
    /// and the doctor's hours on `date` (the booking's, in the clinic's zone) and the next day.
    /// The calls carry the trace and request id of `context`, so the patients' audit trail
    /// ties its record of the check to the booking.
    #[tracing::instrument(skip_all, fields(%patient_id, %doctor_id))]
    pub async fn check(
        &self,
        patient_id: PatientId,
        doctor_id: DoctorId,
        date: NaiveDate,
        context: &RequestContext,
    ) -> Result<BookableDoctor, AppointmentError> {
        let next = date.succ_opt().unwrap_or(date);
        let (patient, doctor) = tokio::join!(
            self.entity::<PatientEntity>(
                (&self.patients_url, "patients", context),
                "Patient",
                patient_id.uuid(),
                "archived"
            ),
            self.entity::<DoctorEntity>(
                (&self.doctors_url, "doctors", context),
                "Doctor",
                doctor_id.uuid(),
                "archived available specialization scheduleVersion"
            ),
        );
        match patient? {
            None => {
                return Err(missing(
                    Subject::Patient,
                    format!("no patient with id {patient_id}"),
                ));
            }
            Some(patient) if patient.archived => {
                return Err(missing(
                    Subject::Patient,
                    format!("patient {patient_id} is archived"),
                ));
            }
            Some(_) => {}
        }
        match doctor? {
            None => Err(missing(
                Subject::Doctor,
                format!("no doctor with id {doctor_id}"),
            )),
            Some(doctor) if doctor.archived => Err(missing(
                Subject::Doctor,
                format!("doctor {doctor_id} is archived"),
            )),
            Some(doctor) if !doctor.available => Err(AppointmentError::DoctorUnavailable {
                doctor_id,
                subject: Subject::Doctor,
                reason: "is not taking appointments".to_owned(),
            }),
            Some(doctor) => {
                let schedule = self
                    .hours(
                        &[(doctor_id.uuid(), doctor.schedule_version)],
                        (date, next),
                        context,
                    )
                    .await?
                    .remove(&doctor_id.uuid())
                    .ok_or_else(|| unavailable("doctors", format!("no hours for {doctor_id}")))?;
                Ok(BookableDoctor {
                    specialization: doctor.specialization,
                    schedule,
                })
            }
        }
    }

    /// The hours over `dates` of each doctor, given with the `scheduleVersion` the doctors
    /// subgraph just answered: from the cache when fetched at that version, the others in
    /// one call (each then remembered with the version answered beside its hours).
    async fn hours(
        &self,
        doctors: &[(Uuid, i64)],
        dates: (NaiveDate, NaiveDate),
        context: &RequestContext,
    ) -> Result<HashMap<Uuid, Arc<Schedule>>, AppointmentError> {
        let mut found = HashMap::with_capacity(doctors.len());
        let mut missing = Vec::new();
        for (doctor, version) in doctors {
            match self.hours.get(*doctor, *version, dates) {
                Some(schedule) => {
                    found.insert(*doctor, schedule);
                }
                None => missing.push(*doctor),
            }
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let (from, to) = cache::window(dates.0, dates.1);
        let fields = format!(
            "id scheduleVersion schedule(from: \"{from}\", to: \"{to}\") {{ {SCHEDULE_FIELDS} }}"
        );
        let fetched: Vec<Option<DoctorHours>> = self
            .entities(
                (&self.doctors_url, "doctors", context),
                "Doctor",
                &missing,
                &fields,
            )
            .await?;
        for doctor in fetched.into_iter().flatten() {
            let schedule = doctor.schedule.parse(self.zone).map_err(|error| {
                unavailable("doctors", format!("hours it should have refused: {error}"))
            })?;
            let schedule = Arc::new(schedule);
            self.hours.put(
                doctor.id,
                doctor.schedule_version,
                (from, to),
                schedule.clone(),
            );
            found.insert(doctor.id, schedule);
        }
        Ok(found)
    }

    async fn entity<T: serde::de::DeserializeOwned>(
        &self,
        at: (&str, &'static str, &RequestContext),
        typename: &str,
        id: Uuid,
        fields: &str,
    ) -> Result<Option<T>, AppointmentError> {
        Ok(self
            .entities(at, typename, &[id], fields)
            .await?
            .into_iter()
            .next()
            .flatten())
    }

    /// `_entities` of `typename` for `ids`, in one request, in order (`None`: unknown).
    async fn entities<T: serde::de::DeserializeOwned>(
        &self,
        (url, service, context): (&str, &'static str, &RequestContext),
        typename: &str,
        ids: &[Uuid],
        fields: &str,
    ) -> Result<Vec<Option<T>>, AppointmentError> {
        let query = format!(
            "query($representations: [_Any!]!) {{ _entities(representations: $representations) {{ ... on {typename} {{ {fields} }} }} }}"
        );
        let representations: Vec<serde_json::Value> = ids
            .iter()
            .map(|id| json!({ "__typename": typename, "id": id }))
            .collect();
        let body = json!({ "query": query, "variables": { "representations": representations } });
        let mut data = self.post((url, service, context), &body).await?;
        serde_json::from_value(data["_entities"].take())
            .map_err(|error| unavailable(service, error.to_string()))
    }

    /// Sends `body` to the subgraph at `url` as the router would, and returns the answer's
    /// `data`; any failure or GraphQL error is `UPSTREAM_UNAVAILABLE` naming `service`.
    async fn post(
        &self,
        (url, service, context): (&str, &'static str, &RequestContext),
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, AppointmentError> {
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
            .json(body)
            .send()
            .await
            .map_err(|error| unavailable(service, error.to_string()))?;
        if !response.status().is_success() {
            return Err(unavailable(service, format!("HTTP {}", response.status())));
        }
        let mut answer: serde_json::Value = response
            .json()
            .await
            .map_err(|error| unavailable(service, error.to_string()))?;
        if let Some(errors) = answer.get("errors").filter(|errors| !errors.is_null()) {
            return Err(unavailable(service, errors.to_string()));
        }
        Ok(answer["data"].take())
    }
}

fn unavailable(service: &'static str, reason: String) -> AppointmentError {
    tracing::warn!(service, reason, "call to another subgraph failed");
    AppointmentError::Upstream(service)
}

fn missing(subject: Subject, message: String) -> AppointmentError {
    AppointmentError::NotFound { subject, message }
}
