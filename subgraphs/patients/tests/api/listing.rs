use serde_json::{Value, json};

use crate::helpers::{CREATE, PatientsApi as _, spawn_app};

const LIST: &str = "query($search: String, $first: Int, $after: String) {
    patients(search: $search, first: $first, after: $after) {
        totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor }
    }
}";

fn names(response: &Value) -> Vec<&str> {
    response["data"]["patients"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {response}"))
        .iter()
        .map(|edge| edge["node"]["name"].as_str().expect("name"))
        .collect()
}

#[tokio::test]
async fn search_matches_name_email_or_phone() {
    let app = spawn_app().await;
    app.create_patient("Diego Alves", "diego@example.com", "+351 912 345 678")
        .await;
    app.create_patient("Elisa Gomes", "elisa@clinic.org", "+351 913 000 111")
        .await;
    app.create_patient("Fabio 100% Real", "fabio@example.com", "+1 202 555 0199")
        .await;

    let by_name = app.query(LIST, json!({ "search": "alves" })).await;
    assert_eq!(names(&by_name), ["Diego Alves"]);
    let by_email = app.query(LIST, json!({ "search": "clinic.org" })).await;
    assert_eq!(names(&by_email), ["Elisa Gomes"]);
    let by_phone = app.query(LIST, json!({ "search": "+351" })).await;
    assert_eq!(names(&by_phone), ["Diego Alves", "Elisa Gomes"]);
    assert_eq!(by_phone["data"]["patients"]["totalCount"], 2);
    let literal_percent = app.query(LIST, json!({ "search": "0%" })).await;
    assert_eq!(names(&literal_percent), ["Fabio 100% Real"]);
}

#[tokio::test]
async fn filters_by_name_email_and_date_of_birth_all_holding() {
    let app = spawn_app().await;
    for (name, email, born) in [
        ("Ines Sousa", "ines@example.com", "1990-04-12"),
        ("Ines Duarte", "duarte@example.com", "1985-01-30"),
        ("Joao Sousa", "sousa.ines@example.com", "1990-04-12"),
    ] {
        let input =
            json!({ "name": name, "email": email, "phone": "1234567", "dateOfBirth": born });
        let created = app.query(CREATE, json!({ "input": input })).await;
        assert!(created["errors"].is_null(), "{created}");
    }
    let app = &app;
    let filtered = |filters: Value| async move {
        let response = app
            .query(
                "query($name: String, $email: String, $born: Date) {
                    patients(name: $name, email: $email, dateOfBirth: $born) { totalCount nodes { name } }
                }",
                filters,
            )
            .await;
        assert!(response["errors"].is_null(), "{response}");
        let names: Vec<String> = response["data"]["patients"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|node| node["name"].as_str().expect("name").to_owned())
            .collect();
        assert_eq!(response["data"]["patients"]["totalCount"], names.len());
        names
    };

    // The name only: the third patient's email holds "ines" too.
    assert_eq!(
        filtered(json!({ "name": "ines" })).await,
        ["Ines Sousa", "Ines Duarte"]
    );
    // The whole address, in any case; a part of it matches nothing.
    assert_eq!(
        filtered(json!({ "email": "INES@example.com" })).await,
        ["Ines Sousa"]
    );
    assert!(filtered(json!({ "email": "ines" })).await.is_empty());
    assert_eq!(
        filtered(json!({ "born": "1990-04-12" })).await,
        ["Ines Sousa", "Joao Sousa"]
    );
    assert_eq!(
        filtered(json!({ "name": "sousa", "born": "1990-04-12" })).await,
        ["Ines Sousa", "Joao Sousa"]
    );
    assert_eq!(
        filtered(json!({ "name": "ines", "born": "1990-04-12" })).await,
        ["Ines Sousa"]
    );
}

#[tokio::test]
async fn pages_follow_cursors_to_the_end() {
    let app = spawn_app().await;
    for n in 1..=5 {
        app.create_patient(
            &format!("Patient {n}"),
            &format!("p{n}@example.com"),
            "1234567",
        )
        .await;
    }

    let first = app.query(LIST, json!({ "first": 2 })).await;
    assert_eq!(names(&first), ["Patient 1", "Patient 2"]);
    assert_eq!(first["data"]["patients"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["data"]["patients"]["totalCount"], 5);

    let cursor = first["data"]["patients"]["pageInfo"]["endCursor"].clone();
    let second = app
        .query(LIST, json!({ "first": 2, "after": cursor }))
        .await;
    assert_eq!(names(&second), ["Patient 3", "Patient 4"]);

    let cursor = second["data"]["patients"]["pageInfo"]["endCursor"].clone();
    let last = app
        .query(LIST, json!({ "first": 2, "after": cursor }))
        .await;
    assert_eq!(names(&last), ["Patient 5"]);
    assert_eq!(last["data"]["patients"]["pageInfo"]["hasNextPage"], false);
}
