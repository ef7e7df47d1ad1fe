//! The appointments subgraph: owns `Appointment` in its own PostgreSQL database, checks the
//! patient and doctor of every booking with their subgraphs, makes double booking impossible
//! with exclusion constraints, and publishes `appointment-events` through the outbox.
//!
//! - [`domain`]: slots in the clinic's time zone, the status workflow, enumerations; no I/O.
//! - [`references`]: `_entities` calls to the patients and doctors subgraphs.
//! - [`store`]: SQL. [`service`]: use cases, one transaction each with its event.
//! - [`graphql`]: queries, mutations, entities. [`events`]: event shapes.

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod references;
pub mod service;
pub mod store;

use kit::{app::Service, outbox::postgres::PgOutbox};

pub use config::Settings;

use crate::{references::References, service::AppointmentService, store::AppointmentStore};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// A built service: database migrated, listener bound, ready to run.
pub struct App {
    pub service: Service<PgOutbox>,
    /// The service's pool (tests inspect rows through it).
    pub pool: sqlx::PgPool,
}

impl App {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let (pool, infra) =
            kit::postgres::connect_infra("appointments", &settings.service, &MIGRATOR).await?;
        let references = References::new(
            settings.patients_url.clone(),
            settings.doctors_url.clone(),
            settings.reference_timeout,
        )?;
        let domain = AppointmentService::new(
            AppointmentStore::new(pool.clone()),
            infra.outbox.clone(),
            references,
            settings.clinic_timezone,
        );
        let service = infra
            .serve(
                "appointments",
                &settings.service.http,
                graphql::schema(Some(domain)),
            )
            .await?;
        Ok(Self { service, pool })
    }
}
