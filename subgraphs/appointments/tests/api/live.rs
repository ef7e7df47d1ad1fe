use std::time::Duration;

use kit::testing::GraphqlSubscription;
use serde_json::json;

use crate::helpers::{clinic, days_ahead};

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
    let mut socket = GraphqlSubscription::start(
        &format!("{}/ws", replica.base_url.replace("http://", "ws://")),
        None,
        "subscription($doctor: ID) { appointmentUpdated(doctorId: $doctor) { kind appointment { id doctorId status } } }",
        json!({ "doctor": watched }),
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

    let created = socket.next().await;
    assert_eq!(created["type"], "next", "{created}");
    assert_eq!(
        created["payload"]["data"]["appointmentUpdated"],
        json!({ "kind": "CREATED", "appointment": { "id": id, "doctorId": watched, "status": "SCHEDULED" } }),
        "the other doctor's booking is filtered out"
    );
    let cancelled = socket.next().await;
    assert_eq!(
        cancelled["payload"]["data"]["appointmentUpdated"]["kind"], "CANCELLED",
        "{cancelled}"
    );
    assert_eq!(
        cancelled["payload"]["data"]["appointmentUpdated"]["appointment"]["status"],
        "CANCELLED"
    );
}
