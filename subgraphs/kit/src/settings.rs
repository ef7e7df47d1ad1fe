//! Configuration from environment variables (12-factor), with defaults that work locally.

use std::{fmt, str::FromStr, sync::Arc, time::Duration};

use anyhow::Context as _;

use crate::{tokens::TokenVerifier, trust::Credential, watchdog::WatchdogSettings};

/// Reads `name` from the environment, falling back to `default` when unset or empty.
pub fn env_or(name: &str, default: &str) -> String {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => value,
        _ => default.to_owned(),
    }
}

/// Reads `name`, which has no default (`what` says what it is): unset or empty is an error
/// naming it, so a deployment never runs on a default credential by accident.
pub fn env_required(name: &str, what: &str) -> anyhow::Result<String> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value),
        _ => anyhow::bail!(
            "environment variable {name} is not set: {what} (scripts/dev.sh sets the local development one)"
        ),
    }
}

/// Reads and parses `name`, falling back to `default`; a value that does not parse is an error
/// naming the variable, so a typo in deployment fails at start rather than silently.
pub fn env_parse<T>(name: &str, default: T) -> anyhow::Result<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => value
            .trim()
            .parse()
            .with_context(|| format!("environment variable {name}={value:?} is not valid")),
        _ => Ok(default),
    }
}

/// `CLINIC_TIMEZONE` (IANA, default `UTC`): the zone of the clinic's dates and wall-clock
/// times. Every service that reads dates or times must be given the same one.
pub fn clinic_timezone() -> anyhow::Result<chrono_tz::Tz> {
    let zone = env_or("CLINIC_TIMEZONE", "UTC");
    zone.parse()
        .map_err(|_| anyhow::anyhow!("{zone:?} is not an IANA time zone"))
        .context("CLINIC_TIMEZONE is not valid")
}

/// A value that must never be printed: connection strings with passwords, tokens.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that needs it (a driver's connect call).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// `REQUEST_TIMEOUT_MS` when unset.
const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 8_000;
/// `MAX_REQUEST_BODY_BYTES` when unset (256 KiB).
const DEFAULT_MAX_BODY_BYTES: usize = 256 * 1024;

/// Where the HTTP server listens, and what the deployment lets one request do.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Interface to bind, `HOST` (default `127.0.0.1`: only the router on this machine).
    pub host: String,
    /// TCP port, `PORT`; 0 picks a free port (tests).
    pub port: u16,
    /// `GRAPHQL_INTROSPECTION` (default false): answer introspection and serve GraphiQL.
    pub introspection: bool,
    /// `REQUEST_TIMEOUT_MS` (default 8000): a request still running after this long is
    /// stopped and answered with `LIMIT_EXCEEDED`.
    pub request_timeout: Duration,
    /// `MAX_REQUEST_BODY_BYTES` (default 262144, 256 KiB): larger bodies are refused with 413.
    pub max_body_bytes: usize,
    /// `SUBGRAPH_SECRET`: what the router and the other subgraphs present ([`crate::trust`]).
    pub credential: Credential,
    /// `JWKS_FILE` or `JWKS_URL`: how forwarded tokens are verified ([`crate::tokens`]);
    /// without, a token is not read and every caller is [`crate::context::Caller::Internal`].
    pub tokens: Option<Arc<TokenVerifier>>,
}

impl HttpSettings {
    pub fn from_env(default_port: u16) -> anyhow::Result<Self> {
        let host = env_or("HOST", "127.0.0.1");
        let credential = match std::env::var("SUBGRAPH_SECRET") {
            Ok(secret) if !secret.trim().is_empty() => Credential::required(Secret::new(secret)),
            _ if is_loopback(&host) => Credential::open(),
            _ => anyhow::bail!(
                "HOST={host} lets other machines reach this subgraph: set SUBGRAPH_SECRET to the router's credential (the router sends it to every subgraph), or listen on loopback"
            ),
        };
        let tokens = TokenVerifier::from_env()?.map(Arc::new);
        if tokens.is_none() && !is_loopback(&host) {
            anyhow::bail!(
                "HOST={host}: a subgraph beyond loopback verifies its callers' tokens: set JWKS_FILE or JWKS_URL as the router's"
            );
        }
        Ok(Self {
            host,
            credential,
            tokens,
            port: env_parse("PORT", default_port)?,
            introspection: env_parse("GRAPHQL_INTROSPECTION", false)?,
            request_timeout: Duration::from_millis(env_parse(
                "REQUEST_TIMEOUT_MS",
                DEFAULT_REQUEST_TIMEOUT_MS,
            )?),
            max_body_bytes: env_parse("MAX_REQUEST_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)?,
        })
    }

    /// Loopback on a free port, with the default limits and introspection off (tests).
    pub fn loopback() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 0,
            introspection: false,
            request_timeout: Duration::from_millis(DEFAULT_REQUEST_TIMEOUT_MS),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            credential: Credential::open(),
            tokens: None,
        }
    }
}

/// Whether `host` is a loopback interface, which only this machine reaches.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

/// How to reach Kafka and how the outbox relay behaves.
#[derive(Debug, Clone)]
pub struct KafkaSettings {
    /// Comma-separated `host:port` list, `KAFKA_BROKERS` (default `127.0.0.1:9092`).
    pub brokers: String,
    /// How often the relay sweeps the outbox even without a wake-up, `OUTBOX_SWEEP_MS` (ms).
    pub sweep_interval_ms: u64,
    /// librdkafka debug contexts for every client, `KAFKA_DEBUG` (e.g. `cgrp,broker,topic`;
    /// unset: none). Logged at debug level under the `librdkafka` target.
    pub debug: Option<String>,
    /// When a stuck client is rebuilt and when the process gives up (`KAFKA_STALL_SECONDS`,
    /// `KAFKA_STALL_GRACE_SECONDS`).
    pub watchdog: WatchdogSettings,
}

impl KafkaSettings {
    /// `brokers` with every other setting at its default.
    pub fn new(brokers: String) -> Self {
        Self {
            brokers,
            sweep_interval_ms: 1_000,
            debug: None,
            watchdog: WatchdogSettings::default(),
        }
    }

    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            brokers: env_or("KAFKA_BROKERS", "127.0.0.1:9092"),
            sweep_interval_ms: env_parse("OUTBOX_SWEEP_MS", 1_000)?,
            debug: Some(env_or("KAFKA_DEBUG", "")).filter(|contexts| !contexts.is_empty()),
            watchdog: WatchdogSettings::from_env()?,
        })
    }
}

/// Settings every database-backed service reads, under its own prefix (`PATIENTS_...`).
#[derive(Debug, Clone)]
pub struct ServiceSettings {
    pub http: HttpSettings,
    /// `<PREFIX>_DATABASE_URL`.
    pub database_url: Secret,
    /// `<PREFIX>_DB_MAX_CONNECTIONS`: pool size (default 10).
    pub db_max_connections: u32,
    pub kafka: KafkaSettings,
    /// `<PREFIX>_TOPIC`: where the service's events go.
    pub topic: String,
    /// `AUDIT_TOPIC` (default `audit-records`): where the audit trail's records go.
    pub audit_topic: String,
    /// `PMS_AUDIT_READS` (`on`, the default, or `off`): whether reads are recorded; `off`
    /// exists to measure what recording costs, and is refused with
    /// `PMS_ENVIRONMENT=production`.
    pub audit_reads: bool,
    /// `OUTBOX_RETENTION_HOURS`: how long published outbox rows are kept (default 168, a
    /// week); 0 keeps them forever.
    pub outbox_retention_hours: u64,
}

impl ServiceSettings {
    /// Reads `<prefix>_DATABASE_URL` (required: credentials are never compiled in),
    /// `<prefix>_DB_MAX_CONNECTIONS`,
    /// `<prefix>_TOPIC` (default `topic`), `AUDIT_TOPIC`, `PORT` (default `port`) and the
    /// shared Kafka settings.
    pub fn from_env(prefix: &str, port: u16, topic: &str) -> anyhow::Result<Self> {
        Ok(Self {
            http: HttpSettings::from_env(port)?,
            database_url: Secret::new(env_required(
                &format!("{prefix}_DATABASE_URL"),
                "the service's database URL, with its credentials",
            )?),
            db_max_connections: env_parse(&format!("{prefix}_DB_MAX_CONNECTIONS"), 10)?,
            kafka: KafkaSettings::from_env()?,
            topic: env_or(&format!("{prefix}_TOPIC"), topic),
            audit_topic: env_or("AUDIT_TOPIC", crate::outbox::DEFAULT_AUDIT_TOPIC),
            audit_reads: audit_reads()?,
            outbox_retention_hours: env_parse("OUTBOX_RETENTION_HOURS", 168)?,
        })
    }
}

/// `PMS_AUDIT_READS`, checked against `PMS_ENVIRONMENT`.
fn audit_reads() -> anyhow::Result<bool> {
    let reads = match env_or("PMS_AUDIT_READS", "on").as_str() {
        "on" => true,
        "off" => false,
        other => anyhow::bail!("PMS_AUDIT_READS is `on` or `off`, not {other:?}"),
    };
    if !reads && env_or("PMS_ENVIRONMENT", "development") == "production" {
        anyhow::bail!(
            "PMS_AUDIT_READS=off is for measuring what the audit trail costs; a production deployment (PMS_ENVIRONMENT=production) records every read"
        );
    }
    if !reads {
        tracing::warn!("PMS_AUDIT_READS=off: reads of patient data are NOT on the audit trail");
    }
    Ok(reads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints_its_value() {
        let secret = Secret::new("mysql://pms:hunter2@db/patients");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(secret.expose(), "mysql://pms:hunter2@db/patients");
    }
}
