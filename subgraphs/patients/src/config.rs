//! The patients service's settings, read once from the environment.

use kit::settings::ServiceSettings;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `PATIENTS_DATABASE_URL` (required), `PATIENTS_DB_MAX_CONNECTIONS` (10),
    /// `PATIENTS_TOPIC` (`patient-events`), `PORT` (8080) and the shared Kafka settings.
    pub service: ServiceSettings,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            service: ServiceSettings::from_env("PATIENTS", 8080, "patient-events")?,
        })
    }
}

impl From<ServiceSettings> for Settings {
    fn from(service: ServiceSettings) -> Self {
        Self { service }
    }
}
