//! Record-level rules, decided by each subgraph from the forwarded token it verifies
//! itself: a patient sees and books only for themself and sees only their own bills; a
//! doctor sees and treats only their own appointments; lists and live updates are narrowed
//! to what the caller may see.

use std::time::Duration;

use identity::Role;
use kit::testing::{GraphqlSubscription, graphql_with};
use serde_json::{Value, json};

use super::{
    journey::{BOOK, book, booking, doctor, in_days, patient},
    system::{System, system},
};

fn code(answer: &Value) -> Option<&str> {
    answer["errors"][0]["extensions"]["code"].as_str()
}

/// `answer` is a refusal: `FORBIDDEN` and no data for the field.
fn refused(answer: &Value, why: &str) {
    assert_eq!(code(answer), Some("FORBIDDEN"), "{why}: {answer}");
}

/// The bill of `appointment`, once billing has made it.
async fn bill_of(system: &System, appointment: &str) -> String {
    let data = system
        .eventually(
            "query($id: ID!) { appointment(id: $id) { bill { id } } }",
            json!({ "id": appointment }),
            |data| data["appointment"]["bill"]["id"].is_string(),
        )
        .await;
    data["appointment"]["bill"]["id"]
        .as_str()
        .expect("bill id")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patient_sees_books_and_pays_only_for_themself() {
    let system = system().await;
    let ada = patient(&system, "ada@example.org").await;
    let bob = patient(&system, "bob@example.org").await;
    let grace = doctor(&system, "grace@clinic.org").await;
    let date = in_days(3);
    let adas = book(&system, &ada, &grace, &date, "09:00").await;
    let bobs = book(&system, &bob, &grace, &date, "10:00").await;
    let (adas_bill, bobs_bill) = (bill_of(&system, &adas).await, bill_of(&system, &bobs).await);
    let token = system.credentials.token(Role::Patient, Some(&ada));
    let as_ada = |query: &'static str, variables: Value| {
        let token = token.clone();
        let system = &system;
        async move { system.query_as(Some(&token), query, variables).await }
    };

    let own = as_ada(
        "query($id: ID!) { patient(id: $id) { name email } }",
        json!({ "id": ada }),
    )
    .await;
    assert_eq!(own["data"]["patient"]["email"], "ada@example.org", "{own}");
    let other = as_ada(
        "query($id: ID!) { patient(id: $id) { name } }",
        json!({ "id": bob }),
    )
    .await;
    refused(&other, "another patient's record");
    refused(
        &as_ada("{ patients { totalCount } }", json!({})).await,
        "the patient list",
    );

    let listed = as_ada("{ appointments { totalCount nodes { id } } }", json!({})).await;
    assert_eq!(
        listed["data"]["appointments"],
        json!({ "totalCount": 1, "nodes": [{ "id": adas }] }),
        "only her own: {listed}"
    );
    let asked = as_ada(
        "query($p: ID) { appointments(patientId: $p) { totalCount } }",
        json!({ "p": bob }),
    )
    .await;
    refused(&asked, "another patient's appointments");
    let theirs = as_ada(
        "query($id: ID!) { appointment(id: $id) { id } }",
        json!({ "id": bobs }),
    )
    .await;
    refused(&theirs, "another patient's appointment");
    let through = as_ada(
        "query($id: ID!) { patient(id: $id) { appointments { totalCount } balance } }",
        json!({ "id": ada }),
    )
    .await;
    assert_eq!(
        through["data"]["patient"]["appointments"]["totalCount"], 1,
        "{through}"
    );

    let bills = as_ada("{ bills { nodes { id } } }", json!({})).await;
    assert_eq!(
        bills["data"]["bills"]["nodes"],
        json!([{ "id": adas_bill }]),
        "{bills}"
    );
    let pay = "mutation($id: ID!) { payBill(id: $id, paymentType: CREDIT_CARD) { status } }";
    refused(
        &as_ada(pay, json!({ "id": bobs_bill })).await,
        "paying another's bill",
    );
    let paid = as_ada(pay, json!({ "id": adas_bill })).await;
    assert_eq!(paid["data"]["payBill"]["status"], "PAID", "{paid}");

    refused(
        &as_ada(BOOK, booking(&bob, &grace, &date, "11:00")).await,
        "booking for another patient",
    );
    let booked = as_ada(BOOK, booking(&ada, &grace, &date, "11:00")).await;
    assert!(
        booked["data"]["createAppointment"]["id"].is_string(),
        "{booked}"
    );
    let cancel = "mutation($id: ID!) { cancelAppointment(id: $id) { status } }";
    refused(
        &as_ada(cancel, json!({ "id": bobs })).await,
        "cancelling another's",
    );

    // Nothing was changed by the refusals.
    let bob_now = system
        .data(
            "query($id: ID!) { appointment(id: $id) { status bill { status } } }",
            json!({ "id": bobs }),
        )
        .await;
    assert_eq!(
        bob_now["appointment"],
        json!({ "status": "SCHEDULED", "bill": { "status": "UNPAID" } })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_doctor_sees_and_treats_only_their_own_appointments() {
    let system = system().await;
    let ada = patient(&system, "ada@example.org").await;
    let grace = doctor(&system, "grace@clinic.org").await;
    let house = doctor(&system, "house@clinic.org").await;
    let date = in_days(2);
    let graces = book(&system, &ada, &grace, &date, "09:00").await;
    let houses = book(&system, &ada, &house, &date, "10:00").await;
    let token = system.credentials.token(Role::Doctor, Some(&grace));

    let listed = system
        .query_as(Some(&token), "{ appointments { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        listed["data"]["appointments"]["nodes"],
        json!([{ "id": graces }]),
        "{listed}"
    );
    let complete = "mutation($id: ID!) { completeAppointment(id: $id) { status } }";
    let colleagues = system
        .query_as(Some(&token), complete, json!({ "id": houses }))
        .await;
    refused(&colleagues, "completing a colleague's appointment");
    let no_show = "mutation($id: ID!) { markNoShow(id: $id) { status } }";
    let colleagues = system
        .query_as(Some(&token), no_show, json!({ "id": houses }))
        .await;
    refused(&colleagues, "marking a colleague's no-show");
    let own = system
        .query_as(Some(&token), complete, json!({ "id": graces }))
        .await;
    assert_ne!(code(&own), Some("FORBIDDEN"), "their own: {own}");
    let house_now = system
        .data(
            "query($id: ID!) { appointment(id: $id) { status } }",
            json!({ "id": houses }),
        )
        .await;
    assert_eq!(house_now["appointment"]["status"], "SCHEDULED");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patients_live_updates_are_their_own_only() {
    let system = system().await;
    let ada = patient(&system, "ada@example.org").await;
    let bob = patient(&system, "bob@example.org").await;
    let grace = doctor(&system, "grace@clinic.org").await;
    let token = system.credentials.token(Role::Patient, Some(&ada));
    let mut updates = GraphqlSubscription::start(
        &system.ws_url(),
        Some(&token),
        "subscription { appointmentUpdated { kind appointment { id } } }",
        json!({}),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let date = in_days(4);
    let _bobs = book(&system, &bob, &grace, &date, "09:00").await;
    let adas = book(&system, &ada, &grace, &date, "10:00").await;
    let first = updates.next().await;
    assert_eq!(
        first["payload"]["data"]["appointmentUpdated"]["appointment"]["id"], adas,
        "the first update she sees is her own booking, not Bob's: {first}"
    );
}

#[tokio::test]
async fn without_the_contact_scope_a_search_looks_at_names_only() {
    let system = system().await;
    patient(&system, "ada@example.org").await;
    let clerk = system.credentials.token(Role::BillingClerk, None);
    let desk = system.credentials.token(Role::FrontDesk, None);
    let search = "query($text: String) { patients(search: $text) { totalCount } }";
    let by_email = json!({ "text": "ada@example" });
    let found = system.query_as(Some(&desk), search, by_email.clone()).await;
    assert_eq!(found["data"]["patients"]["totalCount"], 1, "{found}");
    let clerks = system.query_as(Some(&clerk), search, by_email).await;
    assert_eq!(
        clerks["data"]["patients"]["totalCount"], 0,
        "a billing clerk cannot learn who has an email address: {clerks}"
    );
    for filter in [
        "patients(email: \"ada@example.org\")",
        "patients(dateOfBirth: \"1990-01-01\")",
    ] {
        let query = format!("{{ {filter} {{ totalCount }} }}");
        let answer = system.query_as(Some(&clerk), &query, json!({})).await;
        refused(&answer, filter);
    }
}

#[tokio::test]
async fn a_subgraph_verifies_the_forwarded_token_itself() {
    let system = system().await;
    let stranger = identity::DevIssuer::generate().expect("key pair");
    let grant = identity::Grant::staff(Role::Administrator);
    let forged = stranger.token(&grant, Duration::from_secs(60));
    let bearer = format!("Bearer {forged}");
    let answer = graphql_with(
        &format!("{}/graphql", system.patients.base_url),
        &[
            (kit::trust::HEADER, &system.subgraph_secret),
            ("authorization", &bearer),
        ],
        "{ patients { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(code(&answer), Some("UNAUTHENTICATED"), "{answer}");
    assert!(answer["data"].is_null(), "{answer}");
}

#[tokio::test(flavor = "multi_thread")]
async fn only_an_administrator_books_outside_working_hours_and_only_on_purpose() {
    let system = system().await;
    let ada = patient(&system, "early@example.org").await;
    let data = system
        .data(
            "mutation($input: CreateDoctorInput!) { createDoctor(input: $input) { id } }",
            json!({ "input": {
                "name": "Dr. Mornings", "email": "mornings@clinic.org", "phoneNumber": "+1 555 0101",
                "specialization": "CARDIOLOGY", "gender": "FEMALE",
                "weeklyHours": [{ "weekday": "MONDAY", "starts": "09:00", "ends": "10:00" }],
            } }),
        )
        .await;
    let mornings = data["createDoctor"]["id"].as_str().expect("id").to_owned();
    let sunday = (2..9)
        .map(in_days)
        .find(|date| {
            let date: chrono::NaiveDate = date.parse().expect("date");
            chrono::Datelike::weekday(&date) == chrono::Weekday::Sun
        })
        .expect("a Sunday within a week");
    let mut on_purpose = booking(&ada, &mornings, &sunday, "11:00");
    on_purpose["input"]["outsideWorkingHours"] = json!(true);
    let front_desk = system.credentials.token(Role::FrontDesk, None);

    let plain = system
        .query_as(
            Some(&front_desk),
            BOOK,
            booking(&ada, &mornings, &sunday, "11:00"),
        )
        .await;
    assert_eq!(code(&plain), Some("DOCTOR_UNAVAILABLE"), "{plain}");
    let message = plain["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("has no working hours on Sunday"),
        "{plain}"
    );
    let forced = system
        .query_as(Some(&front_desk), BOOK, on_purpose.clone())
        .await;
    refused(&forced, "the front desk may not book outside hours");

    let booked = system.query(BOOK, on_purpose).await;
    assert!(
        booked["data"]["createAppointment"]["id"].is_string(),
        "{booked}"
    );
}
