//! The transactional outbox: a change and its event are written in one database
//! transaction, and a relay publishes pending events to Kafka afterwards.
//!
//! Kafka being down therefore delays events but never loses them and never fails a
//! mutation. A row is marked published only after the broker acknowledged it (`acks=all`,
//! idempotent producer); a crash between the acknowledgement and the mark re-sends the same
//! bytes, so consumers see the same CloudEvents `id` and deduplicate.
//!
//! Published rows are kept for a retention period (`OUTBOX_RETENTION_HOURS`, default a
//! week: what was sent, and when, stays inspectable and re-sendable), then the relay
//! deletes them in small batches.
//!
//! Relays on several replicas serialise on row locks (`SELECT ... FOR UPDATE`, no
//! `SKIP LOCKED`): the oldest pending batch is published by one relay at a time, which keeps
//! per-key order across replicas.

#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "postgres")]
pub mod postgres;
mod relay;

use std::sync::Arc;

use rdkafka::producer::FutureProducer;
use tokio::sync::Notify;

pub use relay::{PURGE_EVERY, Relay, send_batch};

use crate::{context::RequestContext, events::CloudEvent};

/// How many pending rows a relay publishes per transaction.
pub const BATCH_SIZE: i64 = 500;

/// How many published rows one purge statement deletes at most, so a purge never holds
/// locks or bloats a transaction for long.
pub const PURGE_BATCH: i64 = 5_000;

/// The handle a service keeps: records events in the caller's transaction and wakes the
/// relay once that transaction has committed.
#[derive(Clone, Debug)]
pub struct Outbox {
    topic: Arc<str>,
    wake: Arc<Notify>,
}

/// One row as the relay reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingMessage {
    pub seq: i64,
    pub topic: String,
    pub message_key: String,
    pub payload: String,
    pub traceparent: Option<String>,
}

/// A database the outbox can live in.
pub trait OutboxConnection: Send {
    /// Inserts one pending row; runs inside the caller's transaction.
    fn insert_pending(
        &mut self,
        topic: &str,
        event: &CloudEvent,
        payload: &str,
        traceparent: Option<&str>,
    ) -> impl Future<Output = sqlx::Result<()>> + Send;
}

/// What one round of a relay did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    /// Pending rows read.
    pub read: usize,
    /// Of those, the ones the broker took (now marked published).
    pub acknowledged: usize,
}

/// Where a relay reads pending rows from and marks them published.
pub trait OutboxStore: Send + Sync + 'static {
    /// Creates the outbox table if it does not exist; the kit owns its shape.
    fn ensure_schema(&self) -> impl Future<Output = sqlx::Result<()>> + Send;

    /// Publishes up to [`BATCH_SIZE`] of the oldest pending rows with [`send_batch`] and
    /// marks the acknowledged ones.
    fn publish_pending(
        &self,
        producer: &FutureProducer,
    ) -> impl Future<Output = anyhow::Result<Published>> + Send;

    /// Deletes up to [`PURGE_BATCH`] rows published more than `older_than` ago; returns how
    /// many. Pending rows are never deleted, however old.
    fn purge_published(
        &self,
        older_than: std::time::Duration,
    ) -> impl Future<Output = sqlx::Result<u64>> + Send;
}

impl Outbox {
    pub fn new(topic: impl Into<Arc<str>>) -> Self {
        Self {
            topic: topic.into(),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Writes `event` to the outbox inside the caller's open transaction.
    pub async fn record<C: OutboxConnection + ?Sized>(
        &self,
        conn: &mut C,
        event: &CloudEvent,
        context: &RequestContext,
    ) -> anyhow::Result<()> {
        let payload = event.payload(&context.caller)?;
        conn.insert_pending(&self.topic, event, &payload, context.traceparent.as_deref())
            .await?;
        Ok(())
    }

    /// Tells the relay there is something to publish. Call after the commit.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) fn notified(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }
}
