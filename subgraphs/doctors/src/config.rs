//! The doctors service's settings, read once from the environment.

/// `DOCTORS_DATABASE_URL` (required),
/// `DOCTORS_DB_MAX_CONNECTIONS` (10), `DOCTORS_TOPIC` (`doctor-events`), `PORT` (8083),
/// and the shared Kafka settings.
pub type Settings = kit::settings::ServiceSettings;

pub fn from_env() -> anyhow::Result<Settings> {
    Settings::from_env("DOCTORS", 8083, "doctor-events")
}
