//! A service under test: its settings and the running service, stopped on drop.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::{TestDatabase, graphql, kafka_brokers, kafka_debug, read_events, unique_topic};
use crate::{
    app::Service,
    events::CloudEvent,
    settings::{HttpSettings, KafkaSettings, Secret, ServiceSettings},
};

/// Settings for a service under test: loopback on a free port, `database_url`, the test
/// Kafka with a quick outbox sweep, and `topic` for its events.
pub fn service_settings(database_url: &str, topic: &str) -> ServiceSettings {
    ServiceSettings {
        http: HttpSettings::loopback(),
        database_url: Secret::new(database_url),
        db_max_connections: 10,
        kafka: KafkaSettings {
            sweep_interval_ms: 200,
            debug: kafka_debug(),
            ..KafkaSettings::new(kafka_brokers())
        },
        topic: topic.to_owned(),
        audit_topic: unique_topic("audit-records"),
        audit_reads: true,
        outbox_retention_hours: 168,
    }
}

/// A service under test on a free port, with its own database and topic; stopped on drop.
pub struct RunningService<Pool> {
    pub base_url: String,
    pub topic: String,
    pub pool: Pool,
    _db: Option<TestDatabase>,
    shutdown: CancellationToken,
    running: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl<Pool> RunningService<Pool> {
    pub fn start(service: Service, pool: Pool, db: TestDatabase, topic: String) -> Self {
        let mut running = Self::start_replica(service, pool, topic);
        running._db = Some(db);
        running
    }

    /// Another instance on a database and topic some other [`RunningService`] owns.
    pub fn start_replica(service: Service, pool: Pool, topic: String) -> Self {
        let base_url = format!("http://127.0.0.1:{}", service.port());
        let shutdown = CancellationToken::new();
        let running = tokio::spawn(service.run_until(shutdown.clone()));
        Self {
            base_url,
            topic,
            pool,
            _db: None,
            shutdown,
            running: Some(running),
        }
    }

    /// Stops the service as a deployment would and returns once all of it has stopped: its
    /// port closes first, its background tasks (consumers, relays) finish after.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(running) = self.running.take() {
            let stopped = tokio::time::timeout(Duration::from_secs(60), running)
                .await
                .expect("the service stops within 60 s");
            // How it ended (a watchdog giving up, say) is for the test to check.
            drop(stopped);
        }
    }

    /// Waits until `/ready` answers 200; false after `timeout`.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.get("/ready").await.status().is_success() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    pub async fn query(&self, query: &str, variables: serde_json::Value) -> serde_json::Value {
        graphql(&format!("{}/graphql", self.base_url), query, variables).await
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::get(format!("{}{path}", self.base_url))
            .await
            .expect("service answers")
    }

    /// Events on this service's topic: waits for `expected`, then a second for extras.
    pub async fn events(&self, expected: usize) -> Vec<CloudEvent> {
        read_events(
            &self.topic,
            expected,
            Duration::from_secs(30),
            Duration::from_secs(1),
        )
        .await
    }
}

impl<Pool> Drop for RunningService<Pool> {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
