//! What travels through the router besides queries: server-sent events for subscriptions,
//! and the caller's trace context and identity into the events a mutation produces.

use std::time::Duration;

use kit::testing::read_messages;
use serde_json::{Value, json};

use super::{
    journey::{BOOK, book, booking, doctor, in_days, patient},
    system::system,
};

/// The JSON `data:` payloads of the complete server-sent events in `buffer`, which keeps
/// any incomplete event.
fn take_events(buffer: &mut String) -> Vec<Value> {
    let mut events = Vec::new();
    while let Some(end) = buffer.find("\n\n") {
        let event: String = buffer.drain(..end + 2).collect();
        let data: String = event
            .lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .map(str::trim)
            .collect();
        if let Ok(value) = serde_json::from_str(&data) {
            events.push(value);
        }
    }
    events
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subscriber_over_server_sent_events_sees_a_booking_with_its_people() {
    let system = system().await;
    let patient = patient(&system, "ada@example.org").await;
    let doctor = doctor(&system, "grace@clinic.org").await;
    let mut stream = reqwest::Client::new()
        .post(format!("{}/graphql", system.router_url))
        .bearer_auth(&system.credentials.admin)
        .header("accept", "text/event-stream")
        .json(&json!({
            "query": "subscription($doctor: ID) { appointmentUpdated(doctorId: $doctor) {
                kind appointment { id patient { name } doctor { name } }
            } }",
            "variables": { "doctor": doctor },
        }))
        .send()
        .await
        .expect("subscription request");
    assert!(stream.status().is_success(), "{}", stream.status());
    let content_type = stream.headers()["content-type"]
        .to_str()
        .unwrap_or_default();
    assert!(
        content_type.starts_with("text/event-stream"),
        "{content_type}"
    );
    // The router opens the subgraph subscription; its consumer starts at the latest offset.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let id = book(&system, &patient, &doctor, &in_days(2), "10:00").await;

    let mut buffer = String::new();
    let update = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let chunk = stream
                .chunk()
                .await
                .expect("the stream stays open")
                .expect("the stream does not end");
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            if let Some(update) = take_events(&mut buffer)
                .into_iter()
                .find(|event| !event["data"]["appointmentUpdated"].is_null())
            {
                return update;
            }
        }
    })
    .await
    .expect("an update within 20 s");
    assert_eq!(
        update["data"]["appointmentUpdated"],
        json!({ "kind": "CREATED", "appointment": {
            "id": id, "patient": { "name": "Ada Lovelace" }, "doctor": { "name": "Grace Hopper" },
        } })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_callers_trace_and_identity_reach_the_event_of_a_booking_made_through_the_router() {
    let system = system().await;
    let patient = patient(&system, "ada@example.org").await;
    let doctor = doctor(&system, "grace@clinic.org").await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let response: Value = reqwest::Client::new()
        .post(format!("{}/graphql", system.router_url))
        .bearer_auth(&system.credentials.admin)
        .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
        .json(&json!({ "query": BOOK, "variables": booking(&patient, &doctor, &in_days(3), "09:00") }))
        .send()
        .await
        .expect("booking request")
        .json()
        .await
        .expect("a JSON answer");
    assert!(response["errors"].is_null(), "{response}");

    let messages = read_messages(
        &system.appointments.topic,
        1,
        Duration::from_secs(30),
        Duration::from_millis(200),
    )
    .await;
    let traceparent = messages
        .first()
        .and_then(|message| message.header("traceparent"))
        .unwrap_or_else(|| {
            let headers = messages.first().map(|message| &message.headers);
            panic!("a traceparent header on the event; its headers: {headers:?}")
        });
    assert_eq!(
        traceparent.split('-').nth(1),
        Some(trace_id),
        "{traceparent}"
    );
    // And who made the change: the token's subject and role, as CloudEvents extensions.
    let event: Value = serde_json::from_slice(&messages[0].payload).expect("a CloudEvent");
    assert_eq!(event["actor"], "administrator@development", "{event}");
    assert_eq!(event["actorrole"], "administrator", "{event}");
}
