//! The outbox table in PostgreSQL.

use rdkafka::producer::FutureProducer;
use sqlx::{PgConnection, PgPool};

use super::{BATCH_SIZE, OutboxConnection, OutboxStore, PendingMessage, send_batch};
use crate::events::CloudEvent;

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
const CREATE_INDEX: &str =
    "CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (seq) WHERE published_at IS NULL";

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

/// Relay side of the PostgreSQL outbox.
#[derive(Clone, Debug)]
pub struct PgOutbox(pub PgPool);

impl OutboxStore for PgOutbox {
    async fn ensure_schema(&self) -> sqlx::Result<()> {
        sqlx::query(CREATE_TABLE).execute(&self.0).await?;
        sqlx::query(CREATE_INDEX).execute(&self.0).await.map(drop)
    }

    async fn publish_pending(&self, producer: &FutureProducer) -> anyhow::Result<usize> {
        let mut tx = self.0.begin().await?;
        let pending: Vec<PendingMessage> = sqlx::query_as(
            "SELECT seq, topic, message_key, payload, traceparent FROM outbox
             WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE",
        )
        .bind(BATCH_SIZE)
        .fetch_all(&mut *tx)
        .await?;
        let read = pending.len();
        if read > 0 {
            let acknowledged = send_batch(producer, pending).await;
            sqlx::query("UPDATE outbox SET published_at = now() WHERE seq = ANY($1)")
                .bind(&acknowledged)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(read)
    }
}
