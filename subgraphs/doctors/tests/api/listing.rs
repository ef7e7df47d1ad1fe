use serde_json::{Value, json};

use crate::helpers::{DoctorsApi as _, spawn_app};

const LIST: &str = "query($specialization: Specialization, $available: Boolean, $search: String, $name: String, $first: Int, $after: String) {
    doctors(specialization: $specialization, available: $available, search: $search, name: $name, first: $first, after: $after) {
        totalCount edges { node { email } } pageInfo { hasNextPage endCursor }
    }
}";

fn emails(response: &Value) -> Vec<&str> {
    response["data"]["doctors"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {response}"))
        .iter()
        .map(|edge| edge["node"]["email"].as_str().expect("email"))
        .collect()
}

#[tokio::test]
async fn doctors_filter_by_specialization_availability_and_search() {
    let app = spawn_app().await;
    app.create_doctor("heart@clinic.org", json!({ "name": "Dr. Heart" }))
        .await;
    app.create_doctor(
        "skin@clinic.org",
        json!({ "specialization": "DERMATOLOGY", "name": "Dr. Skin" }),
    )
    .await;
    app.create_doctor(
        "away@clinic.org",
        json!({ "available": false, "name": "Dr. Away" }),
    )
    .await;

    let cardiology = app
        .query(LIST, json!({ "specialization": "CARDIOLOGY" }))
        .await;
    assert_eq!(emails(&cardiology), ["heart@clinic.org", "away@clinic.org"]);
    let bookable = app
        .query(
            LIST,
            json!({ "specialization": "CARDIOLOGY", "available": true }),
        )
        .await;
    assert_eq!(emails(&bookable), ["heart@clinic.org"]);
    assert_eq!(bookable["data"]["doctors"]["totalCount"], 1);
    let searched = app.query(LIST, json!({ "search": "skin" })).await;
    assert_eq!(emails(&searched), ["skin@clinic.org"]);
    // `name` looks in the name only: every email holds "clinic".
    let named = app.query(LIST, json!({ "name": "HEART" })).await;
    assert_eq!(emails(&named), ["heart@clinic.org"]);
    assert!(emails(&app.query(LIST, json!({ "name": "clinic" })).await).is_empty());

    let first = app.query(LIST, json!({ "first": 2 })).await;
    assert_eq!(first["data"]["doctors"]["pageInfo"]["hasNextPage"], true);
    let cursor = first["data"]["doctors"]["pageInfo"]["endCursor"].clone();
    let rest = app
        .query(LIST, json!({ "first": 2, "after": cursor }))
        .await;
    assert_eq!(emails(&rest), ["away@clinic.org"]);
}
