use std::time::Duration;

use kit::{
    error::DATABASE_CONNECTION_LOST_MESSAGE,
    outbox::{Outbox, Relay, mysql::MySqlOutbox},
    settings::KafkaSettings,
    testing::{
        CuttableProxy, TestDatabase, assert_error, kafka_brokers, service_settings, unique_topic,
    },
};
use serde_json::json;

use crate::helpers::{CREATE, PatientsApi as _, spawn_with, start};

#[tokio::test]
async fn with_kafka_down_registration_succeeds_and_the_event_follows_once_it_is_back() {
    // The service's relay points at a dead broker address: Kafka is "down" for it.
    let app = spawn_with(|settings| settings.kafka.brokers = "127.0.0.1:1".to_owned()).await;

    let id = app
        .create_patient("Hana", "hana@example.com", "1234567")
        .await;
    // The relay is now holding that event while the dead broker times it out (10 s); a
    // registration meanwhile must not queue behind it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = tokio::time::timeout(
        Duration::from_secs(5),
        app.create_patient("Iris", "iris@example.com", "1234567"),
    )
    .await
    .expect("a registration is not held up by the stuck relay");
    assert_eq!(app.patient_rows().await, 2);
    let pending: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL AND topic = ?")
            .bind(&app.topic)
            .fetch_one(&app.pool)
            .await
            .expect("outbox");
    assert_eq!(pending, 2, "the events wait in the outbox");

    // Kafka "comes back": a relay on the live broker drains the same outbox.
    let live = KafkaSettings {
        sweep_interval_ms: 100,
        ..KafkaSettings::new(kafka_brokers())
    };
    let relay = Relay::new(
        MySqlOutbox(app.pool.clone()),
        &live,
        &Outbox::new(app.topic.clone()),
        Duration::from_millis(100),
    )
    .expect("relay");
    let stop = tokio_util::sync::CancellationToken::new();
    let running = tokio::spawn(relay.run(stop.clone()));

    let events = app.events(2).await;
    stop.cancel();
    running.await.expect("relay stops");
    assert_eq!(events.len(), 2, "each published exactly once: {events:?}");
    let mut subjects: Vec<&str> = events.iter().map(|event| event.subject.as_str()).collect();
    subjects.sort_unstable();
    let mut expected = [id.as_str(), second.as_str()];
    expected.sort_unstable();
    assert_eq!(subjects, expected);
    let published: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE published_at IS NOT NULL AND topic = ?",
    )
    .bind(&app.topic)
    .fetch_one(&app.pool)
    .await
    .expect("outbox");
    assert_eq!(published, 2);
}

#[tokio::test]
async fn with_the_database_down_ready_says_so_mutations_fail_safely_and_service_recovers() {
    let db = TestDatabase::mysql().await;
    let server = db
        .url
        .trim_start_matches("mysql://")
        .split_once('@')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let target = server.split('/').next().unwrap_or_default().to_owned();
    let proxy = CuttableProxy::start(target.clone()).await;
    let proxied_url = db
        .url
        .replacen(&target, &format!("127.0.0.1:{}", proxy.port), 1);
    let topic = unique_topic("patient-events");
    let app = start(service_settings(&proxied_url, &topic), db, topic).await;
    let ready = || app.get("/ready");
    assert_eq!(ready().await.status(), 200);

    proxy.cut();
    let response = app
        .query(
            CREATE,
            json!({ "input": { "name": "Ivo", "email": "ivo@example.com", "phone": "1234567" } }),
        )
        .await;
    // The connection broke under the request: a retry is advised, internals stay out.
    assert_error(&response, "UPSTREAM_UNAVAILABLE", None);
    let text = response.to_string();
    assert_eq!(
        response["errors"][0]["message"],
        DATABASE_CONNECTION_LOST_MESSAGE
    );
    assert!(
        !text.contains("mysql") && !text.contains(&proxy.port.to_string()),
        "leaks internals: {text}"
    );
    let not_ready = ready().await;
    assert_eq!(not_ready.status(), 503);
    let body: serde_json::Value = not_ready.json().await.expect("json");
    assert!(
        body["checks"]["database"]
            .as_str()
            .unwrap_or_default()
            .starts_with("down"),
        "{body}"
    );

    proxy.restore();
    let mut recovered = false;
    for _ in 0..50 {
        if ready().await.status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(recovered, "/ready recovers when the database returns");
    app.create_patient("Ivo", "ivo@example.com", "1234567")
        .await;
    assert_eq!(app.patient_rows().await, 1);
}
