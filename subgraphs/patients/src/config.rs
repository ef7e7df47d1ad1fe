//! The patients service's settings, read once from the environment.

use kit::settings::{HttpSettings, KafkaSettings, Secret, env_or, env_parse};

#[derive(Debug, Clone)]
pub struct Settings {
    pub http: HttpSettings,
    /// `PATIENTS_DATABASE_URL`, e.g. `mysql://pms:pms@127.0.0.1:3306/patients`.
    pub database_url: Secret,
    /// `PATIENTS_DB_MAX_CONNECTIONS`: pool size (default 10).
    pub db_max_connections: u32,
    pub kafka: KafkaSettings,
    /// `PATIENTS_TOPIC`: where patient events go (default `patient-events`).
    pub topic: String,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            http: HttpSettings::from_env(8080)?,
            database_url: Secret::new(env_or(
                "PATIENTS_DATABASE_URL",
                "mysql://pms:pms@127.0.0.1:3306/patients",
            )),
            db_max_connections: env_parse("PATIENTS_DB_MAX_CONNECTIONS", 10)?,
            kafka: KafkaSettings::from_env()?,
            topic: env_or("PATIENTS_TOPIC", "patient-events"),
        })
    }
}
