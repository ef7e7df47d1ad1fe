use serde_json::json;

use crate::helpers::{DoctorsApi as _, spawn_with};

const ENTITIES: &str = "query($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on Doctor { id email available archived } }
}";

#[tokio::test]
async fn fifty_references_resolve_with_one_sql_query() {
    // One pooled connection: every statement the app runs lands on the session we measure.
    let app = spawn_with(|settings| {
        settings.service.db_max_connections = 1;
        settings.service.kafka.sweep_interval_ms = 3_600_000;
    })
    .await;
    let mut ids = Vec::new();
    for n in 0..50 {
        ids.push(
            app.create_doctor(&format!("d{n}@clinic.org"), json!({}))
                .await,
        );
    }
    let representations: Vec<_> = ids
        .iter()
        .map(|id| json!({ "__typename": "Doctor", "id": id }))
        .collect();
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
    assert_eq!(entities.len(), 50);
    assert_eq!(entities[49]["email"], "d49@clinic.org");
    assert_eq!(
        after - before,
        1,
        "50 references cost {} SELECTs",
        after - before
    );
}

#[tokio::test]
async fn unavailable_and_archived_doctors_still_resolve_with_their_state() {
    let app = spawn_with(|_| {}).await;
    let away = app
        .create_doctor("away@clinic.org", json!({ "available": false }))
        .await;
    let gone = app.create_doctor("gone@clinic.org", json!({})).await;
    app.query(
        "mutation($id: ID!) { deleteDoctor(id: $id) { id } }",
        json!({ "id": gone }),
    )
    .await;

    let response = app
        .query(
            ENTITIES,
            json!({ "representations": [
                { "__typename": "Doctor", "id": away },
                { "__typename": "Doctor", "id": gone },
            ]}),
        )
        .await;

    assert_eq!(
        response["data"]["_entities"],
        json!([
            { "id": away, "email": "away@clinic.org", "available": false, "archived": false },
            { "id": gone, "email": "gone@clinic.org", "available": true, "archived": true },
        ])
    );
}
