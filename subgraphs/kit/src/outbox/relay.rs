//! The task that moves pending outbox rows to Kafka.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use rdkafka::{
    message::{Header, OwnedHeaders},
    producer::{FutureProducer, FutureRecord, Producer as _},
};
use tokio_util::sync::CancellationToken;

use super::{BATCH_SIZE, Outbox, OutboxStore, PURGE_BATCH, PendingMessage, Published};
use crate::{kafka::SharedProducer, settings::KafkaSettings, watchdog::Progress};

/// How often a relay with a retention deletes the rows published before it.
pub const PURGE_EVERY: Duration = Duration::from_secs(600);

/// An idle relay has nothing to deliver, so it asks its producer for metadata at most this
/// often to show it is sound: after a long broker stall a producer's connections can hang
/// for good while it reports no error, and only a failed check lets its watchdog see that
/// and replace it (its `/ready` probe asks the same producer).
const IDLE_CHECK: Duration = Duration::from_secs(5);
/// How long that check waits for an answer.
const IDLE_CHECK_TIMEOUT: Duration = Duration::from_secs(1);

/// Publishes an [`OutboxStore`] through an idempotent producer until cancelled, and deletes
/// published rows once they are older than its retention, if it has one.
///
/// Its producer is replaced by a new one when it fails for good (a fatal error of the
/// idempotent producer) or when its watchdog asks (see [`crate::watchdog`]): it makes
/// progress when the broker takes rows, or, idle, when its producer answers ([`IDLE_CHECK`]).
/// The rows it did not deliver stay pending and go out through the new one.
pub struct Relay<S> {
    store: S,
    kafka: KafkaSettings,
    producer: SharedProducer,
    wake: Arc<tokio::sync::Notify>,
    sweep: Duration,
    retention: Option<Duration>,
    progress: Option<Progress>,
}

impl<S: OutboxStore> Relay<S> {
    pub fn new(
        store: S,
        kafka: &KafkaSettings,
        outbox: &Outbox,
        sweep: Duration,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            store,
            kafka: kafka.clone(),
            producer: SharedProducer::new(crate::kafka::idempotent_producer(kafka)?),
            wake: outbox.notified(),
            sweep,
            retention: None,
            progress: None,
        })
    }

    /// The producer it publishes with, replaced in place when the relay rebuilds it.
    pub fn producer(&self) -> SharedProducer {
        self.producer.clone()
    }

    /// Reports progress to a watchdog and rebuilds the producer when it asks.
    #[must_use]
    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Keeps published rows for `retention`, then deletes them (every [`PURGE_EVERY`], and
    /// once at start).
    #[must_use]
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = Some(retention);
        self
    }

    /// Runs until `shutdown`, then drains once more and flushes the producer.
    pub async fn run(self, shutdown: CancellationToken) {
        let mut failures: u32 = 0;
        let mut next_purge = Instant::now();
        let mut next_idle_check = Instant::now();
        loop {
            if let Some(retention) = self.retention.filter(|_| Instant::now() >= next_purge) {
                next_purge = Instant::now() + PURGE_EVERY;
                self.purge_once(retention).await;
            }
            match self.publish_once().await {
                Ok(published) => {
                    let idle_and_sound =
                        published.read == 0 && Instant::now() >= next_idle_check && {
                            next_idle_check = Instant::now() + IDLE_CHECK;
                            crate::kafka::is_reachable(&self.producer.get(), IDLE_CHECK_TIMEOUT)
                                .await
                        };
                    if published.acknowledged > 0 || idle_and_sound {
                        self.advanced();
                    }
                    if published.acknowledged == published.read {
                        failures = 0;
                        if published.read as i64 >= BATCH_SIZE {
                            continue;
                        }
                    } else {
                        failures = failures.saturating_add(1);
                    }
                }
                Err(error) => {
                    // The database, not Kafka: nothing for the producer's watchdog to judge.
                    self.advanced();
                    failures = failures.saturating_add(1);
                    tracing::warn!(error = %crate::error::error_chain(error.as_ref()), failures, "outbox relay attempt failed; will retry");
                }
            }
            if let Some(error) = crate::kafka::fatal_error(&self.producer.get()) {
                self.rebuild(&format!("the producer failed for good ({error})"));
                continue;
            }
            let pause = if failures == 0 {
                self.sweep
            } else {
                self.sweep
                    .max(Duration::from_millis(250 << failures.min(5)))
            };
            let rebuild = async {
                match &self.progress {
                    Some(progress) => progress.rebuild_requested().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(pause) => {}
                () = rebuild => self.rebuild("its watchdog found it stuck"),
                () = shutdown.cancelled() => break,
            }
        }
        if let Err(error) = self.publish_once().await {
            tracing::warn!(error = %error, "final outbox drain failed; events stay pending for the next start");
        }
        if let Err(error) = self.producer.get().flush(Duration::from_secs(5)) {
            tracing::warn!(error = %error, "producer flush at shutdown failed");
        }
    }

    /// Publishes one batch: how many pending rows were read, and how many the broker took.
    pub async fn publish_once(&self) -> anyhow::Result<Published> {
        self.store.publish_pending(&self.producer.get()).await
    }

    fn advanced(&self) {
        if let Some(progress) = &self.progress {
            progress.advanced();
        }
    }

    /// Replaces the producer with a new one, saying why.
    fn rebuild(&self, why: &str) {
        match crate::kafka::idempotent_producer(&self.kafka) {
            Ok(producer) => {
                tracing::warn!(why, "outbox relay: rebuilding its Kafka producer");
                self.producer.replace(producer);
                if let Some(progress) = &self.progress {
                    progress.rebuilt();
                }
            }
            Err(error) => {
                tracing::error!(why, error = %crate::error::error_chain(error.as_ref()), "outbox relay: cannot create a new Kafka producer");
            }
        }
    }

    /// Deletes every row published more than `retention` ago, a batch at a time; returns how
    /// many. A failure is logged and left for the next round.
    pub async fn purge_once(&self, retention: Duration) -> u64 {
        let mut purged = 0;
        loop {
            match self.store.purge_published(retention).await {
                Ok(deleted) => {
                    purged += deleted;
                    if deleted < PURGE_BATCH.unsigned_abs() {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(error = %error, "outbox purge failed; will retry later");
                    break;
                }
            }
        }
        if purged > 0 {
            tracing::info!(purged, "deleted published outbox rows past their retention");
        }
        purged
    }
}

/// Enqueues every message, then waits for the acknowledgements; returns the acknowledged seqs.
/// Failures are logged once per batch: with Kafka down, every message of a batch fails alike.
pub async fn send_batch(producer: &FutureProducer, batch: Vec<PendingMessage>) -> Vec<i64> {
    let mut deliveries = Vec::with_capacity(batch.len());
    for message in &batch {
        let mut headers = OwnedHeaders::new();
        if let Some(traceparent) = &message.traceparent {
            headers = headers.insert(Header {
                key: "traceparent",
                value: Some(traceparent),
            });
        }
        let record = FutureRecord::to(&message.topic)
            .key(&message.message_key)
            .payload(&message.payload)
            .headers(headers);
        match producer.send_result(record) {
            Ok(delivery) => deliveries.push((message.seq, delivery)),
            // The local queue is full: send the rest next round.
            Err((error, _)) => {
                tracing::warn!(error = %error, "cannot enqueue outbox message; retrying later");
                break;
            }
        }
    }
    let mut acknowledged = Vec::with_capacity(deliveries.len());
    let mut failed = 0_usize;
    let mut last_error = None;
    for (seq, delivery) in deliveries {
        match delivery.await {
            Ok(Ok(_)) => acknowledged.push(seq),
            Ok(Err((error, _))) => {
                failed += 1;
                last_error = Some(error.to_string());
            }
            Err(_) => {
                failed += 1;
                last_error = Some("delivery cancelled".to_owned());
            }
        }
    }
    if let Some(error) = last_error {
        tracing::warn!(failed, acknowledged = acknowledged.len(), %error, "Kafka did not take outbox messages; they stay pending");
    }
    acknowledged
}
