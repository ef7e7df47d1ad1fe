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

use kit::{app::Service, outbox::mysql::MySqlOutbox};

pub use config::Settings;

use crate::{service::PatientService, store::PatientStore};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// A built service: database migrated, listener bound, ready to run.
pub struct App {
    pub service: Service,
    /// The service's pool (tests inspect rows through it).
    pub pool: sqlx::MySqlPool,
}

impl App {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let (pool, infra) =
            kit::app::connect_infra("patients", &settings.service, &MIGRATOR, MySqlOutbox).await?;
        let domain = PatientService::new(PatientStore::new(pool.clone()), infra.outbox.clone());
        let audit = infra.audit_log(service::SERVICE);
        let service = infra
            .serve(
                "patients",
                &settings.service.http,
                graphql::schema(Some((domain, audit))),
            )
            .await?;
        Ok(Self { service, pool })
    }
}
