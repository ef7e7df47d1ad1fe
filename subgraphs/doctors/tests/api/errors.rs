use kit::testing::assert_error;
use serde_json::{Value, json};

use crate::helpers::{CREATE, DoctorsApi as _, doctor_input, spawn_app};

#[tokio::test]
async fn invalid_fields_are_bad_user_input_on_that_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let cases = [
        (doctor_input("not-an-email", json!({})), "input.email"),
        (
            doctor_input("a@clinic.org", json!({ "phoneNumber": "call me" })),
            "input.phoneNumber",
        ),
        (
            doctor_input("a@clinic.org", json!({ "name": "" })),
            "input.name",
        ),
        (
            doctor_input("a@clinic.org", json!({ "specialization": "ASTROLOGY" })),
            "input.specialization",
        ),
        (
            doctor_input("a@clinic.org", json!({ "gender": "male" })),
            "input.gender",
        ),
    ];
    for (variables, field) in cases {
        let response = app.query(CREATE, variables).await;
        assert_error(&response, "BAD_USER_INPUT", Some(field));
        assert!(response["data"].is_null(), "{response}");
    }
    let literal = app
        .query(
            "mutation { createDoctor(input: { name: \"A\", specialization: ASTROLOGY, phoneNumber: \"1234567\", email: \"a@b.io\", gender: OTHER }) { id } }",
            json!({}),
        )
        .await;
    assert_error(&literal, "BAD_USER_INPUT", Some("input.specialization"));
    let filter = app
        .query(
            "{ doctors(specialization: ASTROLOGY) { totalCount } }",
            json!({}),
        )
        .await;
    assert_error(&filter, "BAD_USER_INPUT", Some("specialization"));
    assert_eq!(app.doctor_rows().await, 0);
}

#[tokio::test]
async fn a_duplicate_email_in_any_case_is_a_conflict() {
    let app = spawn_app().await;
    app.create_doctor("rui@clinic.org", json!({})).await;

    let response = app
        .query(CREATE, doctor_input("RUI@Clinic.org", json!({})))
        .await;

    assert_error(&response, "CONFLICT", Some("input.email"));
    assert_eq!(app.doctor_rows().await, 1);
}

#[tokio::test]
async fn unknown_and_malformed_ids_and_oversized_pages_are_refused() {
    let app = spawn_app().await;
    let unknown = uuid::Uuid::now_v7().to_string();

    let missing = app
        .query(
            "query($id: ID!) { doctor(id: $id) { id } }",
            json!({ "id": unknown }),
        )
        .await;
    assert_eq!(missing["data"]["doctor"], Value::Null, "{missing}");
    let update = app
        .query(
            "mutation($id: ID!) { setDoctorAvailability(id: $id, available: false) { id } }",
            json!({ "id": unknown }),
        )
        .await;
    assert_error(&update, "NOT_FOUND", Some("id"));
    let malformed = app
        .query("query { doctor(id: \"doc-1\") { id } }", json!({}))
        .await;
    assert_error(&malformed, "BAD_USER_INPUT", Some("id"));
    let page = app
        .query("{ doctors(first: 500) { totalCount } }", json!({}))
        .await;
    assert_error(&page, "BAD_USER_INPUT", Some("first"));
}
