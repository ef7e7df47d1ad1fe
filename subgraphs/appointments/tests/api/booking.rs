use kit::testing::{assert_error, assert_error_saying};
use serde_json::json;

use crate::helpers::{BOOK, booking, clinic, clinic_with, days_ahead};

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_is_stored_readable_and_announced_with_what_billing_needs() {
    let clinic = clinic().await;
    let patient = clinic.patient("ana@example.com").await;
    let doctor = clinic
        .doctor("rui@clinic.org", json!({ "specialization": "DERMATOLOGY" }))
        .await;
    let date = days_ahead(3);

    let response = clinic
        .app
        .query(
            BOOK,
            json!({ "input": {
                "patientId": patient, "doctorId": doctor, "date": date, "time": "09:30",
                "serviceType": "FOLLOW_UP", "durationMinutes": 45, "notes": "bring results"
            }}),
        )
        .await;

    let booked = &response["data"]["createAppointment"];
    assert!(response["errors"].is_null(), "{response}");
    assert_eq!(booked["status"], "SCHEDULED");
    assert_eq!(booked["startsAt"], format!("{date}T09:30:00+00:00"));
    assert_eq!(booked["endsAt"], format!("{date}T10:15:00+00:00"));
    let id = booked["id"].as_str().expect("id");

    let read = clinic
        .app
        .query(
            "query($id: ID!) { appointment(id: $id) { patientId doctorId patient { id } doctor { id } time serviceType notes } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        read["data"]["appointment"],
        json!({ "patientId": patient, "doctorId": doctor, "patient": { "id": patient }, "doctor": { "id": doctor },
                "time": "09:30", "serviceType": "FOLLOW_UP", "notes": "bring results" })
    );

    let events = clinic.app.events(1).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].event_type, "pms.appointment.created.v1");
    assert_eq!(events[0].subject, id);
    let data = &events[0].data["appointment"];
    assert_eq!(data["doctorSpecialization"], "DERMATOLOGY");
    assert_eq!(data["serviceType"], "FOLLOW_UP");
    assert_eq!(data["patientId"], patient.as_str());
    assert_eq!(data["status"], "SCHEDULED");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_refusal_names_its_field_and_writes_nothing() {
    let clinic = clinic().await;
    let patient = clinic.patient("ana@example.com").await;
    let archived_patient = clinic.patient("gone@example.com").await;
    clinic
        .patients
        .query(
            "mutation($id: ID!) { deletePatient(id: $id) { id } }",
            json!({ "id": archived_patient }),
        )
        .await;
    let doctor = clinic.doctor("rui@clinic.org", json!({})).await;
    let away = clinic
        .doctor("away@clinic.org", json!({ "available": false }))
        .await;
    let archived_doctor = clinic.doctor("left@clinic.org", json!({})).await;
    clinic
        .doctors
        .query(
            "mutation($id: ID!) { deleteDoctor(id: $id) { id } }",
            json!({ "id": archived_doctor }),
        )
        .await;
    let unknown = uuid::Uuid::now_v7().to_string();
    let date = days_ahead(2);
    let today = days_ahead(0);

    let cases = [
        (
            booking(&unknown, &doctor, &date, "10:00", 30),
            "NOT_FOUND",
            "input.patientId",
        ),
        (
            booking(&archived_patient, &doctor, &date, "10:00", 30),
            "NOT_FOUND",
            "input.patientId",
        ),
        (
            booking(&patient, &unknown, &date, "10:00", 30),
            "NOT_FOUND",
            "input.doctorId",
        ),
        (
            booking(&patient, &archived_doctor, &date, "10:00", 30),
            "NOT_FOUND",
            "input.doctorId",
        ),
        (
            booking(&patient, &away, &date, "10:00", 30),
            "DOCTOR_UNAVAILABLE",
            "input.doctorId",
        ),
        (
            booking(&patient, &doctor, &date, "25:00", 30),
            "BAD_USER_INPUT",
            "input.time",
        ),
        (
            booking(&patient, &doctor, &date, "10h", 30),
            "BAD_USER_INPUT",
            "input.time",
        ),
        (
            booking(&patient, &doctor, &date, "10:00", 4),
            "BAD_USER_INPUT",
            "input.durationMinutes",
        ),
        (
            booking(&patient, &doctor, &date, "10:00", 481),
            "BAD_USER_INPUT",
            "input.durationMinutes",
        ),
        (
            booking(&patient, &doctor, &today, "00:00", 30),
            "BAD_USER_INPUT",
            "input.date",
        ),
        (
            booking("p-1", &doctor, &date, "10:00", 30),
            "BAD_USER_INPUT",
            "input.patientId",
        ),
    ];
    for (variables, code, field) in cases {
        let response = clinic.app.query(BOOK, variables).await;
        assert_error(&response, code, Some(field));
    }
    let mut unknown_service = booking(&patient, &doctor, &date, "10:00", 30);
    unknown_service["input"]["serviceType"] = json!("MASSAGE");
    assert_error(
        &clinic.app.query(BOOK, unknown_service).await,
        "BAD_USER_INPUT",
        Some("input.serviceType"),
    );

    assert_eq!(clinic.rows().await, (0, 0), "no appointment and no event");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upstream_that_is_down_or_silent_is_upstream_unavailable_and_nothing_is_written() {
    // Nothing listens on the patients URL; the doctors URL accepts and never answers.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let closed_port = closed.local_addr().expect("address").port();
    drop(closed);
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let silent_port = silent.local_addr().expect("address").port();
    let _held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket);
        }
    });

    let down = clinic_with(|settings| {
        settings.patients_url = format!("http://127.0.0.1:{closed_port}/graphql");
        settings.reference_timeout = std::time::Duration::from_millis(500);
    })
    .await;
    let doctor = down.doctor("rui@clinic.org", json!({})).await;
    let response = down
        .book(
            &uuid::Uuid::now_v7().to_string(),
            &doctor,
            &days_ahead(1),
            "10:00",
            30,
        )
        .await;
    assert_error_saying(&response, "UPSTREAM_UNAVAILABLE", None, "patients");
    assert_eq!(down.rows().await, (0, 0));

    let slow = clinic_with(|settings| {
        settings.doctors_url = format!("http://127.0.0.1:{silent_port}/graphql");
        settings.reference_timeout = std::time::Duration::from_millis(500);
    })
    .await;
    let patient = slow.patient("ana@example.com").await;
    let response = slow
        .book(
            &patient,
            &uuid::Uuid::now_v7().to_string(),
            &days_ahead(1),
            "10:00",
            30,
        )
        .await;
    assert_error_saying(&response, "UPSTREAM_UNAVAILABLE", None, "doctors");
    assert_eq!(slow.rows().await, (0, 0));
}
