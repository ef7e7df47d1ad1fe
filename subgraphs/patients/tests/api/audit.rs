//! The audit trail in the patients subgraph: a change is recorded in its own transaction, a
//! read before it is served, and a read that cannot be recorded is not served.

use std::time::Duration;

use kit::{
    audit::{AuditRecord, Entity, Outcome, Records},
    testing::{assert_error, read_events, unique_topic},
};
use serde_json::json;

use super::helpers::{PatientsApi as _, spawn_with};

const READ: &str = "query($id: ID!) { patient(id: $id) { name email } }";

#[tokio::test]
async fn changes_and_reads_are_recorded_and_an_unrecordable_read_is_refused() {
    let topic = unique_topic("audit-records");
    let app = spawn_with(|settings| settings.audit_topic.clone_from(&topic)).await;
    let id = app
        .create_patient("Ana", "ana@example.com", "1234567")
        .await;
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let served = kit::testing::graphql_with(
        &format!("{}/graphql", app.base_url),
        &[
            ("traceparent", traceparent),
            ("x-pms-caller", "front-desk-app"),
        ],
        READ,
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        served["data"]["patient"]["email"], "ana@example.com",
        "{served}"
    );

    let records: Vec<AuditRecord> =
        read_events(&topic, 2, Duration::from_secs(20), Duration::from_secs(1))
            .await
            .into_iter()
            .flat_map(|event| {
                serde_json::from_value::<Records>(event.data)
                    .expect("audit records")
                    .records
            })
            .collect();
    // Records travel in several messages, not in order: they sort by their ids (UUIDv7).
    let mut records = records;
    records.sort_by_key(|record| record.id);
    let summary: Vec<_> = records
        .iter()
        .map(|record| {
            (
                record.action.as_str(),
                record.entity,
                record.outcome,
                record.fields.join(","),
                record.trace_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "create",
                Entity::Patient,
                Outcome::Success,
                "name,email,phone".to_owned(),
                None
            ),
            (
                "read",
                Entity::Patient,
                Outcome::Success,
                "email,name".to_owned(),
                Some("4bf92f3577b34da6a3ce929d0e0e4736")
            ),
        ],
        "{records:?}"
    );
    let read = &records[1];
    assert_eq!(read.ids, [id.parse::<uuid::Uuid>().expect("uuid")]);
    assert_eq!(read.patients, read.ids, "a patient record is its patient's");
    assert_eq!(
        read.actor, "service:front-desk-app",
        "no token: a caller inside the system"
    );

    // The records cannot be kept: the read is refused, with nothing of the patient in it.
    sqlx::query("RENAME TABLE outbox TO outbox_parked")
        .execute(&app.pool)
        .await
        .expect("park the outbox");
    let refused = app.query(READ, json!({ "id": id })).await;
    assert_error(&refused, "AUDIT_UNAVAILABLE", None);
    assert!(
        refused["data"].is_null(),
        "nothing served unrecorded: {refused}"
    );

    sqlx::query("RENAME TABLE outbox_parked TO outbox")
        .execute(&app.pool)
        .await
        .expect("restore the outbox");
    let again = app.query(READ, json!({ "id": id })).await;
    assert_eq!(again["data"]["patient"]["name"], "Ana", "{again}");
}
