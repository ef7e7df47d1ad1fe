//! The analytics service's settings, read once from the environment.

use kit::settings::{HttpSettings, KafkaSettings, Secret, clinic_timezone, env_or, env_parse};

use crate::domain::Reading;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `PORT` (default 8082), `HOST`.
    pub http: HttpSettings,
    pub kafka: KafkaSettings,
    /// `ANALYTICS_MONGO_URL` (default `mongodb://127.0.0.1:27017`).
    pub mongo_url: Secret,
    /// `ANALYTICS_DATABASE` (default `analytics`).
    pub database: String,
    /// `PATIENTS_TOPIC`, `DOCTORS_TOPIC`, `APPOINTMENTS_TOPIC`, `BILLING_TOPIC`: the four
    /// topics consumed (defaults `patient-events`, ...).
    pub topics: Vec<String>,
    /// `AUDIT_TOPIC` (default `audit-records`): the audit trail's records, kept in a group
    /// of their own (`<ANALYTICS_CONSUMER_GROUP>-audit`).
    pub audit_topic: String,
    /// `ANALYTICS_CONSUMER_GROUP` (default `analytics`).
    pub consumer_group: String,
    /// `ANALYTICS_CONSUMERS`: consumers this instance runs in the group (default 1).
    pub consumers: usize,
    /// `ANALYTICS_BATCH_SIZE`: most events applied in one batch (default 10000): the
    /// events already received are taken together, so a backlog is applied with one update
    /// per day per batch. Memory grows with it (a year's backlog: 116 MB at 10,000, 139 MB
    /// at 20,000), and so does the pace of a backlog spread over many days (5,200 and
    /// 7,500 events/s; `scripts/bench-analytics.sh`).
    pub batch_size: usize,
    /// `ANALYTICS_BATCH_LINGER_MS`: how long a batch waits for more events after its first
    /// (default 200): statistics lag events by about this much, and a backlog forms full
    /// batches.
    pub batch_linger_ms: u64,
    /// `CLINIC_TIMEZONE` (IANA, default `UTC`): the zone of dates, and of the instants
    /// (bill creation and payment) counted on dates. `BILLING_CURRENCY` (default `EUR`):
    /// the currency of the figures; a bill in another one is dead-lettered.
    pub reading: Reading,
    /// `ANALYTICS_WORKDAY_MINUTES` (default 480): the measure of utilisation for a doctor
    /// whose working hours analytics has not seen, per Monday-to-Friday day.
    pub workday_minutes: i64,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            http: HttpSettings::from_env(8082)?,
            kafka: KafkaSettings::from_env()?,
            mongo_url: Secret::new(env_or("ANALYTICS_MONGO_URL", "mongodb://127.0.0.1:27017")),
            database: env_or("ANALYTICS_DATABASE", "analytics"),
            topics: vec![
                env_or("PATIENTS_TOPIC", "patient-events"),
                env_or("DOCTORS_TOPIC", "doctor-events"),
                env_or("APPOINTMENTS_TOPIC", "appointment-events"),
                env_or("BILLING_TOPIC", "billing-events"),
            ],
            audit_topic: env_or("AUDIT_TOPIC", kit::outbox::DEFAULT_AUDIT_TOPIC),
            consumer_group: env_or("ANALYTICS_CONSUMER_GROUP", "analytics"),
            consumers: env_parse("ANALYTICS_CONSUMERS", 1)?.max(1),
            batch_size: env_parse("ANALYTICS_BATCH_SIZE", 10_000)?.max(1),
            batch_linger_ms: env_parse("ANALYTICS_BATCH_LINGER_MS", 200)?,
            reading: Reading {
                zone: clinic_timezone()?,
                currency: env_or("BILLING_CURRENCY", "EUR"),
            },
            workday_minutes: env_parse("ANALYTICS_WORKDAY_MINUTES", 480)?.max(1),
        })
    }
}
