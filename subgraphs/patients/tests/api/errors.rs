use serde_json::{Value, json};

use kit::testing::assert_error;

use crate::helpers::{CREATE, PatientsApi as _, spawn_app};

fn input(name: &str, email: &str, phone: &str) -> Value {
    json!({ "input": { "name": name, "email": email, "phone": phone } })
}

#[tokio::test]
async fn invalid_fields_are_bad_user_input_on_that_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let cases = [
        (input("Ana", "not-an-email", "1234567"), "input.email"),
        (
            input("Ana", "ana@example.com", "call me maybe"),
            "input.phone",
        ),
        (input("Ana", "ana@example.com", "123"), "input.phone"),
        (input("   ", "ana@example.com", "1234567"), "input.name"),
        (
            json!({ "input": { "name": "Ana", "email": "ana@example.com", "phone": "1234567", "dateOfBirth": "2999-01-01" } }),
            "input.dateOfBirth",
        ),
    ];
    for (variables, field) in cases {
        let response = app.query(CREATE, variables).await;
        assert_error(&response, "BAD_USER_INPUT", Some(field));
        assert!(response["data"].is_null(), "{response}");
    }
    assert_eq!(app.patient_rows().await, 0);
    assert_eq!(app.outbox_rows().await, 0);
}

#[tokio::test]
async fn malformed_scalars_and_missing_required_fields_are_bad_user_input() {
    let app = spawn_app().await;
    let bad_date = app
        .query(CREATE, json!({ "input": { "name": "Ana", "email": "a@b.io", "phone": "1234567", "dateOfBirth": "12/04/1990" } }))
        .await;
    // async-graphql reports scalar parse failures without the field's name; the code holds.
    assert_error(&bad_date, "BAD_USER_INPUT", None);
    assert!(
        bad_date["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("YYYY-MM-DD"),
        "{bad_date}"
    );
    let missing = app
        .query(
            "mutation { createPatient(input: { email: \"a@b.io\", phone: \"1234567\" }) { id } }",
            json!({}),
        )
        .await;
    assert_error(&missing, "BAD_USER_INPUT", Some("input.name"));
    assert_eq!(app.patient_rows().await, 0);
}

#[tokio::test]
async fn a_duplicate_email_in_any_case_is_a_conflict() {
    let app = spawn_app().await;
    app.create_patient("Ana", "ana@example.com", "1234567")
        .await;

    let response = app
        .query(CREATE, input("Ana Two", "ANA@Example.com", "7654321"))
        .await;

    assert_error(&response, "CONFLICT", Some("input.email"));
    assert_eq!(app.patient_rows().await, 1);
    assert_eq!(app.outbox_rows().await, 1);
    let other = app
        .create_patient("Bia", "bia@example.com", "1234567")
        .await;
    let taken = app
        .query("mutation($id: ID!) { updatePatient(id: $id, input: { email: \"Ana@example.com\" }) { id } }", json!({ "id": other }))
        .await;
    assert_error(&taken, "CONFLICT", Some("input.email"));
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_told_apart() {
    let app = spawn_app().await;
    let unknown = uuid::Uuid::now_v7().to_string();

    let missing = app
        .query(
            "query($id: ID!) { patient(id: $id) { id } }",
            json!({ "id": unknown }),
        )
        .await;
    assert_eq!(missing["data"]["patient"], Value::Null, "{missing}");
    assert!(missing["errors"].is_null(), "{missing}");

    let update = app
        .query(
            "mutation($id: ID!) { updatePatient(id: $id, input: { name: \"X\" }) { id } }",
            json!({ "id": unknown }),
        )
        .await;
    assert_error(&update, "NOT_FOUND", Some("id"));
    let delete = app
        .query(
            "mutation($id: ID!) { deletePatient(id: $id) { id } }",
            json!({ "id": unknown }),
        )
        .await;
    assert_error(&delete, "NOT_FOUND", Some("id"));

    let malformed = app
        .query("query { patient(id: \"42\") { id } }", json!({}))
        .await;
    assert_error(&malformed, "BAD_USER_INPUT", Some("id"));
}

#[tokio::test]
async fn a_page_larger_than_one_hundred_is_refused() {
    let app = spawn_app().await;
    let response = app
        .query("{ patients(first: 101) { totalCount } }", json!({}))
        .await;
    assert_error(&response, "BAD_USER_INPUT", Some("first"));
    let cursor = app
        .query("{ patients(after: \"garbage\") { totalCount } }", json!({}))
        .await;
    assert_error(&cursor, "BAD_USER_INPUT", Some("after"));
}
