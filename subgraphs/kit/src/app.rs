//! A built service: its HTTP listener, its router and its outbox relay, run together under
//! one cancellation token.

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    outbox::{OutboxStore, Relay},
    settings::HttpSettings,
};

pub struct Service<S> {
    name: &'static str,
    listener: TcpListener,
    router: axum::Router,
    relay: Relay<S>,
}

impl<S: OutboxStore> Service<S> {
    /// Binds the listener (port 0 picks a free port; read it back with [`Service::port`]).
    pub async fn bind(
        name: &'static str,
        http: &HttpSettings,
        router: axum::Router,
        relay: Relay<S>,
    ) -> anyhow::Result<Self> {
        let address = format!("{}:{}", http.host, http.port);
        let listener = TcpListener::bind(&address)
            .await
            .with_context(|| format!("{name}: cannot listen on {address}"))?;
        Ok(Self {
            name,
            listener,
            router,
            relay,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|address| address.port())
            .unwrap_or(0)
    }

    /// Serves HTTP and relays the outbox until `shutdown`; then finishes in-flight requests,
    /// drains the outbox once more and flushes the producer.
    pub async fn run_until(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        tracing::info!(service = self.name, port = self.port(), "listening");
        let relay = tokio::spawn(self.relay.run(shutdown.clone()));
        let served = crate::server::serve(self.listener, self.router, shutdown.clone()).await;
        shutdown.cancel();
        relay.await.context("outbox relay panicked")?;
        tracing::info!(service = self.name, "stopped");
        served.context("HTTP server failed")
    }
}
