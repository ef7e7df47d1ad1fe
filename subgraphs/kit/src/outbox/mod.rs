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
    audit_topic: Arc<str>,
    wake: Arc<Notify>,
}

/// Where audit records go unless configured otherwise (`AUDIT_TOPIC`).
pub const DEFAULT_AUDIT_TOPIC: &str = "audit-records";

/// One row to write into the outbox.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub event_id: uuid::Uuid,
    pub topic: Arc<str>,
    pub key: String,
    pub payload: String,
    pub traceparent: Option<String>,
}

impl OutboxRow {
    /// The row of `event` for `topic`, stamped with the caller and trace of `context`.
    pub fn new(
        topic: &str,
        event: &CloudEvent,
        context: &RequestContext,
    ) -> serde_json::Result<Self> {
        Ok(Self {
            event_id: event.id,
            topic: topic.into(),
            key: event.subject.clone(),
            payload: crate::events::stamped(event, context)?,
            traceparent: context.traceparent.clone(),
        })
    }
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
    fn insert_row(&mut self, row: &OutboxRow) -> impl Future<Output = sqlx::Result<()>> + Send;
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
pub trait OutboxStore: Clone + Send + Sync + 'static {
    /// Creates the outbox table if it does not exist; the kit owns its shape.
    fn ensure_schema(&self) -> impl Future<Output = sqlx::Result<()>> + Send;

    /// Publishes up to [`BATCH_SIZE`] of the oldest pending rows with [`send_batch`] and
    /// marks the acknowledged ones.
    fn publish_pending(
        &self,
        producer: &FutureProducer,
    ) -> impl Future<Output = anyhow::Result<Published>> + Send;

    /// Writes `rows` with one statement (the audit trail's reads, [`crate::audit::AuditLog`]).
    fn insert_rows(&self, rows: &[&OutboxRow]) -> impl Future<Output = sqlx::Result<()>> + Send;

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
            audit_topic: DEFAULT_AUDIT_TOPIC.into(),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Sends audit records to `topic` instead of [`DEFAULT_AUDIT_TOPIC`].
    #[must_use]
    pub fn with_audit_topic(mut self, topic: &str) -> Self {
        self.audit_topic = topic.into();
        self
    }

    pub fn audit_topic(&self) -> Arc<str> {
        Arc::clone(&self.audit_topic)
    }

    /// The outbox row of `event`, for a change written with its event in one statement
    /// (one round trip, no explicit transaction) instead of [`Outbox::record`].
    pub fn pending_row(
        &self,
        event: &CloudEvent,
        context: &RequestContext,
    ) -> serde_json::Result<OutboxRow> {
        OutboxRow::new(&self.topic, event, context)
    }

    /// The outbox row of the audit `record` of a change written in one statement.
    pub fn audit_row(
        &self,
        record: &crate::audit::AuditRecord,
        context: &RequestContext,
    ) -> serde_json::Result<OutboxRow> {
        record.row(&self.audit_topic, context)
    }

    /// Writes the audit `record` of a change inside the change's open transaction.
    pub async fn record_access<C: OutboxConnection + ?Sized>(
        &self,
        conn: &mut C,
        record: &crate::audit::AuditRecord,
        context: &RequestContext,
    ) -> anyhow::Result<()> {
        let row = self.audit_row(record, context)?;
        conn.insert_row(&row).await?;
        Ok(())
    }

    /// Writes `event` to the outbox inside the caller's open transaction.
    pub async fn record<C: OutboxConnection + ?Sized>(
        &self,
        conn: &mut C,
        event: &CloudEvent,
        context: &RequestContext,
    ) -> anyhow::Result<()> {
        conn.insert_row(&self.pending_row(event, context)?).await?;
        Ok(())
    }

    /// Commits a transaction that recorded events or audit records, then wakes the relay to
    /// publish them.
    pub async fn commit<DB: sqlx::Database>(
        &self,
        tx: sqlx::Transaction<'_, DB>,
    ) -> sqlx::Result<()> {
        tx.commit().await?;
        self.wake();
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
