//! Assembling and running a service: [`Infra`] (outbox, relay, probes) becomes a bound
//! [`Service`] (listener, router, background tasks such as the relay or consumers) that
//! runs under one cancellation token.

use std::time::Duration;

use anyhow::Context as _;
use rdkafka::producer::FutureProducer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    outbox::{Outbox, OutboxStore, Relay},
    server::Probe,
    settings::{HttpSettings, ServiceSettings},
};

/// What a database-backed service runs on besides its pool: its outbox, the store the relay
/// reads it from, the producer the relay publishes with, and the database's readiness probe.
pub struct Infra<S> {
    pub outbox: Outbox,
    store: S,
    db_probe: Probe,
    extra_probes: Vec<(&'static str, Probe)>,
    producer: FutureProducer,
    sweep: Duration,
    retention: Option<Duration>,
}

impl<S: OutboxStore> Infra<S> {
    pub fn new(settings: &ServiceSettings, store: S, db_probe: Probe) -> anyhow::Result<Self> {
        Ok(Self {
            outbox: Outbox::new(settings.topic.clone()),
            store,
            db_probe,
            extra_probes: Vec::new(),
            producer: crate::kafka::idempotent_producer(&settings.kafka)?,
            sweep: Duration::from_millis(settings.kafka.sweep_interval_ms),
            retention: (settings.outbox_retention_hours > 0)
                .then(|| Duration::from_secs(settings.outbox_retention_hours.saturating_mul(3600))),
        })
    }

    /// Adds a `/ready` check beyond the database and Kafka.
    pub fn with_probe(mut self, name: &'static str, probe: Probe) -> Self {
        self.extra_probes.push((name, probe));
        self
    }

    /// Binds the HTTP server for `schema`, with readiness probes for the database and Kafka,
    /// and the outbox relay.
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
            ("kafka", crate::kafka::probe(&self.producer)),
        ];
        probes.extend(self.extra_probes);
        let mut relay = Relay::new(self.store, self.producer, &self.outbox, self.sweep);
        if let Some(retention) = self.retention {
            relay = relay.with_retention(retention);
        }
        Ok(
            Service::bind(name, http, crate::server::router(schema, probes, http))
                .await?
                .with_task(move |shutdown| relay.run(shutdown)),
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
        })
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

    /// Serves HTTP and runs the tasks until `shutdown`; then finishes in-flight requests and
    /// waits for every task to finish (the relay drains the outbox once more and flushes
    /// its producer, consumers commit their offsets).
    pub async fn run_until(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        tracing::info!(service = self.name, port = self.port(), "listening");
        let tasks: Vec<_> = self
            .tasks
            .into_iter()
            .map(|task| tokio::spawn(task(shutdown.clone())))
            .collect();
        let served = crate::server::serve(self.listener, self.router, shutdown.clone()).await;
        shutdown.cancel();
        for task in tasks {
            task.await.context("background task panicked")?;
        }
        tracing::info!(service = self.name, "stopped");
        served.context("HTTP server failed")
    }
}
