//! The outbox on both databases against the real Kafka: committed events are published
//! once, rolled-back ones never.

use std::time::Duration;

use kit::{
    context::RequestContext,
    events::CloudEvent,
    outbox::{Outbox, OutboxConnection, OutboxStore, Relay},
    settings::KafkaSettings,
    testing::{TestDatabase, kafka_brokers, read_events, unique_topic},
};
use tokio_util::sync::CancellationToken;

fn event(subject: &str) -> CloudEvent {
    CloudEvent::new(
        "test",
        "pms.test.recorded.v1",
        subject,
        serde_json::json!({ "n": subject }),
    )
}

async fn relay_until_published<S: OutboxStore>(
    store: S,
    outbox: &Outbox,
    topic: &str,
    expected: usize,
) -> Vec<CloudEvent> {
    let kafka = KafkaSettings {
        sweep_interval_ms: 100,
        ..KafkaSettings::new(kafka_brokers())
    };
    let relay = Relay::new(store, &kafka, outbox, Duration::from_millis(100)).expect("relay");
    let stop = CancellationToken::new();
    let running = tokio::spawn(relay.run(stop.clone()));
    let events = read_events(
        topic,
        expected,
        Duration::from_secs(30),
        Duration::from_secs(1),
    )
    .await;
    stop.cancel();
    running.await.expect("relay stops");
    events
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql_outbox_publishes_committed_events_only() {
    let db = TestDatabase::mysql().await;
    let pool = sqlx::MySqlPool::connect(&db.url).await.expect("connect");
    kit::outbox::mysql::MySqlOutbox(pool.clone())
        .ensure_schema()
        .await
        .expect("outbox table");
    let topic = unique_topic("outbox");
    let outbox = Outbox::new(topic.clone());
    let context = RequestContext::default();

    let mut committed = pool.begin().await.expect("tx");
    outbox
        .record(&mut *committed, &event("kept"), &context)
        .await
        .expect("record");
    committed.commit().await.expect("commit");
    let mut rolled_back = pool.begin().await.expect("tx");
    outbox
        .record(&mut *rolled_back, &event("dropped"), &context)
        .await
        .expect("record");
    rolled_back.rollback().await.expect("rollback");

    let events = relay_until_published(
        kit::outbox::mysql::MySqlOutbox(pool.clone()),
        &outbox,
        &topic,
        1,
    )
    .await;
    let subjects: Vec<&str> = events.iter().map(|event| event.subject.as_str()).collect();
    assert_eq!(subjects, ["kept"]);
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(pending, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_outbox_publishes_committed_events_only_in_order() {
    let db = TestDatabase::postgres().await;
    let pool = sqlx::PgPool::connect(&db.url).await.expect("connect");
    kit::outbox::postgres::PgOutbox(pool.clone())
        .ensure_schema()
        .await
        .expect("outbox table");
    let topic = unique_topic("outbox");
    let outbox = Outbox::new(topic.clone());
    let context = RequestContext {
        traceparent: Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned()),
        ..RequestContext::default()
    };

    for n in 0..5 {
        let mut tx = pool.begin().await.expect("tx");
        let mut same_key = event("same-aggregate");
        same_key.data = serde_json::json!({ "n": n });
        outbox
            .record(&mut *tx, &same_key, &context)
            .await
            .expect("record");
        tx.commit().await.expect("commit");
    }
    let mut rolled_back = pool.begin().await.expect("tx");
    outbox
        .record(&mut *rolled_back, &event("dropped"), &context)
        .await
        .expect("record");
    drop(rolled_back);

    let events = relay_until_published(
        kit::outbox::postgres::PgOutbox(pool.clone()),
        &outbox,
        &topic,
        5,
    )
    .await;
    let order: Vec<i64> = events
        .iter()
        .map(|event| event.data["n"].as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(
        order,
        [0, 1, 2, 3, 4],
        "same-key events keep their order, and nothing else came"
    );
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(pending, 0);
    pool.close().await;
}

/// Publishes three events and leaves a fourth pending, then purges: rows published within
/// the retention stay; past it the published rows go and the pending one stays, to be
/// published after.
async fn retention_deletes_published_rows_only<DB, S>(pool: sqlx::Pool<DB>, store: S)
where
    DB: sqlx::Database,
    DB::Connection: OutboxConnection,
    S: OutboxStore,
{
    store.ensure_schema().await.expect("outbox table");
    let topic = unique_topic("outbox-retention");
    let outbox = Outbox::new(topic.clone());
    let context = RequestContext::default();
    let mut conn = pool.acquire().await.expect("connection");
    for subject in ["one", "two", "three"] {
        outbox
            .record(&mut *conn, &event(subject), &context)
            .await
            .expect("record");
    }
    let kafka = KafkaSettings {
        sweep_interval_ms: 100,
        ..KafkaSettings::new(kafka_brokers())
    };
    let relay = Relay::new(store, &kafka, &outbox, Duration::from_millis(100)).expect("relay");
    assert_eq!(relay.publish_once().await.expect("publish").read, 3);
    outbox
        .record(&mut *conn, &event("four"), &context)
        .await
        .expect("record");

    assert_eq!(
        relay.purge_once(Duration::from_secs(3600)).await,
        0,
        "published just now: within the retention"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        relay.purge_once(Duration::from_millis(200)).await,
        3,
        "the three published rows, not the pending one"
    );
    assert_eq!(relay.purge_once(Duration::from_millis(200)).await, 0);
    assert_eq!(
        relay.publish_once().await.expect("publish").read,
        1,
        "the pending row survived the purge"
    );
    let events = read_events(
        &topic,
        4,
        Duration::from_secs(30),
        Duration::from_millis(500),
    )
    .await;
    // Different keys, different partitions: no order between them.
    let mut subjects: Vec<&str> = events.iter().map(|event| event.subject.as_str()).collect();
    subjects.sort_unstable();
    assert_eq!(subjects, ["four", "one", "three", "two"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql_outbox_deletes_published_rows_past_their_retention() {
    let db = TestDatabase::mysql().await;
    let pool = sqlx::MySqlPool::connect(&db.url).await.expect("connect");
    retention_deletes_published_rows_only(
        pool.clone(),
        kit::outbox::mysql::MySqlOutbox(pool.clone()),
    )
    .await;
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_outbox_deletes_published_rows_past_their_retention() {
    let db = TestDatabase::postgres().await;
    let pool = sqlx::PgPool::connect(&db.url).await.expect("connect");
    retention_deletes_published_rows_only(
        pool.clone(),
        kit::outbox::postgres::PgOutbox(pool.clone()),
    )
    .await;
    pool.close().await;
}
