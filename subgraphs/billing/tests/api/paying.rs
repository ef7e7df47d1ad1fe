use std::sync::Arc;

use futures::future::join_all;
use kit::testing::{assert_error, assert_error_saying};
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{Change, appointment_event, billing};

const PAY: &str = "mutation($id: ID!, $type: PaymentType!) {
    payBill(id: $id, paymentType: $type) { status paymentStatus paymentType paidAt amount currency }
}";

async fn bill_id(billing: &crate::helpers::Billing, appointment: Uuid) -> String {
    billing.bill_when(appointment, |_| true).await;
    let id: Uuid = sqlx::query_scalar("SELECT id FROM bills WHERE appointment_id = $1")
        .bind(appointment)
        .fetch_one(&billing.app.pool)
        .await
        .expect("bill");
    id.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn paying_settles_a_bill_once_and_refuses_void_or_paid_bills() {
    let billing = billing().await;
    let patient = Uuid::now_v7();
    let (paid, cancelled) = (Uuid::now_v7(), Uuid::now_v7());
    billing
        .publish(&appointment_event(
            Change::Created,
            paid,
            patient,
            "CONSULTATION",
        ))
        .await;
    billing
        .publish(&appointment_event(
            Change::Created,
            cancelled,
            patient,
            "CONSULTATION",
        ))
        .await;
    billing
        .publish(&appointment_event(
            Change::Cancelled,
            cancelled,
            patient,
            "CONSULTATION",
        ))
        .await;
    let id = bill_id(&billing, paid).await;
    billing
        .bill_when(cancelled, |status| status == "VOID")
        .await;
    let void_id = bill_id(&billing, cancelled).await;

    let response = billing
        .app
        .query(PAY, json!({ "id": id, "type": "CREDIT_CARD" }))
        .await;
    let bill = &response["data"]["payBill"];
    assert_eq!(bill["status"], "PAID", "{response}");
    assert_eq!(bill["paymentStatus"], true);
    assert_eq!(bill["paymentType"], "CREDIT_CARD");
    assert_eq!(bill["amount"], "80.00");
    assert!(bill["paidAt"].is_string());

    let again = billing
        .app
        .query(PAY, json!({ "id": id, "type": "CASH" }))
        .await;
    assert_error_saying(&again, "INVALID_STATE", Some("id"), "PAID");
    let void = billing
        .app
        .query(PAY, json!({ "id": void_id, "type": "CASH" }))
        .await;
    assert_error(&void, "INVALID_STATE", Some("id"));
    let unknown = billing
        .app
        .query(PAY, json!({ "id": Uuid::now_v7(), "type": "CASH" }))
        .await;
    assert_error(&unknown, "NOT_FOUND", Some("id"));

    // The patient's list counts across pages, by status too.
    let listed = billing
        .app
        .query(
            "query($patient: ID!) {
                all: bills(patientId: $patient, first: 1) { totalCount nodes { id } }
                paid: bills(patientId: $patient, status: PAID) { totalCount nodes { id } }
                others: bills(patientId: $patient, status: UNPAID) { totalCount }
            }",
            json!({ "patient": patient }),
        )
        .await;
    assert_eq!(listed["data"]["all"]["totalCount"], 2, "{listed}");
    assert_eq!(
        listed["data"]["all"]["nodes"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(listed["data"]["paid"]["totalCount"], 1);
    assert_eq!(listed["data"]["paid"]["nodes"][0]["id"], id);
    assert_eq!(listed["data"]["others"]["totalCount"], 0);

    // A cancellation after payment leaves the bill paid.
    billing
        .publish(&appointment_event(
            Change::Cancelled,
            paid,
            patient,
            "CONSULTATION",
        ))
        .await;
    assert!(billing.processed(4).await);
    assert_eq!(billing.bill_when(paid, |_| true).await.0, "PAID");
    let events = billing.app.events(4).await;
    let paid_events = events
        .iter()
        .filter(|event| event.event_type == "pms.bill.paid.v1")
        .count();
    assert_eq!(paid_events, 1, "{events:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_concurrent_payments_of_one_bill_succeed_once() {
    let billing = Arc::new(billing().await);
    let appointment = Uuid::now_v7();
    billing
        .publish(&appointment_event(
            Change::Created,
            appointment,
            Uuid::now_v7(),
            "CONSULTATION",
        ))
        .await;
    let id = bill_id(&billing, appointment).await;

    let responses = join_all((0..20).map(|_| {
        let billing = Arc::clone(&billing);
        let id = id.clone();
        tokio::spawn(async move {
            billing
                .app
                .query(PAY, json!({ "id": id, "type": "CASH" }))
                .await
        })
    }))
    .await;

    let codes: Vec<String> = responses
        .into_iter()
        .map(|response| {
            let response = response.expect("task");
            response["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("OK")
                .to_owned()
        })
        .collect();
    assert_eq!(
        codes.iter().filter(|code| *code == "OK").count(),
        1,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|code| *code == "INVALID_STATE").count(),
        19,
        "{codes:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_appointments_bill_and_a_patients_bills_and_balance_resolve_through_federation() {
    let billing = billing().await;
    let patient = Uuid::now_v7();
    let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
    billing
        .publish(&appointment_event(
            Change::Created,
            first,
            patient,
            "CONSULTATION",
        ))
        .await;
    billing
        .publish(&appointment_event(
            Change::Created,
            second,
            patient,
            "SURGERY",
        ))
        .await;
    let first_bill = bill_id(&billing, first).await;
    bill_id(&billing, second).await;
    billing
        .app
        .query(PAY, json!({ "id": first_bill, "type": "INSURANCE" }))
        .await;

    let response = billing
        .app
        .query(
            "query($reps: [_Any!]!) { _entities(representations: $reps) {
                ... on Appointment { bill { amount status } }
                ... on Patient { balance bills(status: UNPAID) { amount } }
            } }",
            json!({ "reps": [
                { "__typename": "Appointment", "id": first },
                { "__typename": "Appointment", "id": Uuid::now_v7() },
                { "__typename": "Patient", "id": patient },
            ]}),
        )
        .await;

    assert_eq!(
        response["data"]["_entities"],
        json!([
            { "bill": { "amount": "80.00", "status": "PAID" } },
            { "bill": null },
            { "balance": "1200.50", "bills": [{ "amount": "1200.50" }] },
        ]),
        "{response}"
    );
}
