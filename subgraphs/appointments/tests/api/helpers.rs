use std::time::Duration;

use appointments::{App, Settings};
use chrono::{Days, Utc};
use kit::testing::{RunningService, TestDatabase, service_settings, unique_topic};
use serde_json::{Value, json};

pub const BOOK: &str = "mutation($input: CreateAppointmentInput!) {
    createAppointment(input: $input) {
        id patientId doctorId date time serviceType durationMinutes startsAt endsAt status notes
    }
}";

/// The three subgraphs a booking involves.
pub struct Clinic {
    pub patients: RunningService<sqlx::MySqlPool>,
    pub doctors: RunningService<sqlx::MySqlPool>,
    pub app: RunningService<sqlx::PgPool>,
    /// The appointments settings, for starting replicas.
    pub settings: Settings,
}

pub async fn clinic() -> Clinic {
    clinic_with(|_| {}).await
}

/// A clinic whose appointments settings `adjust` may change (time zone, upstream URLs).
pub async fn clinic_with(adjust: impl FnOnce(&mut Settings)) -> Clinic {
    let patients_db = TestDatabase::mysql().await;
    let topic = unique_topic("patient-events");
    let built = patients::App::build(service_settings(&patients_db.url, &topic).into())
        .await
        .expect("patients app");
    let patients = RunningService::start(built.service, built.pool, patients_db, topic);

    let doctors_db = TestDatabase::mysql().await;
    let topic = unique_topic("doctor-events");
    let built = doctors::App::build(service_settings(&doctors_db.url, &topic).into())
        .await
        .expect("doctors app");
    let doctors = RunningService::start(built.service, built.pool, doctors_db, topic);

    let db = TestDatabase::postgres().await;
    let topic = unique_topic("appointment-events");
    let mut settings = Settings {
        service: service_settings(&db.url, &topic),
        clinic_timezone: chrono_tz::Tz::UTC,
        patients_url: format!("{}/graphql", patients.base_url),
        doctors_url: format!("{}/graphql", doctors.base_url),
        reference_timeout: Duration::from_secs(2),
    };
    adjust(&mut settings);
    let built = App::build(settings.clone())
        .await
        .expect("appointments app");
    let app = RunningService::start(built.service, built.pool, db, topic);
    Clinic {
        patients,
        doctors,
        app,
        settings,
    }
}

/// `YYYY-MM-DD`, `days` from today (UTC).
pub fn days_ahead(days: u64) -> String {
    (Utc::now().date_naive() + Days::new(days)).to_string()
}

pub fn booking(patient: &str, doctor: &str, date: &str, time: &str, minutes: i32) -> Value {
    json!({ "input": {
        "patientId": patient, "doctorId": doctor, "date": date, "time": time,
        "serviceType": "CONSULTATION", "durationMinutes": minutes,
    }})
}

impl Clinic {
    /// Another appointments instance on the same database and topic.
    pub async fn replica(&self) -> RunningService<sqlx::PgPool> {
        let built = App::build(self.settings.clone())
            .await
            .expect("appointments replica");
        RunningService::start_replica(built.service, built.pool, self.app.topic.clone())
    }

    /// Registers a patient; returns its id.
    pub async fn patient(&self, email: &str) -> String {
        let response = self
            .patients
            .query(
                "mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }",
                json!({ "input": { "name": "Test Patient", "email": email, "phone": "+1 555 010 0000" } }),
            )
            .await;
        response["data"]["createPatient"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("patient created: {response}"))
            .to_owned()
    }

    /// Registers a doctor (`overrides` merged into the input) working around the clock
    /// every day, unless `overrides` gives `weeklyHours`; returns its id.
    pub async fn doctor(&self, email: &str, overrides: Value) -> String {
        let mut input = json!({
            "name": "Dr. Test", "specialization": "CARDIOLOGY", "phoneNumber": "+1 555 020 0000",
            "email": email, "gender": "FEMALE", "weeklyHours": around_the_clock(),
        });
        if let (Some(input), Some(overrides)) = (input.as_object_mut(), overrides.as_object()) {
            input.extend(overrides.clone());
        }
        let response = self
            .doctors
            .query(
                "mutation($input: CreateDoctorInput!) { createDoctor(input: $input) { id } }",
                json!({ "input": input }),
            )
            .await;
        response["data"]["createDoctor"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("doctor created: {response}"))
            .to_owned()
    }

    pub async fn book(
        &self,
        patient: &str,
        doctor: &str,
        date: &str,
        time: &str,
        minutes: i32,
    ) -> Value {
        self.app
            .query(BOOK, booking(patient, doctor, date, time, minutes))
            .await
    }

    /// Books and returns the appointment's id; panics if refused.
    pub async fn booked(
        &self,
        patient: &str,
        doctor: &str,
        date: &str,
        time: &str,
        minutes: i32,
    ) -> String {
        let response = self.book(patient, doctor, date, time, minutes).await;
        response["data"]["createAppointment"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("appointment booked: {response}"))
            .to_owned()
    }

    pub async fn rows(&self) -> (i64, i64) {
        let appointments = sqlx::query_scalar("SELECT COUNT(*) FROM appointments")
            .fetch_one(&self.app.pool)
            .await
            .expect("count");
        let outbox = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE topic = $1")
            .bind(&self.app.topic)
            .fetch_one(&self.app.pool)
            .await
            .expect("count");
        (appointments, outbox)
    }
}

/// A weekly pattern of every day, 00:00-24:00: tests about anything but working hours book
/// at any time.
pub fn around_the_clock() -> Value {
    schedule::wire::WEEKDAY_NAMES
        .iter()
        .map(|day| json!({ "weekday": day, "starts": "00:00", "ends": "24:00" }))
        .collect()
}
