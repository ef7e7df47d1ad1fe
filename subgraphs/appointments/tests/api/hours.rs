//! Bookings and moves keep to the doctor's working hours, read from the doctors subgraph.

use chrono::{Datelike as _, Days, NaiveDate, Utc, Weekday};
use kit::testing::assert_error_saying;
use serde_json::{Value, json};

use crate::helpers::{BOOK, Clinic, booking, clinic};

/// The first `weekday` at least two days from today (UTC, the tests' clinic zone).
fn next(weekday: Weekday) -> NaiveDate {
    let start = Utc::now().date_naive() + Days::new(2);
    start
        .iter_days()
        .find(|date| date.weekday() == weekday)
        .expect("a day of the week within seven")
}

/// A doctor working Monday to Friday 09:00-17:00, off on Tuesday afternoon for a congress.
async fn doctor_with_hours(clinic: &Clinic) -> String {
    let days = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"];
    let week: Vec<Value> = days
        .iter()
        .map(|day| json!({ "weekday": day, "starts": "09:00", "ends": "17:00" }))
        .collect();
    let doctor = clinic
        .doctor("hours@clinic.org", json!({ "weeklyHours": week }))
        .await;
    let off = clinic
        .doctors
        .query(
            "mutation($id: ID!, $input: TimeOffInput!) { addTimeOff(doctorId: $id, input: $input) { id } }",
            json!({ "id": doctor, "input": {
                "date": next(Weekday::Tue), "starts": "13:00", "ends": "18:00", "reason": "congress",
            } }),
        )
        .await;
    assert!(off["errors"].is_null(), "{off}");
    doctor
}

#[tokio::test]
async fn a_booking_outside_working_hours_or_in_time_off_is_refused_saying_why() {
    let clinic = clinic().await;
    let patient = clinic.patient("hours@example.com").await;
    let doctor = doctor_with_hours(&clinic).await;
    let (monday, tuesday, sunday) = (
        next(Weekday::Mon).to_string(),
        next(Weekday::Tue).to_string(),
        next(Weekday::Sun).to_string(),
    );

    let cases = [
        (
            &sunday,
            "10:00",
            30,
            format!("has no working hours on Sunday {sunday}"),
        ),
        (
            &monday,
            "08:00",
            30,
            format!("works only 09:00-17:00 on Monday {monday}"),
        ),
        (&monday, "16:30", 60, "works only 09:00-17:00".to_owned()),
        (
            &tuesday,
            "14:00",
            30,
            format!("is off 13:00-18:00 on Tuesday {tuesday} (congress)"),
        ),
        (&tuesday, "12:45", 30, "is off 13:00-18:00".to_owned()),
    ];
    for (date, time, minutes, why) in cases {
        let refused = clinic.book(&patient, &doctor, date, time, minutes).await;
        assert_error_saying(&refused, "DOCTOR_UNAVAILABLE", Some("input.time"), &why);
        assert_error_saying(&refused, "DOCTOR_UNAVAILABLE", Some("input.time"), &doctor);
    }
    assert_eq!(clinic.rows().await, (0, 0), "nothing written for a refusal");

    let id = clinic.booked(&patient, &doctor, &monday, "16:30", 30).await;
    let moved = clinic
        .app
        .query(
            "mutation($id: ID!, $date: Date!, $time: String!) {
                rescheduleAppointment(id: $id, date: $date, time: $time) { time }
            }",
            json!({ "id": id, "date": tuesday, "time": "15:00" }),
        )
        .await;
    assert_error_saying(
        &moved,
        "DOCTOR_UNAVAILABLE",
        Some("time"),
        "is off 13:00-18:00",
    );
    let booked_time: String =
        sqlx::query_scalar("SELECT to_char(local_time, 'HH24:MI') FROM appointments")
            .fetch_one(&clinic.app.pool)
            .await
            .expect("the appointment");
    assert_eq!(booked_time, "16:30", "the refused move changed nothing");
}

#[tokio::test]
async fn booking_outside_working_hours_on_purpose_is_kept_on_the_audit_trail() {
    let clinic = clinic().await;
    let patient = clinic.patient("purpose@example.com").await;
    let doctor = doctor_with_hours(&clinic).await;
    let sunday = next(Weekday::Sun).to_string();

    let mut on_purpose = booking(&patient, &doctor, &sunday, "10:00", 30);
    on_purpose["input"]["outsideWorkingHours"] = json!(true);
    let booked = clinic.app.query(BOOK, on_purpose).await;
    assert_eq!(
        booked["data"]["createAppointment"]["date"], sunday,
        "{booked}"
    );

    let recorded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE topic <> $1 AND payload::text LIKE '%outsideWorkingHours%'",
    )
    .bind(&clinic.app.topic)
    .fetch_one(&clinic.app.pool)
    .await
    .expect("audit rows");
    assert_eq!(recorded, 1, "the audit record names the override");
}

#[tokio::test]
async fn time_off_recorded_after_bookings_keeps_them_and_lists_them_for_a_call() {
    let clinic = clinic().await;
    let patient = clinic.patient("called@example.com").await;
    let doctor = doctor_with_hours(&clinic).await;
    let (monday, wednesday) = (next(Weekday::Mon), next(Weekday::Wed));
    let kept = clinic
        .booked(&patient, &doctor, &monday.to_string(), "09:00", 30)
        .await;
    let affected = clinic
        .booked(&patient, &doctor, &wednesday.to_string(), "10:00", 30)
        .await;

    let off = clinic
        .doctors
        .query(
            "mutation($id: ID!, $input: TimeOffInput!) { addTimeOff(doctorId: $id, input: $input) { id } }",
            json!({ "id": doctor, "input": { "date": wednesday, "starts": "09:00", "ends": "12:00", "reason": "sick" } }),
        )
        .await;
    assert!(off["errors"].is_null(), "{off}");

    let listed = clinic
        .app
        .query(
            "query($doctorId: ID, $from: Date!, $to: Date!) {
                appointmentsOutsideWorkingHours(doctorId: $doctorId, from: $from, to: $to) {
                    reason appointment { id status date time }
                }
            }",
            json!({ "doctorId": doctor, "from": Utc::now().date_naive(), "to": Utc::now().date_naive() + Days::new(9) }),
        )
        .await;
    let listed = listed["data"]["appointmentsOutsideWorkingHours"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["appointment"]["id"], affected.as_str());
    assert_eq!(
        listed[0]["appointment"]["status"], "SCHEDULED",
        "time off cancels nothing"
    );
    let reason = listed[0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!(
            "is off 09:00-12:00 on Wednesday {wednesday} (sick)"
        )),
        "{reason}"
    );
    assert_ne!(listed[0]["appointment"]["id"], kept.as_str());
}

#[tokio::test]
async fn a_change_of_hours_after_a_booking_applies_to_the_next_booking_at_once() {
    // Appointments reuses the hours it fetched while the doctor's `scheduleVersion` stays;
    // each change below must move it.
    let clinic = clinic().await;
    let patient = clinic.patient("fresh@example.com").await;
    let doctor = doctor_with_hours(&clinic).await;
    let monday = next(Weekday::Mon).to_string();
    clinic.booked(&patient, &doctor, &monday, "09:00", 30).await;
    let change = |query: &'static str, variables: Value| {
        let clinic = &clinic;
        async move {
            let answer = clinic.doctors.query(query, variables).await;
            assert!(answer["errors"].is_null(), "{answer}");
            answer["data"].clone()
        }
    };

    let off = change(
        "mutation($id: ID!, $input: TimeOffInput!) { addTimeOff(doctorId: $id, input: $input) { id } }",
        json!({ "id": doctor, "input": { "date": monday, "starts": "10:00", "ends": "12:00", "reason": "training" } }),
    )
    .await;
    let refused = clinic.book(&patient, &doctor, &monday, "10:00", 30).await;
    assert_error_saying(
        &refused,
        "DOCTOR_UNAVAILABLE",
        Some("input.time"),
        "is off 10:00-12:00",
    );

    change(
        "mutation($id: ID!) { removeScheduleException(id: $id) { id } }",
        json!({ "id": off["addTimeOff"]["id"] }),
    )
    .await;
    clinic.booked(&patient, &doctor, &monday, "10:00", 30).await;

    change(
        "mutation($id: ID!, $from: Date!, $intervals: [WeeklyIntervalInput!]!) {
            setWeeklyHours(doctorId: $id, validFrom: $from, intervals: $intervals) { validFrom }
        }",
        json!({ "id": doctor, "from": monday, "intervals": [
            { "weekday": "MONDAY", "starts": "13:00", "ends": "17:00" },
        ] }),
    )
    .await;
    let refused = clinic.book(&patient, &doctor, &monday, "11:00", 30).await;
    assert_error_saying(
        &refused,
        "DOCTOR_UNAVAILABLE",
        Some("input.time"),
        "works only 13:00-17:00",
    );
    clinic.booked(&patient, &doctor, &monday, "13:00", 30).await;
}
