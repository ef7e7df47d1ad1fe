//! A clinic's day through the router only: registration, booking, billing, payment,
//! cancellation, statistics, live updates, and errors as the subgraphs wrote them.

use chrono::{Days, Utc};
use kit::testing::{GraphqlSubscription, graphql_as};
use serde_json::{Value, json};

use super::{
    processes::Deployment,
    system::{System, system},
};

/// The API through the router, in-process subgraphs or deployed processes alike.
pub trait Api {
    /// An operation through the router, as an administrator.
    fn query(&self, query: &str, variables: Value) -> impl Future<Output = Value>;

    /// `data` of an operation that must succeed.
    fn data(&self, query: &str, variables: Value) -> impl Future<Output = Value> {
        async move {
            let response = self.query(query, variables).await;
            assert!(response["errors"].is_null(), "{response}");
            response["data"].clone()
        }
    }

    /// `http://127.0.0.1:<port>` of the router.
    fn router_url(&self) -> &str;

    /// The administrator's token [`Self::query`] sends.
    fn token(&self) -> &str;

    /// Each subgraph's name and base URL.
    fn subgraphs(&self) -> Vec<(&'static str, &str)>;
}

impl Api for System {
    fn query(&self, query: &str, variables: Value) -> impl Future<Output = Value> {
        System::query(self, query, variables)
    }

    fn router_url(&self) -> &str {
        &self.router_url
    }

    fn token(&self) -> &str {
        &self.credentials.admin
    }

    fn subgraphs(&self) -> Vec<(&'static str, &str)> {
        let mut subgraphs = vec![
            ("patients", self.patients.base_url.as_str()),
            ("doctors", self.doctors.base_url.as_str()),
            ("appointments", self.appointments.base_url.as_str()),
            ("analytics", self.analytics.base_url.as_str()),
        ];
        if let Some(billing) = &self.billing {
            subgraphs.push(("billing", billing.base_url.as_str()));
        }
        subgraphs
    }
}

impl Api for Deployment {
    fn query(&self, query: &str, variables: Value) -> impl Future<Output = Value> {
        let url = format!("{}/graphql", self.router_url);
        async move { graphql_as(&url, Some(&self.credentials.admin), query, variables).await }
    }

    fn router_url(&self) -> &str {
        &self.router_url
    }

    fn token(&self) -> &str {
        &self.credentials.admin
    }

    fn subgraphs(&self) -> Vec<(&'static str, &str)> {
        self.services()
            .into_iter()
            .map(|process| (process.name, process.url.as_str()))
            .collect()
    }
}

pub async fn patient(system: &impl Api, email: &str) -> String {
    patient_named(system, email, "Ada Lovelace").await
}

/// [`patient`] with a name.
pub async fn patient_named(system: &impl Api, email: &str, name: &str) -> String {
    let data = system
        .data(
            "mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }",
            json!({ "input": { "name": name, "email": email, "phone": "+44 20 7946 0000" } }),
        )
        .await;
    data["createPatient"]["id"].as_str().expect("id").to_owned()
}

/// A doctor working around the clock every day, so bookings at any time are in hours.
pub async fn doctor(system: &impl Api, email: &str) -> String {
    doctor_named(system, email, "Grace Hopper", "CARDIOLOGY").await
}

/// [`doctor`] with a name and a specialization.
pub async fn doctor_named(
    system: &impl Api,
    email: &str,
    name: &str,
    specialization: &str,
) -> String {
    let around_the_clock: Vec<Value> = schedule::wire::WEEKDAY_NAMES
        .map(|day| json!({ "weekday": day, "starts": "00:00", "ends": "24:00" }))
        .into();
    let data = system
        .data(
            "mutation($input: CreateDoctorInput!) { createDoctor(input: $input) { id } }",
            json!({ "input": {
                "name": name, "email": email, "phoneNumber": "+1 555 0100",
                "specialization": specialization, "gender": "FEMALE",
                "weeklyHours": around_the_clock,
            } }),
        )
        .await;
    data["createDoctor"]["id"].as_str().expect("id").to_owned()
}

pub const BOOK: &str =
    "mutation($input: CreateAppointmentInput!) { createAppointment(input: $input) { id } }";

pub fn booking(patient: &str, doctor: &str, date: &str, time: &str) -> Value {
    json!({ "input": {
        "patientId": patient, "doctorId": doctor, "date": date, "time": time,
        "serviceType": "CONSULTATION", "durationMinutes": 30,
    } })
}

pub fn in_days(days: u64) -> String {
    (Utc::now().date_naive() + Days::new(days)).to_string()
}

pub async fn book(
    system: &impl Api,
    patient: &str,
    doctor: &str,
    date: &str,
    time: &str,
) -> String {
    let data = system
        .data(BOOK, booking(patient, doctor, date, time))
        .await;
    data["createAppointment"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

const APPOINTMENT: &str = "query($id: ID!) { appointment(id: $id) {
    id status
    patient { name }
    doctor { name specialization }
    bill { id amount currency status }
} }";

#[tokio::test(flavor = "multi_thread")]
async fn a_clinic_day_through_the_router() {
    let system = system().await;
    let patient = patient(&system, "ada@example.org").await;
    let doctor = doctor(&system, "grace@clinic.org").await;
    let date = in_days(3);

    // Booked, then read across four subgraphs once billing has made the bill.
    let first = book(&system, &patient, &doctor, &date, "09:00").await;
    let read = system
        .eventually(APPOINTMENT, json!({ "id": first }), |data| {
            !data["appointment"]["bill"].is_null()
        })
        .await;
    let bill = read["appointment"]["bill"]["id"].clone();
    assert_eq!(
        read["appointment"],
        json!({
            "id": first, "status": "SCHEDULED",
            "patient": { "name": "Ada Lovelace" },
            "doctor": { "name": "Grace Hopper", "specialization": "CARDIOLOGY" },
            "bill": { "id": bill, "amount": "80.00", "currency": "EUR", "status": "UNPAID" },
        })
    );

    // Paid.
    let paid = system
        .data(
            "mutation($id: ID!) { payBill(id: $id, paymentType: CASH) { status paymentStatus } }",
            json!({ "id": bill }),
        )
        .await;
    assert_eq!(
        paid["payBill"],
        json!({ "status": "PAID", "paymentStatus": true })
    );

    // Another booking, cancelled: its bill becomes void.
    let second = book(&system, &patient, &doctor, &date, "11:00").await;
    system
        .eventually(APPOINTMENT, json!({ "id": second }), |data| {
            !data["appointment"]["bill"].is_null()
        })
        .await;
    system
        .data(
            "mutation($id: ID!) { cancelAppointment(id: $id, reason: \"patient called\") { status } }",
            json!({ "id": second }),
        )
        .await;
    let voided = system
        .eventually(APPOINTMENT, json!({ "id": second }), |data| {
            data["appointment"]["bill"]["status"] == "VOID"
        })
        .await;
    assert_eq!(voided["appointment"]["status"], "CANCELLED");

    // The statistics catch up: two booked on that day, one cancelled; the doctor's stats
    // resolve through federation on the doctors subgraph's entity.
    let stats = system
        .eventually(
            "query($from: Date!, $to: Date!, $doctor: ID!) {
                dashboard(from: $from, to: $to) { appointmentsBooked appointmentsCancelled }
                doctor(id: $doctor) { name stats(from: $from, to: $to) { booked cancelled bookedMinutes } }
            }",
            json!({ "from": date, "to": date, "doctor": doctor }),
            |data| data["dashboard"]["appointmentsCancelled"] == 1,
        )
        .await;
    assert_eq!(
        stats,
        json!({
            "dashboard": { "appointmentsBooked": 2, "appointmentsCancelled": 1 },
            "doctor": { "name": "Grace Hopper", "stats": { "booked": 2, "cancelled": 1, "bookedMinutes": 30 } },
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subscriber_through_the_router_sees_another_clients_booking() {
    let system = system().await;
    let patient = patient(&system, "ada@example.org").await;
    let doctor = doctor(&system, "grace@clinic.org").await;
    let mut updates = GraphqlSubscription::start(
        &system.ws_url(),
        Some(&system.credentials.admin),
        "subscription($doctor: ID) { appointmentUpdated(doctorId: $doctor) {
            kind appointment { id status patient { name } doctor { name } }
        } }",
        json!({ "doctor": doctor }),
    )
    .await;
    // The router opens the subgraph subscription; its consumer starts at the latest offset.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;

    let id = book(&system, &patient, &doctor, &in_days(2), "10:00").await;

    let update = updates.next().await;
    assert_eq!(update["type"], "next", "{update}");
    assert_eq!(
        update["payload"]["data"]["appointmentUpdated"],
        json!({ "kind": "CREATED", "appointment": {
            "id": id, "status": "SCHEDULED",
            "patient": { "name": "Ada Lovelace" }, "doctor": { "name": "Grace Hopper" },
        } })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_keep_the_subgraphs_codes_fields_and_messages() {
    let system = system().await;
    let patient = patient(&system, "ada@example.org").await;
    let doctor = doctor(&system, "grace@clinic.org").await;
    let date = in_days(4);
    book(&system, &patient, &doctor, &date, "09:00").await;

    let clash = system
        .query(BOOK, booking(&patient, &doctor, &date, "09:15"))
        .await;
    kit::testing::assert_error(&clash, "CONFLICT", Some("input.doctorId"));
    assert_eq!(
        clash["errors"][0]["message"],
        "the doctor already has an appointment at that time"
    );

    let duplicate = system
        .query(
            "mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }",
            json!({ "input": { "name": "Ada Again", "email": "ADA@example.org", "phone": "+44 20 7946 0001" } }),
        )
        .await;
    kit::testing::assert_error(&duplicate, "CONFLICT", Some("input.email"));

    let range = system
        .query(
            "{ dashboard(from: \"2026-02-01\", to: \"2026-01-01\") { appointmentsBooked } }",
            json!({}),
        )
        .await;
    kit::testing::assert_error(&range, "BAD_USER_INPUT", Some("from"));
    assert_eq!(
        range["errors"][0]["message"],
        "`from` (2026-02-01) is after `to` (2026-01-01)"
    );
}
