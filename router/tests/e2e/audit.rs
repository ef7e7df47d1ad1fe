//! The audit trail through the router: a scripted day at the front desk leaves exactly the
//! records it should, each with the trace id its client sent, and an administrator finds
//! them by patient and by actor.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use identity::Role;
use kit::testing::graphql_with;
use serde_json::{Value, json};

use super::{
    journey::{BOOK, booking, doctor, in_days},
    system::{System, system},
};

const REGISTER: &str =
    "mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }";

const TRAIL: &str = "query($patient: ID!, $from: DateTime!, $to: DateTime!) {
    auditTrail(patientId: $patient, from: $from, to: $to, first: 100) {
        nodes { service actor role action entity entityIds patientIds fields outcome traceId requestId }
    }
}";

const BY_ACTOR: &str = "query($actor: String!, $from: DateTime!, $to: DateTime!) {
    auditByActor(actor: $actor, from: $from, to: $to) {
        nodes { action entity entityIds patientIds outcome traceId }
    }
}";

/// A step of the day: `query` as `token`, under a trace of its own; returns the answer and
/// the trace id.
async fn step(system: &System, token: &str, query: &str, variables: Value) -> (Value, String) {
    let trace = uuid::Uuid::now_v7().simple().to_string();
    let traceparent = format!("00-{trace}-00f067aa0ba902b7-01");
    let bearer = format!("Bearer {token}");
    let answer = graphql_with(
        &format!("{}/graphql", system.router_url),
        &[("authorization", &bearer), ("traceparent", &traceparent)],
        query,
        variables,
    )
    .await;
    (answer, trace)
}

/// One record as compared: who, what, on which kind of record, with which fields, served or
/// not, under which trace.
type Summary = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

fn summary(record: &Value) -> Summary {
    let text = |field: &str| record[field].as_str().unwrap_or_default().to_owned();
    let fields: Vec<&str> = record["fields"]
        .as_array()
        .map(|fields| fields.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    (
        text("service"),
        text("actor"),
        text("role"),
        text("action"),
        text("entity"),
        fields.join(","),
        text("outcome"),
        record["traceId"].as_str().map(str::to_owned),
    )
}

fn expected(
    (service, actor, role, action): (&str, &str, &str, &str),
    entity: &str,
    fields: &str,
    outcome: &str,
    trace: Option<&str>,
) -> Summary {
    (
        service.to_owned(),
        actor.to_owned(),
        role.to_owned(),
        action.to_owned(),
        entity.to_owned(),
        fields.to_owned(),
        outcome.to_owned(),
        trace.map(str::to_owned),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scripted_day_leaves_exactly_its_records_with_the_clients_trace_ids() {
    let system = system().await;
    let from = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let grace = doctor(&system, "grace@clinic.org").await;
    let desk = system.credentials.token(Role::FrontDesk, None);
    let clerk = system.credentials.token(Role::BillingClerk, None);

    // The front desk registers Ada (and Bob) and books Ada with Dr Grace.
    let register = |email: &str| json!({ "input": { "name": "Ada Lovelace", "email": email, "phone": "+44 20 7946 0000" } });
    let (registered, t_register) =
        step(&system, &desk, REGISTER, register("ada@example.org")).await;
    let ada = registered["data"]["createPatient"]["id"]
        .as_str()
        .expect("ada")
        .to_owned();
    let (bob, _) = step(&system, &desk, REGISTER, register("bob@example.org")).await;
    let bob = bob["data"]["createPatient"]["id"]
        .as_str()
        .expect("bob")
        .to_owned();
    let (booked, t_book) = step(
        &system,
        &desk,
        BOOK,
        booking(&ada, &grace, &in_days(3), "09:00"),
    )
    .await;
    let appointment = booked["data"]["createAppointment"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("booked: {booked}"))
        .to_owned();

    // Ada looks at her record, her appointments and what she owes; Bob tries to look too.
    let as_ada = system.credentials.token(Role::Patient, Some(&ada));
    let own = "query($id: ID!) { patient(id: $id) { name email appointments { nodes { status } } balance } }";
    let (seen, t_ada) = step(&system, &as_ada, own, json!({ "id": ada })).await;
    assert_eq!(
        seen["data"]["patient"]["email"], "ada@example.org",
        "{seen}"
    );
    let as_bob = system.credentials.token(Role::Patient, Some(&bob));
    let (refused, t_bob) = step(
        &system,
        &as_bob,
        "query($id: ID!) { patient(id: $id) { name } }",
        json!({ "id": ada }),
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );

    // She arrives and pays.
    let check_in = "mutation($id: ID!) { checkInAppointment(id: $id) { status } }";
    let (arrived, t_check_in) = step(&system, &desk, check_in, json!({ "id": appointment })).await;
    assert_eq!(
        arrived["data"]["checkInAppointment"]["status"], "CHECKED_IN",
        "{arrived}"
    );
    let bill = bill_of(&system, &appointment).await;
    let pay = "mutation($id: ID!) { payBill(id: $id, paymentType: CASH) { status } }";
    let (paid, t_pay) = step(&system, &clerk, pay, json!({ "id": bill })).await;
    assert_eq!(paid["data"]["payBill"]["status"], "PAID", "{paid}");

    let desk_actor = ("front-desk@development", "front-desk");
    let ada_actor = format!("patient:{ada}");
    let bob_actor = format!("patient:{bob}");
    let by = |service: &'static str,
              (actor, role): (&'static str, &'static str),
              action: &'static str| { (service, actor, role, action) };
    let mut want = vec![
        expected(
            by("patients", desk_actor, "create"),
            "PATIENT",
            "name,email,phone",
            "SUCCESS",
            Some(&t_register),
        ),
        expected(
            by("patients", ("service:appointments", "internal"), "read"),
            "PATIENT",
            "archived",
            "SUCCESS",
            Some(&t_book),
        ),
        expected(
            by("appointments", desk_actor, "create"),
            "APPOINTMENT",
            "patient,doctor,serviceType,date,time,durationMinutes",
            "SUCCESS",
            Some(&t_book),
        ),
        // Billing made the bill from the booking's event, under the booking's trace.
        expected(
            by("billing", ("service:billing", "internal"), "create"),
            "BILL",
            "amount,status,serviceType",
            "SUCCESS",
            Some(&t_book),
        ),
        expected(
            ("patients", &ada_actor, "patient", "read"),
            "PATIENT",
            "email,name",
            "SUCCESS",
            Some(&t_ada),
        ),
        expected(
            ("appointments", &ada_actor, "patient", "read"),
            "APPOINTMENT",
            "status",
            "SUCCESS",
            Some(&t_ada),
        ),
        expected(
            ("billing", &ada_actor, "patient", "read"),
            "BALANCE",
            "balance",
            "SUCCESS",
            Some(&t_ada),
        ),
        expected(
            ("patients", &bob_actor, "patient", "read"),
            "PATIENT",
            "",
            "DENIED",
            Some(&t_bob),
        ),
        expected(
            by("appointments", desk_actor, "check-in"),
            "APPOINTMENT",
            "status",
            "SUCCESS",
            Some(&t_check_in),
        ),
        expected(
            by(
                "billing",
                ("billing-clerk@development", "billing-clerk"),
                "pay",
            ),
            "BILL",
            "status,paymentType,paidAt",
            "SUCCESS",
            Some(&t_pay),
        ),
    ];
    want.sort();

    let to = (Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let window = json!({ "patient": ada, "from": from, "to": to });
    let count = want.len();
    system
        .eventually(TRAIL, window.clone(), |data| {
            data["auditTrail"]["nodes"]
                .as_array()
                .is_some_and(|nodes| nodes.len() >= count)
        })
        .await;
    // Nothing more comes after a pause: the trail holds exactly the day.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let trail = system.data(TRAIL, window).await;
    let nodes = trail["auditTrail"]["nodes"]
        .as_array()
        .expect("nodes")
        .clone();
    let mut got: Vec<Summary> = nodes.iter().map(summary).collect();
    got.sort();
    assert_eq!(got, want, "{trail}");
    for node in &nodes {
        assert_eq!(
            node["patientIds"],
            json!([ada]),
            "every record is Ada's: {node}"
        );
        assert!(
            node["requestId"].as_str().is_some_and(|id| !id.is_empty()),
            "{node}"
        );
    }

    // What Bob did: one refused look at Ada's record.
    let bobs = system
        .data(
            BY_ACTOR,
            json!({ "actor": bob_actor, "from": from, "to": to }),
        )
        .await;
    assert_eq!(
        bobs["auditByActor"]["nodes"],
        json!([{
            "action": "read", "entity": "PATIENT", "entityIds": [ada], "patientIds": [ada],
            "outcome": "DENIED", "traceId": t_bob,
        }]),
        "{bobs}"
    );

    // Only an administrator reads the trail.
    let (denied, _) = step(
        &system,
        &desk,
        TRAIL,
        json!({ "patient": ada, "from": from, "to": to }),
    )
    .await;
    assert_eq!(
        denied["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{denied}"
    );
}

/// The bill billing made for `appointment`, read from billing's database (a query through
/// the API would itself be on the trail).
async fn bill_of(system: &System, appointment: &str) -> String {
    let billing = system.billing.as_ref().expect("billing runs");
    let appointment: uuid::Uuid = appointment.parse().expect("uuid");
    for _ in 0..150 {
        let bill: Option<uuid::Uuid> =
            sqlx::query_scalar("SELECT id FROM bills WHERE appointment_id = $1")
                .bind(appointment)
                .fetch_optional(&billing.pool)
                .await
                .expect("bills");
        if let Some(bill) = bill {
            return bill.to_string();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no bill for appointment {appointment}");
}
