//! The billing subgraph: turns appointment events into bills (exactly one per appointment,
//! whatever the redeliveries), takes payments, and publishes `billing-events` through the
//! outbox. Money is exact (`rust_decimal`, `NUMERIC(12,2)`, strings in GraphQL).
//!
//! - [`domain`]: price list, bill states, payment types; no I/O.
//! - [`store`]: SQL. [`service`]: the event handler and payments.
//! - [`graphql`]: bills, `Appointment.bill`, `Patient.bills`/`balance`. [`events`]: shapes.

pub mod config;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod service;
pub mod store;

use kit::{
    app::Service,
    consumer::{self, Assignment, ConsumerSettings, StartFrom},
    outbox::postgres::PgOutbox,
};

pub use config::Settings;

use crate::{service::BillingService, store::BillStore};

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
            kit::app::connect_infra("billing", &settings.service, &MIGRATOR, PgOutbox).await?;
        let billing = BillingService::new(
            BillStore::new(pool.clone()),
            infra.outbox.clone(),
            settings.prices.clone(),
        );
        // Readiness follows the first consumer; with more consumers than partitions the
        // others may rightly hold none.
        let assignment = Assignment::default();
        let watchdog = infra.watchdog().clone();
        let audit = infra.audit_log(service::SERVICE);
        let mut service = infra
            .with_probe("appointment-events", assignment.probe())
            .serve(
                "billing",
                &settings.service.http,
                graphql::schema(Some((billing.clone(), audit))),
            )
            .await?;
        for n in 0..settings.consumers {
            service = service.with_task(consumer::task(
                settings.service.kafka.clone(),
                ConsumerSettings {
                    group_id: settings.consumer_group.clone(),
                    topics: vec![settings.appointments_topic.clone()],
                    start_from: StartFrom::Earliest,
                },
                billing.clone(),
                if n == 0 {
                    assignment.clone()
                } else {
                    Assignment::default()
                },
                &watchdog,
            ));
        }
        Ok(Self { service, pool })
    }
}
