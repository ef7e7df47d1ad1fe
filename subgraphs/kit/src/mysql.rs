//! What every MySQL/MariaDB-backed service shares: settings, pool, migrations, outbox,
//! readiness probe, and binding it all into a [`Service`].

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use sqlx::{
    MySqlPool,
    mysql::{MySqlConnectOptions, MySqlPoolOptions},
};

use rdkafka::producer::FutureProducer;
use sqlx::migrate::Migrator;

use crate::{
    app::Service,
    outbox::{Outbox, Relay, mysql::MySqlOutbox},
    server::Probe,
    settings::{HttpSettings, KafkaSettings, Secret, env_or, env_parse},
};

/// Connects a pool; `what` names the database in error messages (never the URL itself).
pub async fn connect(url: &Secret, max_connections: u32, what: &str) -> anyhow::Result<MySqlPool> {
    let options: MySqlConnectOptions = url
        .expose()
        .parse()
        .with_context(|| format!("the {what} database URL is not a valid MySQL URL"))?;
    MySqlPoolOptions::new()
        .max_connections(max_connections)
        // A request waits at most this long for a connection, so a database outage turns
        // into prompt errors rather than piled-up requests.
        .acquire_timeout(Duration::from_secs(3))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot connect to the {what} database"))
}

/// `/ready` check: the database answers a query.
pub fn probe(pool: &MySqlPool) -> Probe {
    let pool = pool.clone();
    Arc::new(move || {
        let pool = pool.clone();
        Box::pin(async move {
            sqlx::query("SELECT 1")
                .execute(&pool)
                .await
                .map(drop)
                .map_err(|_| "database unreachable".to_owned())
        })
    })
}

/// Escapes `LIKE` wildcards so a search for `50%` matches the text literally.
pub fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Settings every MySQL-backed service reads, under its own prefix (`PATIENTS_...`).
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
}

impl ServiceSettings {
    /// Reads `<prefix>_DATABASE_URL` (default `mysql://pms:pms@127.0.0.1:3306/<database>`),
    /// `<prefix>_DB_MAX_CONNECTIONS`, `<prefix>_TOPIC` (default `topic`), `PORT` (default
    /// `port`) and the shared Kafka settings.
    pub fn from_env(prefix: &str, port: u16, database: &str, topic: &str) -> anyhow::Result<Self> {
        Ok(Self {
            http: HttpSettings::from_env(port)?,
            database_url: Secret::new(env_or(
                &format!("{prefix}_DATABASE_URL"),
                &format!("mysql://pms:pms@127.0.0.1:3306/{database}"),
            )),
            db_max_connections: env_parse(&format!("{prefix}_DB_MAX_CONNECTIONS"), 10)?,
            kafka: KafkaSettings::from_env()?,
            topic: env_or(&format!("{prefix}_TOPIC"), topic),
        })
    }
}

/// What a MySQL-backed service runs on: its migrated pool, its outbox and the producer the
/// outbox relay publishes with.
pub struct Infra {
    pub pool: MySqlPool,
    pub outbox: Outbox,
    producer: FutureProducer,
    sweep: Duration,
}

impl Infra {
    /// Connects, applies the service's migrations and creates the outbox table.
    pub async fn connect(
        name: &str,
        settings: &ServiceSettings,
        migrator: &Migrator,
    ) -> anyhow::Result<Self> {
        let pool = connect(&settings.database_url, settings.db_max_connections, name).await?;
        migrator
            .run(&pool)
            .await
            .with_context(|| format!("cannot migrate the {name} database"))?;
        crate::outbox::mysql::ensure_schema(&pool)
            .await
            .context("cannot create the outbox table")?;
        Ok(Self {
            pool,
            outbox: Outbox::new(settings.topic.clone()),
            producer: crate::kafka::idempotent_producer(&settings.kafka)?,
            sweep: Duration::from_millis(settings.kafka.sweep_interval_ms),
        })
    }

    /// Binds the HTTP server for `schema`, with readiness probes for the database and Kafka,
    /// and the outbox relay.
    pub async fn serve<Q, M, S>(
        self,
        name: &'static str,
        http: &HttpSettings,
        schema: async_graphql::Schema<Q, M, S>,
    ) -> anyhow::Result<Service<MySqlOutbox>>
    where
        Q: async_graphql::ObjectType + 'static,
        M: async_graphql::ObjectType + 'static,
        S: async_graphql::SubscriptionType + 'static,
    {
        let probes = vec![
            ("database", probe(&self.pool)),
            ("kafka", crate::kafka::probe(&self.producer)),
        ];
        let relay = Relay::new(
            MySqlOutbox(self.pool),
            self.producer,
            &self.outbox,
            self.sweep,
        );
        Service::bind(name, http, crate::server::router(schema, probes), relay).await
    }
}
