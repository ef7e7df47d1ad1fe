use kit::testing::{assert_error, assert_error_saying};
use serde_json::{Value, json};

use crate::helpers::{clinic, days_ahead};

async fn act(clinic: &crate::helpers::Clinic, mutation: &str, id: &str) -> Value {
    clinic
        .app
        .query(
            &format!("mutation($id: ID!) {{ {mutation}(id: $id) {{ status }} }}"),
            json!({ "id": id }),
        )
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_appointment_moves_through_check_in_to_completion_and_no_further() {
    let clinic = clinic().await;
    let patient = clinic.patient("ana@example.com").await;
    let doctor = clinic.doctor("rui@clinic.org", json!({})).await;
    let id = clinic
        .booked(&patient, &doctor, &days_ahead(1), "09:00", 30)
        .await;

    assert_eq!(
        act(&clinic, "checkInAppointment", &id).await["data"]["checkInAppointment"]["status"],
        "CHECKED_IN"
    );
    assert_eq!(
        act(&clinic, "completeAppointment", &id).await["data"]["completeAppointment"]["status"],
        "COMPLETED"
    );
    let again = act(&clinic, "cancelAppointment", &id).await;
    assert_error_saying(&again, "INVALID_STATE", Some("id"), "COMPLETED");

    let events = clinic.app.events(3).await;
    let types: Vec<&str> = events
        .iter()
        .map(|event| event.event_type.as_str())
        .collect();
    assert_eq!(
        types,
        [
            "pms.appointment.created.v1",
            "pms.appointment.checked_in.v1",
            "pms.appointment.completed.v1"
        ]
    );
    assert_eq!(events[2].data["appointment"]["status"], "COMPLETED");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_frees_the_slot_and_a_cancelled_appointment_cannot_be_completed() {
    let clinic = clinic().await;
    let patient = clinic.patient("ana@example.com").await;
    let other = clinic.patient("bia@example.com").await;
    let doctor = clinic.doctor("rui@clinic.org", json!({})).await;
    let date = days_ahead(2);
    let id = clinic.booked(&patient, &doctor, &date, "09:00", 30).await;

    let cancelled = clinic
        .app
        .query(
            "mutation($id: ID!) { cancelAppointment(id: $id, reason: \"patient is ill\") { status cancellationReason } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelAppointment"],
        json!({ "status": "CANCELLED", "cancellationReason": "patient is ill" })
    );
    clinic.booked(&other, &doctor, &date, "09:00", 30).await;

    let complete = act(&clinic, "completeAppointment", &id).await;
    assert_error_saying(&complete, "INVALID_STATE", Some("id"), "CANCELLED");
    let no_show = act(&clinic, "markNoShow", &id).await;
    assert_error(&no_show, "INVALID_STATE", Some("id"));
    let missing = act(
        &clinic,
        "checkInAppointment",
        &uuid::Uuid::now_v7().to_string(),
    )
    .await;
    assert_error(&missing, "NOT_FOUND", Some("id"));
}

#[tokio::test(flavor = "multi_thread")]
async fn rescheduling_goes_through_the_same_clash_rules_and_keeps_the_duration() {
    let clinic = clinic().await;
    let patient = clinic.patient("ana@example.com").await;
    let other = clinic.patient("bia@example.com").await;
    let doctor = clinic.doctor("rui@clinic.org", json!({})).await;
    let date = days_ahead(3);
    let id = clinic.booked(&patient, &doctor, &date, "09:00", 45).await;
    clinic.booked(&other, &doctor, &date, "11:00", 30).await;
    let reschedule = "mutation($id: ID!, $date: Date!, $time: String!) {
        rescheduleAppointment(id: $id, date: $date, time: $time) { time startsAt endsAt status }
    }";

    let clash = clinic
        .app
        .query(
            reschedule,
            json!({ "id": id, "date": date, "time": "10:30" }),
        )
        .await;
    assert_error(&clash, "CONFLICT", Some("time"));
    let bad_time = clinic
        .app
        .query(reschedule, json!({ "id": id, "date": date, "time": "7pm" }))
        .await;
    assert_error(&bad_time, "BAD_USER_INPUT", Some("time"));

    let moved = clinic
        .app
        .query(
            reschedule,
            json!({ "id": id, "date": date, "time": "13:15" }),
        )
        .await;
    assert_eq!(
        moved["data"]["rescheduleAppointment"],
        json!({ "time": "13:15", "startsAt": format!("{date}T13:15:00+00:00"),
                "endsAt": format!("{date}T14:00:00+00:00"), "status": "SCHEDULED" })
    );
    let no_show_early = act(&clinic, "markNoShow", &id).await;
    assert_error(&no_show_early, "INVALID_STATE", Some("id"));

    let events = clinic.app.events(3).await;
    let rescheduled = events
        .iter()
        .find(|event| event.event_type == "pms.appointment.rescheduled.v1")
        .unwrap_or_else(|| panic!("a rescheduled event: {events:?}"));
    assert_eq!(rescheduled.data["previous"]["time"], "09:00");
    assert_eq!(rescheduled.data["appointment"]["time"], "13:15");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_doctors_and_a_patients_appointments_resolve_through_federation() {
    let clinic = clinic().await;
    let patient = clinic.patient("ana@example.com").await;
    let doctor = clinic.doctor("rui@clinic.org", json!({})).await;
    let later = clinic
        .booked(&patient, &doctor, &days_ahead(6), "09:00", 30)
        .await;
    let sooner = clinic
        .booked(&patient, &doctor, &days_ahead(2), "09:00", 30)
        .await;

    let response = clinic
        .app
        .query(
            "query($reps: [_Any!]!) { _entities(representations: $reps) {
                ... on Doctor { appointments { totalCount nodes { id } } }
                ... on Patient { appointments(from: $from) { nodes { id } } }
            } }"
            .replace("$from", &format!("\"{}\"", days_ahead(3)))
            .as_str(),
            json!({ "reps": [{ "__typename": "Doctor", "id": doctor }, { "__typename": "Patient", "id": patient }] }),
        )
        .await;

    let doctor_view = &response["data"]["_entities"][0]["appointments"];
    assert_eq!(doctor_view["totalCount"], 2, "{response}");
    assert_eq!(
        doctor_view["nodes"],
        json!([{ "id": sooner }, { "id": later }]),
        "ordered by start"
    );
    assert_eq!(
        response["data"]["_entities"][1]["appointments"]["nodes"],
        json!([{ "id": later }])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_move_asks_again_whether_the_doctor_and_the_patient_can_be_booked() {
    let clinic = clinic().await;
    let patient = clinic.patient("ana@example.com").await;
    let doctor = clinic.doctor("rui@clinic.org", json!({})).await;
    let date = days_ahead(4);
    let id = clinic.booked(&patient, &doctor, &date, "09:00", 30).await;
    let reschedule = |time: &str| {
        clinic.app.query(
            "mutation($id: ID!, $date: Date!, $time: String!) {
                rescheduleAppointment(id: $id, date: $date, time: $time) { time }
            }",
            json!({ "id": id, "date": date, "time": time }),
        )
    };
    let set_available = |available: bool| {
        clinic.doctors.query(
            "mutation($id: ID!, $available: Boolean!) {
                setDoctorAvailability(id: $id, available: $available) { available }
            }",
            json!({ "id": doctor, "available": available }),
        )
    };

    set_available(false).await;
    let refused = reschedule("10:00").await;
    assert_error_saying(&refused, "DOCTOR_UNAVAILABLE", Some("id"), &doctor);

    set_available(true).await;
    let moved = reschedule("11:00").await;
    assert_eq!(
        moved["data"]["rescheduleAppointment"]["time"], "11:00",
        "{moved}"
    );

    let archived = clinic
        .patients
        .query(
            "mutation($id: ID!) { deletePatient(id: $id) { id } }",
            json!({ "id": patient }),
        )
        .await;
    assert!(archived["errors"].is_null(), "{archived}");
    let refused = reschedule("12:00").await;
    assert_error_saying(&refused, "NOT_FOUND", Some("id"), "archived");

    // The refused moves changed nothing and wrote no event: the only move is the one made.
    let stored = clinic
        .app
        .query(
            "query($id: ID!) { appointment(id: $id) { time } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(stored["data"]["appointment"]["time"], "11:00");
    assert_eq!(clinic.rows().await, (1, 2));
    let events = clinic.app.events(2).await;
    assert_eq!(events[1].event_type, "pms.appointment.rescheduled.v1");
    assert_eq!(events[1].data["appointment"]["time"], "11:00");
}
