//! The doctors subgraph: owns `Doctor` in its own MySQL/MariaDB database and publishes
//! `doctor-events` through the transactional outbox.
//!
//! - [`domain`]: doctor rules (specializations, contact details, updates), no I/O.
//! - [`store`]: SQL. [`service`]: use cases, one transaction each with its event.
//! - [`graphql`]: queries, mutations, batched entity resolution. [`events`]: event shapes.

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod service;
pub mod store;

use std::time::Duration;

use anyhow::Context as _;
use kit::{
    app::Service,
    outbox::{Outbox, Relay, mysql::MySqlOutbox},
};

pub use config::Settings;

use crate::{service::DoctorService, store::DoctorStore};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// A built service: database migrated, listener bound, ready to run.
pub struct App {
    pub service: Service<MySqlOutbox>,
    /// The service's pool (tests inspect rows through it).
    pub pool: sqlx::MySqlPool,
}

impl App {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let pool = kit::mysql::connect(
            &settings.database_url,
            settings.db_max_connections,
            "doctors",
        )
        .await?;
        MIGRATOR
            .run(&pool)
            .await
            .context("cannot migrate the doctors database")?;
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
        let probes = vec![
            ("database", kit::mysql::probe(&pool)),
            ("kafka", kit::kafka::probe(&producer)),
        ];
        let service = DoctorService::new(DoctorStore::new(pool.clone()), outbox);
        let router = kit::server::router(graphql::schema(Some(service)), probes);
        let service = Service::bind("doctors", &settings.http, router, relay).await?;
        Ok(Self { service, pool })
    }
}
