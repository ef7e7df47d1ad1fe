use std::time::Duration;

use kit::{
    outbox::{Outbox, Relay, postgres::PgOutbox},
    settings::KafkaSettings,
    testing::kafka_brokers,
};
use serde_json::json;

use crate::helpers::{clinic_with, days_ahead};

#[tokio::test(flavor = "multi_thread")]
async fn with_kafka_down_bookings_succeed_and_their_events_follow_once_it_is_back() {
    // The appointments service's Kafka is a dead address: the broker is "down" for it.
    let clinic =
        clinic_with(|settings| settings.service.kafka.brokers = "127.0.0.1:1".to_owned()).await;
    let patient = clinic.patient("ana@example.com").await;
    let doctor = clinic.doctor("rui@clinic.org", json!({})).await;
    let date = days_ahead(3);
    let mut booked = Vec::new();
    for time in ["09:00", "10:00", "11:00"] {
        booked.push(clinic.booked(&patient, &doctor, &date, time, 30).await);
    }
    assert_eq!(
        clinic.rows().await,
        (3, 3),
        "three appointments, three pending events"
    );

    let live = KafkaSettings {
        sweep_interval_ms: 100,
        ..KafkaSettings::new(kafka_brokers())
    };
    let relay = Relay::new(
        PgOutbox(clinic.app.pool.clone()),
        &live,
        &Outbox::new(clinic.app.topic.clone()),
        Duration::from_millis(100),
    )
    .expect("relay");
    let stop = tokio_util::sync::CancellationToken::new();
    let running = tokio::spawn(relay.run(stop.clone()));
    let events = clinic.app.events(3).await;
    stop.cancel();
    running.await.expect("relay stops");

    let mut ids: Vec<_> = events.iter().map(|event| event.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 3, "three distinct events: {events:?}");
    assert_eq!(events.len(), 3, "each exactly once");
    let mut subjects: Vec<&str> = events.iter().map(|event| event.subject.as_str()).collect();
    subjects.sort_unstable();
    booked.sort_unstable();
    assert_eq!(subjects, booked, "one event per booking");
}
