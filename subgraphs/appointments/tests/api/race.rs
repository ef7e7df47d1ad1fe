use std::sync::Arc;

use futures::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{BOOK, Clinic, booking, clinic, days_ahead};

/// Sends all bookings at once; returns (successes, conflict fields).
async fn book_all(clinic: &Arc<Clinic>, bookings: Vec<Value>) -> (usize, Vec<String>) {
    let responses = join_all(bookings.into_iter().map(|variables| {
        let clinic = Arc::clone(clinic);
        tokio::spawn(async move { clinic.app.query(BOOK, variables).await })
    }))
    .await;
    let mut booked = 0;
    let mut conflicts = Vec::new();
    for response in responses {
        let response = response.expect("request task");
        if response["data"]["createAppointment"]["id"].is_string() {
            booked += 1;
        } else {
            assert_eq!(
                response["errors"][0]["extensions"]["code"], "CONFLICT",
                "{response}"
            );
            conflicts.push(
                response["errors"][0]["extensions"]["field"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
    }
    (booked, conflicts)
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_receptionists_booking_one_doctor_at_once_produce_exactly_one_appointment() {
    let clinic = Arc::new(clinic().await);
    let doctor = clinic.doctor("rui@clinic.org", json!({})).await;
    let mut patients = Vec::new();
    for n in 0..50 {
        patients.push(clinic.patient(&format!("p{n}@example.com")).await);
    }
    let date = days_ahead(5);
    // Fifty overlapping requests: starts spread over 10:00-10:49, 60 minutes each.
    let bookings = patients
        .iter()
        .enumerate()
        .map(|(n, patient)| booking(patient, &doctor, &date, &format!("10:{n:02}"), 60))
        .collect();

    let (booked, conflicts) = book_all(&clinic, bookings).await;

    assert_eq!(booked, 1);
    assert_eq!(conflicts.len(), 49);
    assert!(
        conflicts.iter().all(|field| field == "input.doctorId"),
        "{conflicts:?}"
    );
    assert_eq!(clinic.rows().await, (1, 1), "one appointment, one event");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_patient_booked_with_two_doctors_at_once_gets_exactly_one_appointment() {
    let clinic = Arc::new(clinic().await);
    let patient = clinic.patient("ana@example.com").await;
    let first = clinic.doctor("one@clinic.org", json!({})).await;
    let second = clinic
        .doctor("two@clinic.org", json!({ "specialization": "NEUROLOGY" }))
        .await;
    let date = days_ahead(5);
    let bookings = (0..50)
        .map(|n| {
            let doctor = if n % 2 == 0 { &first } else { &second };
            booking(&patient, doctor, &date, "14:00", 30)
        })
        .collect();

    let (booked, conflicts) = book_all(&clinic, bookings).await;

    assert_eq!(booked, 1);
    assert_eq!(conflicts.len(), 49);
    assert!(
        conflicts.iter().any(|field| field == "input.patientId"),
        "{conflicts:?}"
    );
    assert_eq!(clinic.rows().await, (1, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn back_to_back_appointments_both_succeed() {
    let clinic = clinic().await;
    let patient = clinic.patient("ana@example.com").await;
    let other = clinic.patient("bia@example.com").await;
    let doctor = clinic.doctor("rui@clinic.org", json!({})).await;
    let date = days_ahead(4);

    clinic.booked(&patient, &doctor, &date, "10:00", 30).await;
    clinic.booked(&other, &doctor, &date, "10:30", 30).await;
    clinic.booked(&patient, &doctor, &date, "11:00", 30).await;

    let overlapping = clinic.book(&other, &doctor, &date, "10:59", 30).await;
    assert_eq!(
        overlapping["errors"][0]["extensions"]["code"], "CONFLICT",
        "{overlapping}"
    );
    assert_eq!(clinic.rows().await.0, 3);
}
