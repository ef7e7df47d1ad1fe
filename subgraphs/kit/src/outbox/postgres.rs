//! The outbox table in PostgreSQL.

use rdkafka::producer::FutureProducer;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use super::{
    BATCH_SIZE, Outbox, OutboxConnection, OutboxStore, PURGE_BATCH, PendingMessage, Published,
    send_batch,
};
use crate::{context::RequestContext, events::CloudEvent};

/// The kit owns this table's shape; services create it at start ([`OutboxStore::ensure_schema`]).
const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS outbox (
    seq BIGSERIAL PRIMARY KEY,
    event_id UUID NOT NULL UNIQUE,
    topic TEXT NOT NULL,
    message_key TEXT NOT NULL,
    payload TEXT NOT NULL,
    traceparent TEXT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ NULL
)";
const CREATE_INDEXES: [&str; 2] = [
    "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (seq) WHERE published_at IS NULL",
    // For the purge of old published rows.
    "CREATE INDEX IF NOT EXISTS outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL",
];

impl OutboxConnection for PgConnection {
    async fn insert_pending(
        &mut self,
        topic: &str,
        event: &CloudEvent,
        payload: &str,
        traceparent: Option<&str>,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO outbox (event_id, topic, message_key, payload, traceparent)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(event.id)
        .bind(topic)
        .bind(&event.subject)
        .bind(payload)
        .bind(traceparent)
        .execute(self)
        .await
        .map(drop)
    }
}

/// An event's outbox row, for a change written with its event in one statement (one round
/// trip, no explicit transaction) instead of [`Outbox::record`] inside a transaction.
#[derive(Debug, Clone)]
pub struct PendingRow {
    event_id: uuid::Uuid,
    topic: std::sync::Arc<str>,
    key: String,
    payload: String,
    traceparent: Option<String>,
}

impl Outbox {
    /// The row [`push_insert_from`] writes for `event`.
    pub fn pending_row(
        &self,
        event: &CloudEvent,
        context: &RequestContext,
    ) -> serde_json::Result<PendingRow> {
        Ok(PendingRow {
            event_id: event.id,
            topic: self.topic.clone(),
            key: event.subject.clone(),
            payload: event.payload(&context.caller)?,
            traceparent: context.traceparent.clone(),
        })
    }
}

/// Pushes `INSERT INTO outbox ... SELECT ... FROM <source>`: writes `row` once for each row of
/// `source`, typically a data-modifying CTE of the same statement returning the changed row,
/// so the event is written exactly when the change is, and not at all when it fails.
pub fn push_insert_from<'q>(
    query: &mut QueryBuilder<'q, Postgres>,
    row: &'q PendingRow,
    source: &str,
) {
    query.push("INSERT INTO outbox (event_id, topic, message_key, payload, traceparent) SELECT ");
    let mut values = query.separated(", ");
    values.push_bind(row.event_id);
    values.push_bind(&*row.topic);
    values.push_bind(&row.key);
    values.push_bind(&row.payload);
    values.push_bind(&row.traceparent);
    query.push(" FROM ").push(source);
}

/// Relay side of the PostgreSQL outbox.
#[derive(Clone, Debug)]
pub struct PgOutbox(pub PgPool);

impl OutboxStore for PgOutbox {
    async fn ensure_schema(&self) -> sqlx::Result<()> {
        sqlx::query(CREATE_TABLE).execute(&self.0).await?;
        for index in CREATE_INDEXES {
            sqlx::query(index).execute(&self.0).await?;
        }
        Ok(())
    }

    async fn purge_published(&self, older_than: std::time::Duration) -> sqlx::Result<u64> {
        let deleted = sqlx::query(
            "DELETE FROM outbox WHERE seq IN (
                 SELECT seq FROM outbox WHERE published_at < now() - make_interval(secs => $1)
                 ORDER BY published_at LIMIT $2)",
        )
        .bind(older_than.as_secs_f64())
        .bind(PURGE_BATCH)
        .execute(&self.0)
        .await?;
        Ok(deleted.rows_affected())
    }

    async fn publish_pending(&self, producer: &FutureProducer) -> anyhow::Result<Published> {
        let mut tx = self.0.begin().await?;
        let pending: Vec<PendingMessage> = sqlx::query_as(
            "SELECT seq, topic, message_key, payload, traceparent FROM outbox
             WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE",
        )
        .bind(BATCH_SIZE)
        .fetch_all(&mut *tx)
        .await?;
        let mut published = Published {
            read: pending.len(),
            acknowledged: 0,
        };
        if published.read > 0 {
            let acknowledged = send_batch(producer, pending).await;
            published.acknowledged = acknowledged.len();
            sqlx::query("UPDATE outbox SET published_at = now() WHERE seq = ANY($1)")
                .bind(&acknowledged)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(published)
    }
}
