//! The outbox table in PostgreSQL.

use rdkafka::producer::FutureProducer;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use super::{
    BATCH_SIZE, OutboxConnection, OutboxRow, OutboxStore, PURGE_BATCH, PendingMessage, Published,
    send_batch,
};

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
    async fn insert_row(&mut self, row: &OutboxRow) -> sqlx::Result<()> {
        insert_rows(self, &[row]).await
    }
}

const INSERT: &str = "INSERT INTO outbox (event_id, topic, message_key, payload, traceparent) ";

async fn insert_rows<'c, E: sqlx::PgExecutor<'c>>(
    executor: E,
    rows: &[&OutboxRow],
) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut query = QueryBuilder::<Postgres>::new(INSERT);
    query.push_values(rows, |mut values, row| {
        values
            .push_bind(row.event_id)
            .push_bind(&*row.topic)
            .push_bind(&row.key)
            .push_bind(&row.payload)
            .push_bind(&row.traceparent);
    });
    query.build().execute(executor).await.map(drop)
}

/// Pushes `INSERT INTO outbox ... SELECT ... FROM <source>`: writes `rows` once for each row
/// of `source`, typically a data-modifying CTE of the same statement returning the changed
/// row, so the event (and its audit record) is written exactly when the change is, and not
/// at all when it fails.
pub fn push_insert_from<'q>(
    query: &mut QueryBuilder<'q, Postgres>,
    rows: &'q [OutboxRow],
    source: &str,
) {
    query.push(INSERT);
    for (n, row) in rows.iter().enumerate() {
        if n > 0 {
            query.push(" UNION ALL ");
        }
        query.push("SELECT ");
        let mut values = query.separated(", ");
        values.push_bind(row.event_id);
        values.push_bind(&*row.topic);
        values.push_bind(&row.key);
        values.push_bind(&row.payload);
        values.push_bind(&row.traceparent);
        query.push(" FROM ").push(source);
    }
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

    async fn insert_rows(&self, rows: &[&OutboxRow]) -> sqlx::Result<()> {
        insert_rows(&self.0, rows).await
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
