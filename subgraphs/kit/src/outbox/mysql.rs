//! The outbox table in MySQL / MariaDB.

use rdkafka::producer::FutureProducer;
use sqlx::{MySqlConnection, MySqlPool, QueryBuilder};

use super::{
    BATCH_SIZE, OutboxConnection, OutboxRow, OutboxStore, PURGE_BATCH, PendingMessage, Published,
    send_batch,
};

/// The kit owns this table's shape; services create it at start ([`OutboxStore::ensure_schema`]).
const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS outbox (
    seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id CHAR(36) NOT NULL,
    topic VARCHAR(249) NOT NULL,
    message_key VARCHAR(255) NOT NULL,
    payload LONGTEXT NOT NULL,
    traceparent VARCHAR(55) NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    published_at TIMESTAMP(6) NULL,
    UNIQUE KEY outbox_event_id (event_id),
    KEY outbox_pending (published_at, seq)
) ENGINE = InnoDB";

impl OutboxConnection for MySqlConnection {
    async fn insert_row(&mut self, row: &OutboxRow) -> sqlx::Result<()> {
        insert_rows(self, &[row]).await
    }
}

async fn insert_rows<'c, E: sqlx::MySqlExecutor<'c>>(
    executor: E,
    rows: &[&OutboxRow],
) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut query = QueryBuilder::<sqlx::MySql>::new(
        "INSERT INTO outbox (event_id, topic, message_key, payload, traceparent) ",
    );
    query.push_values(rows, |mut values, row| {
        values
            .push_bind(row.event_id.to_string())
            .push_bind(&*row.topic)
            .push_bind(&row.key)
            .push_bind(&row.payload)
            .push_bind(&row.traceparent);
    });
    query.build().execute(executor).await.map(drop)
}

/// Relay side of the MySQL outbox.
#[derive(Clone, Debug)]
pub struct MySqlOutbox(pub MySqlPool);

impl OutboxStore for MySqlOutbox {
    async fn ensure_schema(&self) -> sqlx::Result<()> {
        sqlx::query(CREATE_TABLE).execute(&self.0).await.map(drop)
    }

    async fn insert_rows(&self, rows: &[&OutboxRow]) -> sqlx::Result<()> {
        insert_rows(&self.0, rows).await
    }

    async fn purge_published(&self, older_than: std::time::Duration) -> sqlx::Result<u64> {
        // `outbox_pending (published_at, seq)` serves this range too.
        let deleted = sqlx::query(
            "DELETE FROM outbox WHERE published_at < NOW(6) - INTERVAL ? MICROSECOND
             ORDER BY published_at LIMIT ?",
        )
        .bind(i64::try_from(older_than.as_micros()).unwrap_or(i64::MAX))
        .bind(PURGE_BATCH)
        .execute(&self.0)
        .await?;
        Ok(deleted.rows_affected())
    }

    async fn publish_pending(&self, producer: &FutureProducer) -> anyhow::Result<Published> {
        let mut conn = self.0.acquire().await?;
        // READ COMMITTED: lock only the rows read. Under the default REPEATABLE READ the
        // locking read also locks the gap after the last pending row, and every mutation's
        // outbox INSERT would wait behind a relay stuck on an unreachable broker.
        sqlx::query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            .execute(&mut *conn)
            .await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let pending: Vec<PendingMessage> = sqlx::query_as(
            "SELECT seq, topic, message_key, payload, traceparent FROM outbox
             WHERE published_at IS NULL ORDER BY seq LIMIT ? FOR UPDATE",
        )
        .bind(BATCH_SIZE)
        .fetch_all(&mut *tx)
        .await?;
        let read = pending.len();
        if read == 0 {
            tx.commit().await?;
            return Ok(Published {
                read,
                acknowledged: 0,
            });
        }
        let acknowledged = send_batch(producer, pending).await;
        let published = Published {
            read,
            acknowledged: acknowledged.len(),
        };
        if !acknowledged.is_empty() {
            let mut update = QueryBuilder::new(
                "UPDATE outbox SET published_at = CURRENT_TIMESTAMP(6) WHERE seq IN (",
            );
            let mut seqs = update.separated(", ");
            for seq in acknowledged {
                seqs.push_bind(seq);
            }
            update.push(")");
            update.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(published)
    }
}
