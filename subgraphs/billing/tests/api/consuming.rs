use std::time::Duration;

use kit::testing::read_messages;
use uuid::Uuid;

use crate::helpers::{Change, appointment_event, billing};

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_becomes_one_unpaid_bill_priced_by_its_service_and_announced() {
    let billing = billing().await;
    let (appointment, patient) = (Uuid::now_v7(), Uuid::now_v7());

    billing
        .publish(&appointment_event(
            Change::Created,
            appointment,
            patient,
            "SURGERY",
        ))
        .await;

    assert_eq!(
        billing.bill_when(appointment, |_| true).await,
        ("UNPAID".to_owned(), "1200.50".to_owned())
    );
    let events = billing.app.events(1).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].event_type, "pms.bill.created.v1");
    assert_eq!(events[0].data["bill"]["amount"], "1200.50");
    assert_eq!(events[0].data["bill"]["currency"], "EUR");
    assert_eq!(
        events[0].data["bill"]["appointmentId"],
        appointment.to_string()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_event_delivered_three_times_makes_one_bill() {
    let billing = billing().await;
    let event = appointment_event(
        Change::Created,
        Uuid::now_v7(),
        Uuid::now_v7(),
        "CONSULTATION",
    );
    // The same booking announced again under a new event id (a replay) is also harmless.
    let mut replayed = event.clone();
    replayed.id = Uuid::now_v7();

    for _ in 0..3 {
        billing.publish(&event).await;
    }
    billing.publish(&replayed).await;

    assert!(billing.processed(2).await, "both distinct events applied");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(billing.bills().await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn cancellation_voids_an_unpaid_bill_even_when_it_arrives_first() {
    let billing = billing().await;
    let patient = Uuid::now_v7();
    let (in_order, out_of_order) = (Uuid::now_v7(), Uuid::now_v7());

    billing
        .publish(&appointment_event(
            Change::Created,
            in_order,
            patient,
            "CONSULTATION",
        ))
        .await;
    billing
        .publish(&appointment_event(
            Change::Cancelled,
            in_order,
            patient,
            "CONSULTATION",
        ))
        .await;
    billing
        .publish(&appointment_event(
            Change::Cancelled,
            out_of_order,
            patient,
            "CONSULTATION",
        ))
        .await;
    billing
        .publish(&appointment_event(
            Change::Created,
            out_of_order,
            patient,
            "CONSULTATION",
        ))
        .await;

    assert_eq!(
        billing
            .bill_when(in_order, |status| status == "VOID")
            .await
            .0,
        "VOID"
    );
    assert_eq!(billing.bill_when(out_of_order, |_| true).await.0, "VOID");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poison_message_goes_to_the_dlq_and_the_next_event_is_still_billed() {
    let billing = billing().await;
    let appointment = Uuid::now_v7();
    let mut no_facts = appointment_event(
        Change::Created,
        Uuid::now_v7(),
        Uuid::now_v7(),
        "CONSULTATION",
    );
    no_facts.data = serde_json::json!({ "something": "else" });

    billing.publish_raw("garbage", b"{ not json").await;
    billing.publish(&no_facts).await;
    billing
        .publish(&appointment_event(
            Change::Created,
            appointment,
            Uuid::now_v7(),
            "CONSULTATION",
        ))
        .await;

    assert_eq!(billing.bill_when(appointment, |_| true).await.0, "UNPAID");
    let dead = read_messages(
        &format!("{}.dlq", billing.appointments_topic),
        2,
        Duration::from_secs(20),
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(dead.len(), 2, "{dead:?}");
    assert!(dead.iter().any(|message| message.payload == b"{ not json"));
    assert!(
        dead.iter().any(|message| message
            .header("dlq-reason")
            .unwrap_or_default()
            .contains("pms.appointment.created.v1 data is not valid")),
        "{dead:?}"
    );
    assert_eq!(billing.bills().await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_instance_joining_mid_stream_loses_and_duplicates_nothing() {
    let billing = billing().await;
    let first = Uuid::now_v7();
    billing
        .publish(&appointment_event(
            Change::Created,
            first,
            Uuid::now_v7(),
            "CONSULTATION",
        ))
        .await;
    billing.bill_when(first, |_| true).await;

    // A second instance joins the group (a rebalance) while more events arrive.
    let replica = billing.restart().await;
    let mut later = Vec::new();
    for _ in 0..20 {
        let appointment = Uuid::now_v7();
        later.push(appointment);
        billing
            .publish(&appointment_event(
                Change::Created,
                appointment,
                Uuid::now_v7(),
                "CONSULTATION",
            ))
            .await;
    }
    for appointment in &later {
        billing.bill_when(*appointment, |_| true).await;
    }
    drop(replica);

    assert_eq!(billing.bills().await, 21);
}
