//! What each role may ask for: every scope the schema requires, tried by every role,
//! refused whole with `FORBIDDEN` exactly where the role lacks the scope (the table in the
//! README's "Identity" section, `identity::Role::scopes`).

use identity::{Role, scope};
use serde_json::{Value, json};

use super::system::{ROOT, System, system};

/// One operation per scope the schema requires. A role with the scope gets past the
/// router and is answered by the subgraph (an unknown id is `NOT_FOUND`; a patient's own
/// record-level refusals are the subgraph's, see `records`).
fn operations() -> Vec<(&'static str, &'static str, Value)> {
    let unknown = json!({ "id": uuid::Uuid::now_v7().to_string() });
    vec![
        (
            scope::PATIENTS_READ,
            "{ patients(first: 1) { totalCount } }",
            json!({}),
        ),
        (
            scope::PATIENTS_CONTACT,
            "query($id: ID!) { patient(id: $id) { name email } }",
            unknown.clone(),
        ),
        (
            scope::PATIENTS_WRITE,
            "mutation($id: ID!) { updatePatient(id: $id, input: { name: \"Ada\" }) { id } }",
            unknown.clone(),
        ),
        (
            scope::PATIENTS_ARCHIVE,
            "mutation($id: ID!) { deletePatient(id: $id) { id } }",
            unknown.clone(),
        ),
        (
            scope::DOCTORS_READ,
            "{ doctors(first: 1) { totalCount } }",
            json!({}),
        ),
        (
            scope::DOCTORS_WRITE,
            "mutation($id: ID!) { setDoctorAvailability(id: $id, available: false) { id } }",
            unknown.clone(),
        ),
        (
            scope::SCHEDULES_WRITE,
            "mutation($id: ID!) { removeScheduleException(id: $id) { id } }",
            unknown.clone(),
        ),
        (
            scope::APPOINTMENTS_READ,
            "{ appointments(first: 1) { totalCount } }",
            json!({}),
        ),
        (
            scope::APPOINTMENTS_BOOK,
            "mutation($id: ID!) { cancelAppointment(id: $id) { id } }",
            unknown.clone(),
        ),
        (
            scope::APPOINTMENTS_CHECK_IN,
            "mutation($id: ID!) { checkInAppointment(id: $id) { id } }",
            unknown.clone(),
        ),
        (
            scope::APPOINTMENTS_TREAT,
            "mutation($id: ID!) { completeAppointment(id: $id) { id } }",
            unknown.clone(),
        ),
        (
            scope::BILLS_READ,
            "{ bills(first: 1) { nodes { id } } }",
            json!({}),
        ),
        (
            scope::BILLS_PAY,
            "mutation($id: ID!) { payBill(id: $id, paymentType: CASH) { id } }",
            unknown,
        ),
        (
            scope::ANALYTICS_READ,
            "{ dashboard(from: \"2026-01-01\", to: \"2026-01-31\") { appointmentsBooked } }",
            json!({}),
        ),
        (
            scope::AUDIT_READ,
            "{ auditByActor(actor: \"front-desk@development\", from: \"2026-01-01T00:00:00Z\", to: \"2026-01-02T00:00:00Z\") { nodes { id } } }",
            json!({}),
        ),
    ]
}

fn token(system: &System, role: Role) -> String {
    let person = role
        .needs_person()
        .then(|| uuid::Uuid::now_v7().to_string());
    system.credentials.token(role, person.as_deref())
}

#[tokio::test]
async fn each_role_is_refused_exactly_what_its_scopes_do_not_reach() {
    let system = system().await;
    let mut mismatches = Vec::new();
    for role in Role::ALL {
        let token = token(&system, role);
        for (scope, query, variables) in operations() {
            let answer = system
                .query_as(Some(&token), query, variables.clone())
                .await;
            let code = answer["errors"][0]["extensions"]["code"].as_str();
            // The router's refusal names the role; a subgraph's record-level refusal (a
            // patient listing patients) comes after the router let the operation through.
            let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
            let refused = code == Some("FORBIDDEN") && message.starts_with("Your role may not");
            let by_a_record_rule = code == Some("FORBIDDEN")
                && !answer["errors"][0]["extensions"]["service"].is_null();
            let served = matches!(code, None | Some("NOT_FOUND")) || by_a_record_rule;
            let allowed = role.scopes().contains(&scope);
            let as_it_should = if allowed {
                served
            } else {
                refused && answer["data"].is_null()
            };
            if !as_it_should {
                mismatches.push(format!("{role} / {scope}: {answer}"));
            }
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[tokio::test]
async fn contact_details_need_their_own_scope_and_the_whole_operation_is_refused() {
    let system = system().await;
    let created = system
        .data(
            "mutation { createPatient(input: { name: \"Ada Lovelace\", email: \"ada@example.org\", phone: \"+44 20 7946 0000\" }) { id } }",
            json!({}),
        )
        .await;
    let id = created["createPatient"]["id"].clone();
    let clerk = token(&system, Role::BillingClerk);
    let name = system
        .query_as(
            Some(&clerk),
            "query($id: ID!) { patient(id: $id) { name } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(name["data"]["patient"]["name"], "Ada Lovelace", "{name}");

    let contact = system
        .query_as(
            Some(&clerk),
            "query($id: ID!) { patient(id: $id) { name phone } }",
            json!({ "id": id }),
        )
        .await;
    assert!(
        contact["data"].is_null(),
        "nothing served with holes: {contact}"
    );
    assert_eq!(
        contact["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{contact}"
    );
    assert!(
        contact["errors"][0]["message"]
            .as_str()
            .is_some_and(|message| message.contains("patient.phone")),
        "{contact}"
    );
}

#[tokio::test]
async fn a_role_without_the_scope_cannot_follow_appointments_live() {
    let system = system().await;
    let clerk = token(&system, Role::BillingClerk);
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", system.router_url))
        .bearer_auth(&clerk)
        .header("accept", "text/event-stream")
        .json(&json!({ "query": "subscription { appointmentUpdated { kind } }" }))
        .send()
        .await
        .expect("an answer");
    let status = response.status();
    let body = response.text().await.expect("the answer");
    assert!(body.contains("FORBIDDEN"), "{status}: {body}");
    assert!(!body.contains("\"kind\""), "{body}");
}

/// Every scope the composed schema requires is a scope of the identity crate, and every
/// one of those the schema uses is tried above.
#[test]
fn the_schema_requires_only_known_scopes_and_each_is_tried() {
    let supergraph = std::fs::read_to_string(format!("{ROOT}/schema/supergraph.graphql"))
        .expect("the supergraph");
    let used: std::collections::BTreeSet<&str> = supergraph
        .split("@requiresScopes(scopes: [[\"")
        .skip(1)
        .flat_map(|rest| rest.split("\"]]").next())
        .flat_map(|list| list.split("\", \""))
        .collect();
    for scope in &used {
        assert!(
            scope::ALL.contains(scope),
            "unknown scope {scope} in the schema"
        );
    }
    let tried: std::collections::BTreeSet<&str> =
        operations().into_iter().map(|(scope, ..)| scope).collect();
    assert_eq!(used, tried, "each scope the schema requires is tried");
}
