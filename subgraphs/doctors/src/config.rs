//! The doctors service's settings, read once from the environment.

use kit::settings::{HttpSettings, KafkaSettings, Secret, env_or, env_parse};

#[derive(Debug, Clone)]
pub struct Settings {
    pub http: HttpSettings,
    /// `DOCTORS_DATABASE_URL`, e.g. `mysql://pms:pms@127.0.0.1:3306/doctors`.
    pub database_url: Secret,
    /// `DOCTORS_DB_MAX_CONNECTIONS`: pool size (default 10).
    pub db_max_connections: u32,
    pub kafka: KafkaSettings,
    /// `DOCTORS_TOPIC`: where doctor events go (default `doctor-events`).
    pub topic: String,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            http: HttpSettings::from_env(8083)?,
            database_url: Secret::new(env_or(
                "DOCTORS_DATABASE_URL",
                "mysql://pms:pms@127.0.0.1:3306/doctors",
            )),
            db_max_connections: env_parse("DOCTORS_DB_MAX_CONNECTIONS", 10)?,
            kafka: KafkaSettings::from_env()?,
            topic: env_or("DOCTORS_TOPIC", "doctor-events"),
        })
    }
}
