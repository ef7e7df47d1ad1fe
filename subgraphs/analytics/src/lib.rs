//! The analytics subgraph: stores every event of the four topics once, keeps per-day
//! statistics on MongoDB, and answers the dashboard and grouped statistics.
//!
//! - [`domain`]: what each event contributes, date ranges, derived figures; no I/O.
//! - [`store`]: the event store and day documents, exact without transactions.
//! - [`ingest`]: the batch consumer's handler. [`service`]: reading statistics.
//! - [`audit`]: the audit trail's records, kept from their topic, searched by patient or actor.
//! - [`graphql`]: `dashboard`, `appointmentStats`, `revenueStats`, `Doctor.stats`,
//!   `auditTrail`, `auditByActor`.

pub mod audit;
pub mod config;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod ingest;
pub mod service;
pub mod store;

use std::time::Duration;

use kit::{
    app::Service,
    consumer::{self, Assignment, Batching, ConsumerSettings, StartFrom},
    watchdog::Watchdog,
};
use tokio_util::sync::CancellationToken;

pub use config::Settings;

use crate::{
    audit::{AuditIngest, AuditStore},
    ingest::Ingest,
    service::Statistics,
    store::StatsStore,
};

/// A built service: database reachable, interrupted batches finished, listener bound.
pub struct App {
    pub service: Service,
    pub store: StatsStore,
    /// The service's database (tests inspect documents through it).
    pub db: mongodb::Database,
}

impl App {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = store::connect(&settings.mongo_url, &settings.database).await?;
        let store = StatsStore::new(db.clone(), settings.reading.clone());
        let days = store.reload().await?;
        tracing::info!(days, "statistics loaded");
        let resumed = store.resume_unfinished().await?;
        if resumed > 0 {
            tracing::info!(
                batches = resumed,
                "finished batches interrupted by the last stop"
            );
        }
        let trail = AuditStore::open(&db).await?;
        let watchdog = Watchdog::new(&settings.kafka, settings.kafka.watchdog);
        // Readiness follows the first consumer; with more consumers than partitions the
        // others may rightly hold none.
        let assignment = Assignment::default();
        let audit_assignment = Assignment::default();
        let probes = vec![
            ("database", store.probe()),
            ("kafka", kit::kafka::broker_probe(&settings.kafka)),
            ("events", assignment.probe()),
            ("audit-records", audit_assignment.probe()),
        ];
        let statistics = Statistics::new(store.clone(), settings.workday_minutes);
        let schema = graphql::schema(Some((statistics, trail.clone())));
        let router = kit::server::router(schema, probes, &settings.http);
        let mut service = Service::bind("analytics", &settings.http, router)
            .await?
            .with_liveness(watchdog.liveness());
        for n in 0..settings.consumers {
            let assignment = if n == 0 {
                assignment.clone()
            } else {
                Assignment::default()
            };
            service = service.with_task(consume(&settings, store.clone(), assignment, &watchdog));
        }
        service = service.with_task(keep_audit_records(
            &settings,
            trail,
            audit_assignment,
            &watchdog,
        ));
        Ok(Self { service, store, db })
    }
}

/// One consumer of the four topics in the analytics group, from the earliest offset, with
/// its watchdog.
fn consume(
    settings: &Settings,
    store: StatsStore,
    assignment: Assignment,
    watchdog: &Watchdog,
) -> impl FnOnce(CancellationToken) -> futures::future::BoxFuture<'static, ()> + Send + use<> {
    let consumer = ConsumerSettings {
        group_id: settings.consumer_group.clone(),
        topics: settings.topics.clone(),
        start_from: StartFrom::Earliest,
    };
    let batching = Batching {
        max_messages: settings.batch_size,
        linger: Duration::from_millis(settings.batch_linger_ms),
    };
    consumer::batched_task(
        settings.kafka.clone(),
        consumer,
        Ingest { store },
        batching,
        assignment,
        watchdog,
    )
}

/// The consumer of the audit topic, in a group of its own, from the earliest offset: the
/// trail keeps every record, whatever the statistics do.
fn keep_audit_records(
    settings: &Settings,
    store: AuditStore,
    assignment: Assignment,
    watchdog: &Watchdog,
) -> impl FnOnce(CancellationToken) -> futures::future::BoxFuture<'static, ()> + Send + use<> {
    let consumer = ConsumerSettings {
        group_id: format!("{}-audit", settings.consumer_group),
        topics: vec![settings.audit_topic.clone()],
        start_from: StartFrom::Earliest,
    };
    let batching = Batching {
        max_messages: 1_000,
        linger: Duration::from_millis(settings.batch_linger_ms),
    };
    consumer::batched_task(
        settings.kafka.clone(),
        consumer,
        AuditIngest { store },
        batching,
        assignment,
        watchdog,
    )
}
