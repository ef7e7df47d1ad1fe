//! The billing service's settings, read once from the environment.

use kit::settings::{ServiceSettings, env_or, env_parse};

use crate::domain::PriceList;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `BILLING_DATABASE_URL` (required),
    /// `BILLING_DB_MAX_CONNECTIONS` (10), `BILLING_TOPIC` (`billing-events`), `PORT` (8081)
    /// and the shared Kafka settings.
    pub service: ServiceSettings,
    /// `APPOINTMENTS_TOPIC`: where appointment events come from (`appointment-events`).
    pub appointments_topic: String,
    /// `BILLING_CONSUMER_GROUP`: the consumer group (`billing`).
    pub consumer_group: String,
    /// `BILLING_CONSUMERS`: consumers this instance runs in that group (default 3, one per
    /// partition of a default topic); partitions are applied in parallel, each in order.
    pub consumers: usize,
    /// `BILLING_CURRENCY` (default `EUR`) and `BILLING_PRICES` (`SERVICE=amount,...` over
    /// the defaults in `domain::prices`).
    pub prices: PriceList,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        let prices = PriceList::parse(
            &env_or("BILLING_CURRENCY", "EUR"),
            &env_or("BILLING_PRICES", ""),
        )
        .map_err(|error| anyhow::anyhow!("BILLING_CURRENCY / BILLING_PRICES: {error}"))?;
        Ok(Self {
            service: ServiceSettings::from_env("BILLING", 8081, "billing-events")?,
            appointments_topic: env_or("APPOINTMENTS_TOPIC", "appointment-events"),
            consumer_group: env_or("BILLING_CONSUMER_GROUP", "billing"),
            consumers: env_parse("BILLING_CONSUMERS", 3)?.max(1),
            prices,
        })
    }
}
