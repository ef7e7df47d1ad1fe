//! Starting and running a service: [`connect_infra`] connects and migrates its database and
//! makes its [`Infra`] (outbox, relay, probes), which becomes a bound
//! [`Service`] (listener, router, background tasks such as the relay or consumers) that
//! runs under one cancellation token.

use std::{str::FromStr, time::Duration};

use anyhow::Context as _;
use axum::{Json, http::StatusCode, response::IntoResponse, routing::get};
use sqlx::{
    Database, Pool,
    migrate::{Migrate, Migrator},
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    audit::AuditLog,
    db,
    outbox::{Outbox, OutboxStore, Relay},
    server::Probe,
    settings::{HttpSettings, ServiceSettings},
    watchdog::{Liveness, Watchdog},
};

/// Connects, applies the service's migrations and creates the outbox table; returns the
/// pool and the [`Infra`] to serve with. `outbox` makes the relay's store from the pool.
pub async fn connect_infra<DB, S>(
    name: &str,
    settings: &ServiceSettings,
    migrator: &Migrator,
    outbox: impl FnOnce(Pool<DB>) -> S,
) -> anyhow::Result<(Pool<DB>, Infra<S>)>
where
    DB: Database,
    DB::Connection: Migrate,
    <DB::Connection as sqlx::Connection>::Options: FromStr<Err = sqlx::Error>,
    S: OutboxStore,
{
    let pool = db::connect::<DB>(&settings.database_url, settings.db_max_connections, name).await?;
    migrator
        .run(&pool)
        .await
        .with_context(|| format!("cannot migrate the {name} database"))?;
    let store = outbox(pool.clone());
    store
        .ensure_schema()
        .await
        .context("cannot create the outbox table")?;
    let infra = Infra::new(settings, store, db::probe(&pool))?;
    Ok((pool, infra))
}

/// What a database-backed service runs on besides its pool: its outbox and the relay that
/// publishes it, the database's readiness probe, and the watchdog of its Kafka clients.
pub struct Infra<S> {
    pub outbox: Outbox,
    store: S,
    audit_reads: bool,
    relay: Relay<S>,
    db_probe: Probe,
    extra_probes: Vec<(&'static str, Probe)>,
    watchdog: Watchdog,
}

impl<S: OutboxStore> Infra<S> {
    pub fn new(settings: &ServiceSettings, store: S, db_probe: Probe) -> anyhow::Result<Self> {
        let outbox = Outbox::new(settings.topic.clone()).with_audit_topic(&settings.audit_topic);
        let sweep = Duration::from_millis(settings.kafka.sweep_interval_ms);
        let mut relay = Relay::new(store.clone(), &settings.kafka, &outbox, sweep)?;
        if settings.outbox_retention_hours > 0 {
            let retention = settings.outbox_retention_hours.saturating_mul(3600);
            relay = relay.with_retention(Duration::from_secs(retention));
        }
        Ok(Self {
            outbox,
            store,
            audit_reads: settings.audit_reads,
            relay,
            db_probe,
            extra_probes: Vec::new(),
            watchdog: Watchdog::new(&settings.kafka, settings.kafka.watchdog),
        })
    }

    /// Starts the audit trail's writer of `service`'s reads, into the outbox.
    pub fn audit_log(&self, service: &str) -> AuditLog {
        AuditLog::start(service, self.store.clone(), self.outbox.clone())
            .recording_reads(self.audit_reads)
    }

    /// The watchdog the service's other Kafka clients (its consumers) report to.
    pub fn watchdog(&self) -> &Watchdog {
        &self.watchdog
    }

    /// Adds a `/ready` check beyond the database and Kafka.
    pub fn with_probe(mut self, name: &'static str, probe: Probe) -> Self {
        self.extra_probes.push((name, probe));
        self
    }

    /// Binds the HTTP server for `schema`, with readiness probes for the database and Kafka,
    /// and the outbox relay with its watchdog.
    pub async fn serve<Q, M, Sub>(
        self,
        name: &'static str,
        http: &HttpSettings,
        schema: async_graphql::Schema<Q, M, Sub>,
    ) -> anyhow::Result<Service>
    where
        Q: async_graphql::ObjectType + 'static,
        M: async_graphql::ObjectType + 'static,
        Sub: async_graphql::SubscriptionType + 'static,
    {
        let mut probes = vec![
            ("database", self.db_probe),
            ("kafka", crate::kafka::probe(&self.relay.producer())),
        ];
        probes.extend(self.extra_probes);
        let (progress, watch) = self.watchdog.watch("outbox relay");
        let relay = self.relay.with_progress(progress);
        Ok(
            Service::bind(name, http, crate::server::router(schema, probes, http))
                .await?
                .with_liveness(self.watchdog.liveness())
                .with_task(move |shutdown| relay.run(shutdown))
                .with_task(watch),
        )
    }
}

/// A background task started with the service and given its shutdown token.
type Task = Box<dyn FnOnce(CancellationToken) -> futures::future::BoxFuture<'static, ()> + Send>;

pub struct Service {
    name: &'static str,
    listener: TcpListener,
    router: axum::Router,
    tasks: Vec<Task>,
    liveness: Liveness,
}

impl Service {
    /// Binds the listener (port 0 picks a free port; read it back with [`Service::port`]).
    pub async fn bind(
        name: &'static str,
        http: &HttpSettings,
        router: axum::Router,
    ) -> anyhow::Result<Self> {
        let address = format!("{}:{}", http.host, http.port);
        let listener = TcpListener::bind(&address)
            .await
            .with_context(|| format!("{name}: cannot listen on {address}"))?;
        Ok(Self {
            name,
            listener,
            router,
            tasks: Vec::new(),
            liveness: Liveness::default(),
        })
    }

    /// `GET /health` answers from `liveness`, and the service stops (and
    /// [`Service::run_until`] fails) when a watchdog gives up.
    #[must_use]
    pub fn with_liveness(mut self, liveness: Liveness) -> Self {
        self.liveness = liveness;
        self
    }

    /// Runs `task` beside the server (a consumer, say) until shutdown.
    pub fn with_task<F>(
        mut self,
        task: impl FnOnce(CancellationToken) -> F + Send + 'static,
    ) -> Self
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tasks
            .push(Box::new(move |shutdown| Box::pin(task(shutdown))));
        self
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|address| address.port())
            .unwrap_or(0)
    }

    /// Serves HTTP and runs the tasks until `shutdown`, or until a watchdog gives up on the
    /// process (then it fails, so that `main` exits non-zero); either way it finishes
    /// in-flight requests and waits for every task to finish (the relay drains the outbox
    /// once more and flushes its producer, consumers commit their offsets).
    pub async fn run_until(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        tracing::info!(service = self.name, port = self.port(), "listening");
        let liveness = self.liveness;
        let given_up = {
            let (liveness, shutdown) = (liveness.clone(), shutdown.clone());
            tokio::spawn(async move {
                tokio::select! {
                    () = liveness.failed() => shutdown.cancel(),
                    () = shutdown.cancelled() => {}
                }
            })
        };
        let tasks: Vec<_> = self
            .tasks
            .into_iter()
            .map(|task| tokio::spawn(task(shutdown.clone())))
            .collect();
        let health = liveness.clone();
        let router = self
            .router
            .route("/health", get(move || self::health(health.clone())));
        let served = crate::server::serve(self.listener, router, shutdown.clone()).await;
        shutdown.cancel();
        for task in tasks {
            task.await.context("background task panicked")?;
        }
        drop(given_up.await);
        tracing::info!(service = self.name, "stopped");
        served.context("HTTP server failed")?;
        liveness
            .check()
            .map_err(|reason| anyhow::anyhow!("{} gave up: {reason}", self.name))
    }
}

/// `GET /health`: 200 while the process is worth running, 503 with the reason once a
/// watchdog gave up on it.
async fn health(liveness: Liveness) -> impl IntoResponse {
    match liveness.check() {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "failing", "reason": reason })),
        ),
    }
}
