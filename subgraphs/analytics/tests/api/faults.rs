//! Bad messages, restarts, crashes between steps, and the database away: nothing is lost
//! and nothing is counted twice.

use std::time::Duration;

use analytics::store::{Prepared, StatsStore};
use kit::testing::{CuttableProxy, read_messages};
use serde_json::json;

use super::{
    counting::{figures, publish, reference_figures},
    helpers::{analytics, analytics_via},
    script::week,
};

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_messages_go_to_the_dead_letter_topic_and_the_rest_is_counted() {
    let analytics = analytics().await;
    let topic = analytics.topics.appointments.clone();
    analytics.publish_raw(&topic, "k1", b"not json").await;
    let mut broken = week()
        .events
        .into_iter()
        .map(|(_, event)| event)
        .find(|event| event.event_type == "pms.appointment.created.v1")
        .expect("a booking");
    broken.data = json!({ "appointment": { "id": broken.subject } });
    analytics.publish(&topic, &broken).await;
    let script = week();
    publish(&analytics, &script).await;
    analytics.settled().await;

    let dead = read_messages(
        &format!("{topic}.dlq"),
        2,
        Duration::from_secs(30),
        Duration::from_secs(1),
    )
    .await;
    assert_eq!(dead.len(), 2, "both bad messages dead-lettered");
    let reasons: Vec<&str> = dead.iter().filter_map(|m| m.header("dlq-reason")).collect();
    assert!(
        reasons.iter().any(|r| r.contains("not a CloudEvent")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("pms.appointment.created.v1 data is not valid")),
        "{reasons:?}"
    );
    assert_eq!(
        analytics.stored_events().await,
        script.events.len() as u64,
        "bad messages are not stored"
    );
    let figures = figures(&analytics, &script).await;
    assert_eq!(figures["dashboard"]["appointmentsBooked"], 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_resumes_where_it_stopped_without_loss() {
    let script = week();
    let expected = reference_figures(&script).await;

    let mut analytics = analytics().await;
    let (first, rest) = script.events.split_at(10);
    for (topic, event) in first {
        analytics.publish(analytics.topic(*topic), event).await;
    }
    analytics.settled().await;
    // Stopped; the rest arrives while it is down.
    analytics.stop().await;
    for (topic, event) in rest {
        analytics.publish(analytics.topic(*topic), event).await;
    }
    analytics.start().await;
    analytics.settled().await;

    assert_eq!(figures(&analytics, &script).await, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_interrupted_between_steps_is_finished_once() {
    let script = week();
    let expected = reference_figures(&script).await;

    let mut analytics = analytics().await;
    let db = analytics::store::connect(&analytics.settings.mongo_url, &analytics.settings.database)
        .await
        .expect("connect");
    let store = StatsStore::new(db, analytics.settings.reading.clone());
    store.reload().await.expect("loaded");
    let prepared: Vec<Prepared> = script
        .events
        .iter()
        .map(|(topic, event)| {
            Prepared::new(analytics.topic(*topic), event.clone(), store.reading())
                .expect("prepared")
        })
        .collect();
    let (early, late) = prepared.split_at(11);
    // The service crashes (stopped here) ...
    analytics.stop().await;
    // ... after storing one batch's events, before counting them, and after counting
    // another's, before marking it finished.
    store.note(early).await.expect("noted");
    let noted = store.note(late).await.expect("noted");
    store.apply(&noted.id, &noted.total).await.expect("applied");

    // It starts again and Kafka delivers all of them again (never committed).
    analytics.start().await;
    publish(&analytics, &script).await;
    analytics.settled().await;
    assert_eq!(figures(&analytics, &script).await, expected);

    // Start-up finishes whatever is still unfinished: nothing changes.
    analytics.start().await;
    assert_eq!(figures(&analytics, &script).await, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_database_away_events_wait_and_are_counted_after() {
    let proxy = CuttableProxy::start("127.0.0.1:27017".to_owned()).await;
    let analytics = analytics_via(Some(format!(
        "mongodb://127.0.0.1:{}/?directConnection=true",
        proxy.port
    )))
    .await;
    let script = week();
    proxy.cut();
    publish(&analytics, &script).await;
    let ready = analytics.app().get("/ready").await;
    assert_eq!(ready.status(), 503);
    let body = ready.text().await.expect("body");
    assert!(body.contains("database"), "{body}");
    // Queries keep answering from the read model: what was counted before the outage.
    let response = analytics
        .app()
        .query(
            "{ dashboard(from: \"2025-03-03\", to: \"2025-03-09\") { appointmentsBooked } }",
            json!({}),
        )
        .await;
    assert_eq!(
        response["data"]["dashboard"]["appointmentsBooked"], 0,
        "{response}"
    );

    tokio::time::sleep(Duration::from_secs(2)).await;
    proxy.restore();
    analytics.settled().await;
    assert_eq!(analytics.stored_events().await, script.events.len() as u64);
    let figures = figures(&analytics, &script).await;
    assert_eq!(figures["dashboard"]["appointmentsBooked"], 4);
    assert_eq!(figures["dashboard"]["revenueOutstanding"], "80.00");
}
