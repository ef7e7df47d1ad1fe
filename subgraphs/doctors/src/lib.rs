//! The doctors subgraph: owns `Doctor` in its own MySQL/MariaDB database and publishes
//! `doctor-events` through the transactional outbox.
//!
//! - [`domain`]: doctor rules (specializations, contact details, updates), no I/O; working
//!   hours are values of the shared `schedule` crate.
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

use crate::{service::DoctorService, store::DoctorStore};

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
            kit::app::connect_infra("doctors", &settings.service, &MIGRATOR, MySqlOutbox).await?;
        let domain = DoctorService::new(
            DoctorStore::new(pool.clone()),
            infra.outbox.clone(),
            settings.clinic_timezone,
        );
        let service = infra
            .serve(
                "doctors",
                &settings.service.http,
                graphql::schema(Some(domain)),
            )
            .await?;
        Ok(Self { service, pool })
    }
}
