use serde_json::json;

use crate::helpers::{PatientsApi as _, spawn_with};

const ENTITIES: &str = "query($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on Patient { id name archived } }
}";

#[tokio::test]
async fn one_hundred_references_resolve_with_one_sql_query() {
    // One pooled connection: every statement the app runs lands on the session we measure.
    // The read's audit record would wake the relay, whose SELECT of the outbox would land
    // there too: reads go unrecorded here (the audit trail has tests of its own).
    let app = spawn_with(|settings| {
        settings.db_max_connections = 1;
        settings.kafka.sweep_interval_ms = 3_600_000;
        settings.audit_reads = false;
    })
    .await;
    let mut ids = Vec::new();
    for n in 0..100 {
        ids.push(
            app.create_patient(&format!("P{n}"), &format!("p{n}@example.com"), "1234567")
                .await,
        );
    }
    let unknown = uuid::Uuid::now_v7().to_string();
    let mut representations: Vec<_> = ids
        .iter()
        .map(|id| json!({ "__typename": "Patient", "id": id }))
        .collect();
    representations.push(json!({ "__typename": "Patient", "id": unknown }));
    // Let the relay publish what the registrations woke it for, so it is idle while we count.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;

    let before = kit::testing::mysql_selects(&app.pool).await;
    let response = app
        .query(ENTITIES, json!({ "representations": representations }))
        .await;
    let after = kit::testing::mysql_selects(&app.pool).await;

    let entities = response["data"]["_entities"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"));
    assert_eq!(entities.len(), 101);
    assert_eq!(entities[0]["name"], "P0");
    assert_eq!(entities[99]["name"], "P99");
    assert!(
        entities[100].is_null(),
        "an unknown reference resolves to null: {response}"
    );
    // The pool's liveness check is a protocol ping, not a SELECT: what is counted is the
    // batch query alone.
    assert_eq!(
        after - before,
        1,
        "100 references cost {} SELECTs",
        after - before
    );
}

#[tokio::test]
async fn archived_patients_still_resolve_as_entities() {
    let app = spawn_with(|_| {}).await;
    let id = app
        .create_patient("Gil", "gil@example.com", "1234567")
        .await;
    app.query(
        "mutation($id: ID!) { deletePatient(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;

    let response = app
        .query(
            ENTITIES,
            json!({ "representations": [{ "__typename": "Patient", "id": id }] }),
        )
        .await;

    assert_eq!(
        response["data"]["_entities"][0],
        json!({ "id": id, "name": "Gil", "archived": true })
    );
}
