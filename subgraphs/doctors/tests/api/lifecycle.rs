use serde_json::json;

use crate::helpers::{CREATE, DoctorsApi as _, doctor_input, spawn_app};

#[tokio::test]
async fn registering_a_doctor_stores_it_and_announces_it_with_its_week() {
    let app = spawn_app().await;

    let response = app
        .query(
            CREATE,
            doctor_input("rui@clinic.org", json!({ "specialization": "ENT" })),
        )
        .await;

    assert!(response["errors"].is_null(), "{response}");
    let doctor = &response["data"]["createDoctor"];
    assert_eq!(doctor["specialization"], "ENT");
    assert_eq!(doctor["gender"], "MALE");
    assert_eq!(doctor["available"], true);
    let id = doctor["id"].as_str().expect("id");
    let (specialization, available): (String, bool) =
        sqlx::query_as("SELECT specialization, available FROM doctors WHERE id = ?")
            .bind(uuid::Uuid::parse_str(id).expect("uuid"))
            .fetch_one(&app.pool)
            .await
            .expect("row stored");
    assert_eq!((specialization.as_str(), available), ("ENT", true));

    let events = app.events(2).await;
    let types: Vec<&str> = events
        .iter()
        .map(|event| event.event_type.as_str())
        .collect();
    assert_eq!(
        types,
        ["pms.doctor.created.v1", "pms.doctor.weekly_hours_set.v1"],
        "the doctor, then the default week it works"
    );
    assert_eq!(events[0].subject, id);
    assert_eq!(events[0].data["doctor"]["specialization"], "ENT");
    assert_eq!(events[1].subject, id);
    assert_eq!(
        events[1].data["intervals"].as_array().map(Vec::len),
        Some(5)
    );
}

#[tokio::test]
async fn availability_and_updates_are_stored_and_announced_in_order() {
    let app = spawn_app().await;
    let id = app.create_doctor("ana@clinic.org", json!({})).await;

    let closed = app
        .query(
            "mutation($id: ID!) { setDoctorAvailability(id: $id, available: false) { available } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        closed["data"]["setDoctorAvailability"]["available"], false,
        "{closed}"
    );
    let again = app
        .query(
            "mutation($id: ID!) { setDoctorAvailability(id: $id, available: false) { available } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        again["data"]["setDoctorAvailability"]["available"], false,
        "{again}"
    );
    let updated = app
        .query(
            "mutation($id: ID!) { updateDoctor(id: $id, input: { specialization: NEUROLOGY, gender: MALE }) { specialization } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        updated["data"]["updateDoctor"]["specialization"], "NEUROLOGY",
        "{updated}"
    );

    let events = app.events(4).await;
    let types: Vec<&str> = events
        .iter()
        .map(|event| event.event_type.as_str())
        .collect();
    assert_eq!(
        types,
        [
            "pms.doctor.created.v1",
            "pms.doctor.weekly_hours_set.v1",
            "pms.doctor.availability_changed.v1",
            "pms.doctor.updated.v1"
        ],
        "setting the same availability twice announces it once"
    );
    assert_eq!(events[3].data["changed"], json!(["specialization"]));
}

#[tokio::test]
async fn deleting_archives_the_doctor_out_of_listings_but_it_still_resolves() {
    let app = spawn_app().await;
    let id = app
        .create_doctor("eva@clinic.org", json!({ "gender": "FEMALE" }))
        .await;

    let deleted = app
        .query(
            "mutation($id: ID!) { deleteDoctor(id: $id) { archived } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        deleted["data"]["deleteDoctor"]["archived"], true,
        "{deleted}"
    );

    let listed = app.query("{ doctors { totalCount } }", json!({})).await;
    assert_eq!(listed["data"]["doctors"]["totalCount"], 0, "{listed}");
    let by_id = app
        .query(
            "query($id: ID!) { doctor(id: $id) { gender archived } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        by_id["data"]["doctor"],
        json!({ "gender": "FEMALE", "archived": true })
    );
    let reopened = app
        .query(
            "mutation($id: ID!) { setDoctorAvailability(id: $id, available: true) { id } }",
            json!({ "id": id }),
        )
        .await;
    kit::testing::assert_error(&reopened, "INVALID_STATE", Some("id"));
}
