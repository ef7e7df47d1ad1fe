//! The patients service's settings, read once from the environment.

/// `PATIENTS_DATABASE_URL` (required),
/// `PATIENTS_DB_MAX_CONNECTIONS` (10), `PATIENTS_TOPIC` (`patient-events`), `PORT` (8080),
/// and the shared Kafka settings.
pub type Settings = kit::settings::ServiceSettings;

pub fn from_env() -> anyhow::Result<Settings> {
    Settings::from_env("PATIENTS", 8080, "patient-events")
}
