//! The doctors service's settings, read once from the environment.

use chrono_tz::Tz;
use kit::settings::{ServiceSettings, clinic_timezone};

#[derive(Debug, Clone)]
pub struct Settings {
    /// `DOCTORS_DATABASE_URL` (required), `DOCTORS_DB_MAX_CONNECTIONS` (10),
    /// `DOCTORS_TOPIC` (`doctor-events`), `PORT` (8083) and the shared Kafka settings.
    pub service: ServiceSettings,
    /// `CLINIC_TIMEZONE` (default `UTC`): the zone of working hours and of "today".
    pub clinic_timezone: Tz,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            service: ServiceSettings::from_env("DOCTORS", 8083, "doctor-events")?,
            clinic_timezone: clinic_timezone()?,
        })
    }
}

/// The service's own settings in the clinic's default zone, UTC.
impl From<ServiceSettings> for Settings {
    fn from(service: ServiceSettings) -> Self {
        Self {
            service,
            clinic_timezone: Tz::UTC,
        }
    }
}
