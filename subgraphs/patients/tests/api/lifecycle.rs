use serde_json::json;

use kit::testing::assert_error;

use crate::helpers::{CREATE, PatientsApi as _, spawn_app};

#[tokio::test]
async fn registering_a_patient_stores_it_and_publishes_one_created_event() {
    let app = spawn_app().await;

    let response = app
        .query(
            CREATE,
            json!({ "input": {
                "name": "  Ana Lima ", "email": "ana@example.com", "phone": "+55 11 91234-5678",
                "dateOfBirth": "1990-04-12", "address": "Rua A, 1"
            }}),
        )
        .await;

    let patient = &response["data"]["createPatient"];
    assert!(response["errors"].is_null(), "{response}");
    assert_eq!(patient["name"], "Ana Lima");
    assert_eq!(patient["dateOfBirth"], "1990-04-12");
    assert_eq!(
        patient["registrationDate"],
        chrono::Utc::now().date_naive().to_string()
    );
    let id = patient["id"].as_str().expect("id");
    assert_eq!(
        uuid::Uuid::parse_str(id).expect("uuid").get_version_num(),
        7
    );

    let (name, email): (String, String) =
        sqlx::query_as("SELECT name, email FROM patients WHERE id = ?")
            .bind(uuid::Uuid::parse_str(id).expect("uuid"))
            .fetch_one(&app.pool)
            .await
            .expect("row stored");
    assert_eq!(
        (name.as_str(), email.as_str()),
        ("Ana Lima", "ana@example.com")
    );

    let events = app.events(1).await;
    assert_eq!(events.len(), 1, "exactly one event: {events:?}");
    assert_eq!(events[0].event_type, "pms.patient.created.v1");
    assert_eq!(events[0].source, "patients");
    assert_eq!(events[0].subject, id);
    assert_eq!(events[0].data["patient"]["name"], "Ana Lima");
    let carried: Vec<&String> = events[0].data["patient"]
        .as_object()
        .expect("the patient")
        .keys()
        .collect();
    assert_eq!(
        carried,
        ["archived", "id", "name", "registrationDate"],
        "no contact details, date of birth or address in motion"
    );
}

#[tokio::test]
async fn updating_a_patient_changes_only_the_given_fields_and_says_which() {
    let app = spawn_app().await;
    let id = app
        .create_patient("Bruno Souza", "bruno@example.com", "+1 555 123 4567")
        .await;

    let response = app
        .query(
            "mutation($id: ID!) { updatePatient(id: $id, input: { phone: \"+1 555 765 4321\", address: \"Main St 5\" }) { name phone address } }",
            json!({ "id": id }),
        )
        .await;

    assert_eq!(
        response["data"]["updatePatient"],
        json!({ "name": "Bruno Souza", "phone": "+1 555 765 4321", "address": "Main St 5" })
    );
    let events = app.events(2).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[1].event_type, "pms.patient.updated.v1");
    assert_eq!(events[1].data["changed"], json!(["phone", "address"]));

    let cleared = app
        .query(
            "mutation($id: ID!) { updatePatient(id: $id, input: { address: null }) { address } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        cleared["data"]["updatePatient"]["address"],
        json!(null),
        "{cleared}"
    );
}

#[tokio::test]
async fn deleting_archives_the_patient_out_of_listings_but_it_still_resolves() {
    let app = spawn_app().await;
    let id = app
        .create_patient("Carla Dias", "carla@example.com", "0301234567")
        .await;

    let deleted = app
        .query(
            "mutation($id: ID!) { deletePatient(id: $id) { archived } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        deleted["data"]["deletePatient"]["archived"], true,
        "{deleted}"
    );

    let listed = app
        .query("{ patients { totalCount nodes { id } } }", json!({}))
        .await;
    assert_eq!(listed["data"]["patients"]["totalCount"], 0, "{listed}");
    let by_id = app
        .query(
            "query($id: ID!) { patient(id: $id) { name archived } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        by_id["data"]["patient"],
        json!({ "name": "Carla Dias", "archived": true })
    );

    let update = app
        .query(
            "mutation($id: ID!) { updatePatient(id: $id, input: { name: \"X\" }) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_error(&update, "INVALID_STATE", Some("id"));

    // The archived patient's email is free for a new registration.
    let again = app
        .create_patient("Carla Dias", "CARLA@example.com", "0301234567")
        .await;
    let events = app.events(3).await;
    // Order is promised per patient (the message key), not across patients.
    let types_of = |subject: &str| -> Vec<String> {
        events
            .iter()
            .filter(|event| event.subject == subject)
            .map(|event| event.event_type.clone())
            .collect()
    };
    assert_eq!(
        types_of(&id),
        ["pms.patient.created.v1", "pms.patient.archived.v1"]
    );
    assert_eq!(types_of(&again), ["pms.patient.created.v1"]);
}
