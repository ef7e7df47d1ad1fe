use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest as _, http::HeaderValue};

use crate::helpers::{clinic, days_ahead};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a `graphql-transport-ws` session on `base_url` and starts `query`.
async fn subscribe(base_url: &str, query: &str) -> Socket {
    let mut request = format!("{}/ws", base_url.replace("http://", "ws://"))
        .into_client_request()
        .expect("ws request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("ws connects");
    socket
        .send(Message::text(
            json!({ "type": "connection_init" }).to_string(),
        ))
        .await
        .expect("init");
    assert_eq!(next_message(&mut socket).await["type"], "connection_ack");
    socket
        .send(Message::text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string(),
        ))
        .await
        .expect("subscribe");
    socket
}

async fn next_message(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("a message within 20 s")
            .expect("socket open")
            .expect("readable");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("json");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subscriber_on_one_replica_sees_changes_made_through_another_for_its_doctor_only() {
    let clinic = clinic().await;
    let replica = clinic.replica().await;
    assert!(
        clinic.app.wait_ready(Duration::from_secs(30)).await,
        "first instance ready"
    );
    assert!(
        replica.wait_ready(Duration::from_secs(30)).await,
        "replica's live feed assigned"
    );
    // Starting at the latest offset is resolved just after assignment.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let patient = clinic.patient("ana@example.com").await;
    let watched = clinic.doctor("watched@clinic.org", json!({})).await;
    let other = clinic.doctor("other@clinic.org", json!({})).await;
    let mut socket = subscribe(
        &replica.base_url,
        &format!(
            "subscription {{ appointmentUpdated(doctorId: \"{watched}\") {{ kind appointment {{ id doctorId status }} }} }}"
        ),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let date = days_ahead(2);
    clinic.booked(&patient, &other, &date, "09:00", 30).await;
    let id = clinic.booked(&patient, &watched, &date, "10:00", 30).await;
    clinic
        .app
        .query(
            "mutation($id: ID!) { cancelAppointment(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;

    let created = next_message(&mut socket).await;
    assert_eq!(created["type"], "next", "{created}");
    assert_eq!(
        created["payload"]["data"]["appointmentUpdated"],
        json!({ "kind": "CREATED", "appointment": { "id": id, "doctorId": watched, "status": "SCHEDULED" } }),
        "the other doctor's booking is filtered out"
    );
    let cancelled = next_message(&mut socket).await;
    assert_eq!(
        cancelled["payload"]["data"]["appointmentUpdated"]["kind"], "CANCELLED",
        "{cancelled}"
    );
    assert_eq!(
        cancelled["payload"]["data"]["appointmentUpdated"]["appointment"]["status"],
        "CANCELLED"
    );
}
