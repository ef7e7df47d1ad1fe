//! A subgraph down: what does not need it still answers; what does gets partial data and an
//! error; the router stays up.

use serde_json::json;

use super::{
    journey::{book, doctor, in_days, patient},
    system::system,
};

#[tokio::test(flavor = "multi_thread")]
async fn with_billing_stopped_the_rest_answers_and_bills_are_partial_errors() {
    let mut system = system().await;
    let patient = patient(&system, "ada@example.org").await;
    let doctor = doctor(&system, "grace@clinic.org").await;
    let id = book(&system, &patient, &doctor, &in_days(2), "09:00").await;

    drop(system.billing.take());
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let without_billing = system
        .data(
            "query($id: ID!) { patient(id: $id) { name } }",
            json!({ "id": patient }),
        )
        .await;
    assert_eq!(without_billing["patient"]["name"], "Ada Lovelace");

    let partial = system
        .query(
            "query($id: ID!) { appointment(id: $id) { id status bill { amount } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(partial["data"]["appointment"]["id"], id, "{partial}");
    assert_eq!(partial["data"]["appointment"]["status"], "SCHEDULED");
    assert!(
        partial["data"]["appointment"]["bill"].is_null(),
        "{partial}"
    );
    assert!(
        partial["errors"]
            .as_array()
            .is_some_and(|errors| !errors.is_empty()),
        "the missing part is reported: {partial}"
    );

    assert!(system.router_is_running(), "{}", system.router_log());
    let health = reqwest::get(format!("{}/health", system.router_url))
        .await
        .expect("router answers");
    assert!(health.status().is_success());
}
