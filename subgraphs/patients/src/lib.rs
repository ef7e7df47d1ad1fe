//! The patients subgraph: owns `Patient` in its own MySQL/MariaDB database and publishes
//! `patient-events` through the transactional outbox.
//!
//! - [`domain`]: patient rules (names, emails, phones, updates), no I/O.
//! - [`store`]: SQL. [`service`]: use cases, one transaction each with its event.
//! - [`graphql`]: queries, mutations, batched entity resolution. [`events`]: event shapes.

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod service;
pub mod store;

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use kit::{
    outbox::{Outbox, Relay, mysql::MySqlOutbox},
    server::Probe,
};
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use config::Settings;

use crate::{service::PatientService, store::PatientStore};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// A built service: database migrated, listener bound, ready to run.
pub struct App {
    listener: TcpListener,
    router: axum::Router,
    relay: Relay<MySqlOutbox>,
    pool: sqlx::MySqlPool,
}

impl App {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let options: MySqlConnectOptions = settings
            .database_url
            .expose()
            .parse()
            .context("PATIENTS_DATABASE_URL is not a valid MySQL URL")?;
        let pool = MySqlPoolOptions::new()
            .max_connections(settings.db_max_connections)
            .acquire_timeout(Duration::from_secs(3))
            .connect_with(options)
            .await
            .context("cannot connect to the patients database")?;
        MIGRATOR
            .run(&pool)
            .await
            .context("cannot migrate the patients database")?;
        kit::outbox::mysql::ensure_schema(&pool)
            .await
            .context("cannot create the outbox table")?;

        let producer = kit::kafka::idempotent_producer(&settings.kafka)?;
        let outbox = Outbox::new(settings.topic.clone());
        let relay = Relay::new(
            MySqlOutbox(pool.clone()),
            producer.clone(),
            &outbox,
            Duration::from_millis(settings.kafka.sweep_interval_ms),
        );
        let service = PatientService::new(PatientStore::new(pool.clone()), outbox);
        let router = kit::server::router(graphql::schema(Some(service)), probes(&pool, producer));

        let address = format!("{}:{}", settings.http.host, settings.http.port);
        let listener = TcpListener::bind(&address)
            .await
            .with_context(|| format!("cannot listen on {address}"))?;
        Ok(Self {
            listener,
            router,
            relay,
            pool,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|address| address.port())
            .unwrap_or(0)
    }

    /// The service's pool (tests inspect rows through it).
    pub fn pool(&self) -> &sqlx::MySqlPool {
        &self.pool
    }

    /// Serves HTTP and relays the outbox until `shutdown`; then drains and flushes.
    pub async fn run_until(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        tracing::info!(port = self.port(), "patients subgraph listening");
        let relay = tokio::spawn(self.relay.run(shutdown.clone()));
        let served = kit::server::serve(self.listener, self.router, shutdown.clone()).await;
        shutdown.cancel();
        relay.await.context("outbox relay panicked")?;
        self.pool.close().await;
        served.context("HTTP server failed")
    }
}

fn probes(
    pool: &sqlx::MySqlPool,
    producer: rdkafka::producer::FutureProducer,
) -> Vec<(&'static str, Probe)> {
    let pool = pool.clone();
    let database: Probe = Arc::new(move || {
        let pool = pool.clone();
        Box::pin(async move {
            sqlx::query("SELECT 1")
                .execute(&pool)
                .await
                .map(drop)
                .map_err(|_| "database unreachable".to_owned())
        })
    });
    let kafka: Probe = Arc::new(move || {
        let producer = producer.clone();
        Box::pin(async move {
            if kit::kafka::is_reachable(&producer, Duration::from_secs(1)).await {
                Ok(())
            } else {
                Err("no Kafka broker answers".to_owned())
            }
        })
    });
    vec![("database", database), ("kafka", kafka)]
}
