//! The appointments subgraph: owns `Appointment` in its own PostgreSQL database, checks the
//! patient and doctor of every booking with their subgraphs, makes double booking impossible
//! with exclusion constraints, and publishes `appointment-events` through the outbox.
//!
//! - [`domain`]: slots in the clinic's time zone, the status workflow, enumerations; no I/O.
//! - [`references`]: `_entities` calls to the patients and doctors subgraphs.
//! - [`store`]: SQL. [`service`]: use cases, one transaction each with its event.
//! - [`graphql`]: queries, mutations, entities, subscriptions. [`events`]: event shapes.
//! - [`live`]: the per-instance consumer feeding `appointmentUpdated`.

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod live;
pub mod reconcile;
pub mod references;
pub mod search;
pub mod service;
pub mod store;

use kit::{
    app::Service,
    consumer::{self, Assignment, ConsumerSettings, StartFrom},
    outbox::postgres::PgOutbox,
};

pub use config::Settings;

use crate::{
    live::LiveUpdates, references::References, service::AppointmentService, store::AppointmentStore,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// A built service: database migrated, listener bound, ready to run.
pub struct App {
    pub service: Service,
    /// The service's pool (tests inspect rows through it).
    pub pool: sqlx::PgPool,
}

impl App {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let (pool, infra) =
            kit::app::connect_infra("appointments", &settings.service, &MIGRATOR, PgOutbox).await?;
        let references = References::new(
            settings.patients_url.clone(),
            settings.doctors_url.clone(),
            settings.reference_timeout,
            settings.service.http.credential.clone(),
            settings.clinic_timezone,
        )?;
        let domain = AppointmentService::new(
            AppointmentStore::new(pool.clone()),
            infra.outbox.clone(),
            references,
            settings.clinic_timezone,
        );
        let live = LiveUpdates::default();
        let assignment = Assignment::default();
        let audit = infra.audit_log(service::SERVICE);
        let schema = graphql::schema(Some((domain, live.clone(), audit)));
        // A group of this instance's own, from the latest offset: every replica sees every
        // update, and none replays history to its subscribers.
        let feed = consumer::task(
            settings.service.kafka.clone(),
            ConsumerSettings {
                group_id: format!("appointments-live-{}", uuid::Uuid::now_v7()),
                topics: vec![settings.service.topic.clone()],
                start_from: StartFrom::Latest,
            },
            live,
            assignment.clone(),
            infra.watchdog(),
        );
        let service = infra
            .with_probe("live-updates", assignment.probe())
            .serve("appointments", &settings.service.http, schema)
            .await?
            .with_task(feed);
        Ok(Self { service, pool })
    }
}
