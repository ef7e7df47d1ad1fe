//! The free-slot search over the doctors' real hours and the bookings here.

use chrono::{Datelike as _, Days, NaiveDate, Utc, Weekday};
use kit::testing::assert_error;
use serde_json::{Value, json};

use crate::helpers::{Clinic, clinic};

const FREE_SLOTS: &str = "query($doctorId: ID, $specialization: Specialization, $from: Date!, $to: Date!,
        $minutes: Int, $step: Int, $window: TimeWindowInput, $first: Int, $after: String) {
    freeSlots(doctorId: $doctorId, specialization: $specialization, from: $from, to: $to,
              durationMinutes: $minutes, stepMinutes: $step, window: $window, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { doctorId date time durationMinutes startsAt endsAt }
    }
}";

/// The same without `totalCount`: only the page is computed.
const PAGE_OF_FREE_SLOTS: &str = "query($doctorId: ID, $from: Date!, $to: Date!, $minutes: Int, $step: Int,
        $first: Int, $after: String) {
    freeSlots(doctorId: $doctorId, from: $from, to: $to, durationMinutes: $minutes, stepMinutes: $step,
              first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { doctorId date time durationMinutes startsAt endsAt }
    }
}";

/// The first `weekday` at least two days from today (UTC, the tests' clinic zone).
fn next(weekday: Weekday) -> NaiveDate {
    let start = Utc::now().date_naive() + Days::new(2);
    start
        .iter_days()
        .find(|date| date.weekday() == weekday)
        .expect("a day of the week within seven")
}

fn interval(day: &str, starts: &str, ends: &str) -> Value {
    json!({ "weekday": day, "starts": starts, "ends": ends })
}

async fn search(clinic: &Clinic, variables: Value) -> Value {
    let response = clinic.app.query(FREE_SLOTS, variables).await;
    assert!(response["errors"].is_null(), "{response}");
    response["data"]["freeSlots"].clone()
}

/// `"Mon 09:00"` for each slot.
fn labels(slots: &Value) -> Vec<String> {
    slots["nodes"]
        .as_array()
        .map(|nodes| {
            nodes
                .iter()
                .map(|slot| {
                    let date: NaiveDate = slot["date"]
                        .as_str()
                        .and_then(|d| d.parse().ok())
                        .expect("date");
                    format!(
                        "{} {}",
                        date.format("%a"),
                        slot["time"].as_str().unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_week_of_free_slots_is_exactly_what_hours_time_off_and_bookings_leave_and_pages_are_stable()
 {
    let clinic = clinic().await;
    let patient = clinic.patient("slots@example.com").await;
    let week: Vec<Value> = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
        .iter()
        .flat_map(|day| {
            [
                interval(day, "09:00", "11:00"),
                interval(day, "13:00", "15:00"),
            ]
        })
        .collect();
    let doctor = clinic
        .doctor("week@clinic.org", json!({ "weeklyHours": week }))
        .await;
    let monday = next(Weekday::Mon);
    let day = |offset: u64| (monday + Days::new(offset)).to_string();
    let off = clinic
        .doctors
        .query(
            "mutation($id: ID!, $input: TimeOffInput!) { addTimeOff(doctorId: $id, input: $input) { id } }",
            json!({ "id": doctor, "input": { "date": day(2), "starts": "13:00", "ends": "18:00" } }),
        )
        .await;
    assert!(off["errors"].is_null(), "{off}");
    let extra = clinic
        .doctors
        .query(
            "mutation($id: ID!, $input: ExtraHoursInput!) { addExtraHours(doctorId: $id, input: $input) { id } }",
            json!({ "id": doctor, "input": { "date": day(5), "starts": "10:00", "ends": "12:00" } }),
        )
        .await;
    assert!(extra["errors"].is_null(), "{extra}");
    clinic.booked(&patient, &doctor, &day(1), "09:30", 60).await;
    clinic.booked(&patient, &doctor, &day(3), "14:00", 30).await;
    let cancelled = clinic.booked(&patient, &doctor, &day(4), "09:00", 60).await;
    let cancel = clinic
        .app
        .query(
            "mutation($id: ID!) { cancelAppointment(id: $id) { status } }",
            json!({ "id": cancelled }),
        )
        .await;
    assert!(cancel["errors"].is_null(), "{cancel}");

    let variables = json!({ "doctorId": doctor, "from": day(0), "to": day(6), "minutes": 60, "step": 30, "first": 100 });
    let all = search(&clinic, variables.clone()).await;
    let expected = [
        "Mon 09:00",
        "Mon 09:30",
        "Mon 10:00",
        "Mon 13:00",
        "Mon 13:30",
        "Mon 14:00",
        "Tue 13:00",
        "Tue 13:30",
        "Tue 14:00",
        "Wed 09:00",
        "Wed 09:30",
        "Wed 10:00",
        "Thu 09:00",
        "Thu 09:30",
        "Thu 10:00",
        "Thu 13:00",
        "Fri 09:00",
        "Fri 09:30",
        "Fri 10:00",
        "Fri 13:00",
        "Fri 13:30",
        "Fri 14:00",
        "Sat 10:00",
        "Sat 10:30",
        "Sat 11:00",
    ];
    assert_eq!(labels(&all), expected);
    assert_eq!(all["totalCount"], 25);
    let first = &all["nodes"][0];
    assert_eq!(first["startsAt"], format!("{}T09:00:00+00:00", day(0)));
    assert_eq!(first["endsAt"], format!("{}T10:00:00+00:00", day(0)));
    assert_eq!(first["durationMinutes"], 60);

    // Pages of 10 and of 4, counted (every slot computed) or not (only the page's).
    for (query, first) in [
        (FREE_SLOTS, 10),
        (PAGE_OF_FREE_SLOTS, 10),
        (PAGE_OF_FREE_SLOTS, 4),
    ] {
        let mut paged = Vec::new();
        let mut after = Value::Null;
        for _ in 0..10 {
            let mut ask = variables.clone();
            ask["first"] = json!(first);
            ask["after"] = after.clone();
            let response = clinic.app.query(query, ask).await;
            let page = &response["data"]["freeSlots"];
            assert!(page.is_object(), "{response}");
            paged.extend(labels(page));
            after = page["pageInfo"]["endCursor"].clone();
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
        }
        assert_eq!(
            paged, expected,
            "pages of {first} hold the same 25 slots in order"
        );
    }
}

#[tokio::test]
async fn a_specialization_merges_its_bookable_doctors_in_time_order() {
    let clinic = clinic().await;
    let monday = next(Weekday::Mon);
    let neurologist = |email: &'static str, starts: &'static str, ends: &'static str| {
        clinic.doctor(
            email,
            json!({ "specialization": "NEUROLOGY", "weeklyHours": [interval("MONDAY", starts, ends)] }),
        )
    };
    let a = neurologist("a@clinic.org", "09:00", "10:00").await;
    let b = neurologist("b@clinic.org", "09:30", "10:30").await;
    let c = neurologist("c@clinic.org", "09:00", "09:30").await;
    let closed = clinic
        .doctor(
            "closed2@clinic.org",
            json!({ "specialization": "NEUROLOGY", "available": false,
                    "weeklyHours": [interval("MONDAY", "08:00", "12:00")] }),
        )
        .await;
    clinic
        .doctor(
            "cardio@clinic.org",
            json!({ "weeklyHours": [interval("MONDAY", "08:00", "12:00")] }),
        )
        .await;

    let slots = search(
        &clinic,
        json!({ "specialization": "NEUROLOGY", "from": monday, "to": monday, "minutes": 30, "step": 30,
                "window": { "starts": "09:00", "ends": "10:30" } }),
    )
    .await;
    let found: Vec<(String, String)> = slots["nodes"]
        .as_array()
        .map(|nodes| {
            nodes
                .iter()
                .map(|s| {
                    (
                        s["time"].as_str().unwrap_or("?").to_owned(),
                        s["doctorId"].as_str().unwrap_or("?").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut expected = Vec::new();
    for (time, mut ids) in [("09:00", vec![&a, &c]), ("09:30", vec![&a, &b])] {
        ids.sort();
        expected.extend(ids.into_iter().map(|id| (time.to_owned(), id.clone())));
    }
    expected.push(("10:00".to_owned(), b.clone()));
    assert!(
        !found.iter().any(|(_, id)| *id == closed),
        "a closed calendar offers nothing"
    );
    assert_eq!(found, expected, "the cardiologist is not a neurologist");
}

#[tokio::test]
async fn twenty_clients_booking_the_first_free_slot_get_one_booking_and_the_slot_is_gone() {
    let clinic = clinic().await;
    let doctor = clinic
        .doctor(
            "race@clinic.org",
            json!({ "weeklyHours": [interval("WEDNESDAY", "09:00", "12:00")] }),
        )
        .await;
    let wednesday = next(Weekday::Wed);
    let variables = json!({ "doctorId": doctor, "from": wednesday, "to": wednesday, "minutes": 30, "first": 1 });
    let first = search(&clinic, variables.clone()).await["nodes"][0].clone();
    assert_eq!(first["time"], "09:00", "{first}");

    let mut patients = Vec::new();
    for n in 0..20 {
        patients.push(clinic.patient(&format!("racer{n}@example.com")).await);
    }
    let date = wednesday.to_string();
    let attempts = patients
        .iter()
        .map(|patient| clinic.book(patient, &doctor, &date, "09:00", 30));
    let responses = futures::future::join_all(attempts).await;
    let booked = responses.iter().filter(|r| r["errors"].is_null()).count();
    assert_eq!(booked, 1, "{responses:?}");
    for refused in responses.iter().filter(|r| !r["errors"].is_null()) {
        assert_error(refused, "CONFLICT", None);
    }

    let next_offer = search(&clinic, variables).await["nodes"][0].clone();
    assert_eq!(
        next_offer["time"], "09:30",
        "the booked slot is no longer offered: {next_offer}"
    );
}

#[tokio::test]
async fn a_search_says_which_argument_to_fix() {
    let clinic = clinic().await;
    let doctor = clinic.doctor("args@clinic.org", json!({})).await;
    let monday = next(Weekday::Mon);
    let far = monday + Days::new(31);
    let cases = [
        (json!({ "from": monday, "to": monday }), "doctorId"),
        (
            json!({ "doctorId": doctor, "specialization": "ENT", "from": monday, "to": monday }),
            "doctorId",
        ),
        (
            json!({ "doctorId": doctor, "from": monday, "to": far }),
            "to",
        ),
        (
            json!({ "doctorId": doctor, "from": monday, "to": monday, "minutes": 3 }),
            "durationMinutes",
        ),
        (
            json!({ "doctorId": doctor, "from": monday, "to": monday, "step": 90 }),
            "stepMinutes",
        ),
        (
            json!({ "doctorId": doctor, "from": monday, "to": monday, "window": { "starts": "25:00", "ends": "26:00" } }),
            "window.starts",
        ),
        (
            json!({ "doctorId": doctor, "from": monday, "to": monday, "after": "nonsense" }),
            "after",
        ),
    ];
    for (variables, field) in cases {
        let response = clinic.app.query(FREE_SLOTS, variables).await;
        assert_error(&response, "BAD_USER_INPUT", Some(field));
    }
}
