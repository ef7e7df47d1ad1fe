//! The appointments service's settings, read once from the environment.

use std::time::Duration;

use chrono_tz::Tz;
use kit::settings::{ServiceSettings, clinic_timezone, env_or, env_parse};

#[derive(Debug, Clone)]
pub struct Settings {
    /// `APPOINTMENTS_DATABASE_URL` (required),
    /// `APPOINTMENTS_DB_MAX_CONNECTIONS` (10), `APPOINTMENTS_TOPIC` (`appointment-events`),
    /// `PORT` (8084) and the shared Kafka settings.
    pub service: ServiceSettings,
    /// `CLINIC_TIMEZONE`: IANA zone in which booked dates and times are read (default `UTC`).
    pub clinic_timezone: Tz,
    /// `PATIENTS_URL`: the patients subgraph's GraphQL endpoint.
    pub patients_url: String,
    /// `DOCTORS_URL`: the doctors subgraph's GraphQL endpoint.
    pub doctors_url: String,
    /// `REFERENCE_TIMEOUT_MS`: how long a booking waits for patients and doctors (default 2000).
    pub reference_timeout: Duration,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            service: ServiceSettings::from_env("APPOINTMENTS", 8084, "appointment-events")?,
            clinic_timezone: clinic_timezone()?,
            patients_url: env_or("PATIENTS_URL", "http://127.0.0.1:8080/graphql"),
            doctors_url: env_or("DOCTORS_URL", "http://127.0.0.1:8083/graphql"),
            reference_timeout: Duration::from_millis(env_parse("REFERENCE_TIMEOUT_MS", 2_000)?),
        })
    }
}
