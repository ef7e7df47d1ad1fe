//! Working hours: weekly patterns from a date, time off, extra hours, and what each day
//! comes to. Over 400 lines on purpose: one scenario per rule of the hours, side by side.

use chrono::{Datelike as _, Days, NaiveDate, Utc, Weekday};
use kit::testing::assert_error;
use serde_json::{Value, json};

use crate::helpers::{DoctorsApi as _, spawn_app, spawn_with};

const SCHEDULE: &str = "query($id: ID!, $from: Date!, $to: Date!) {
    doctor(id: $id) { schedule(from: $from, to: $to) {
        weeklyHours { validFrom intervals { weekday starts ends } }
        exceptions { id kind date wholeDay starts ends reason }
        days { date minutes hours { starts ends startsAt endsAt } }
    } }
}";

const SET_WEEK: &str = "mutation($id: ID!, $from: Date!, $intervals: [WeeklyIntervalInput!]!) {
    setWeeklyHours(doctorId: $id, validFrom: $from, intervals: $intervals) {
        validFrom intervals { weekday starts ends }
    }
}";

const TIME_OFF: &str = "mutation($id: ID!, $input: TimeOffInput!) {
    addTimeOff(doctorId: $id, input: $input) { id doctorId kind date wholeDay starts ends reason }
}";

const EXTRA_HOURS: &str = "mutation($id: ID!, $input: ExtraHoursInput!) {
    addExtraHours(doctorId: $id, input: $input) { id kind date starts ends }
}";

const REMOVE: &str = "mutation($id: ID!) { removeScheduleException(id: $id) { id kind date } }";

/// The first `weekday` after today (UTC, the tests' clinic zone), `weeks` weeks later.
fn next(weekday: Weekday, weeks: u64) -> NaiveDate {
    let today = Utc::now().date_naive();
    let ahead = (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    let ahead = if ahead == 0 { 7 } else { ahead };
    today + Days::new(u64::from(ahead) + 7 * weeks)
}

fn plus(date: NaiveDate, days: u64) -> NaiveDate {
    date + Days::new(days)
}

/// `"09:00-12:00 13:00-17:00"` per day, from a schedule response.
fn hours_by_day(response: &Value) -> Vec<String> {
    let days = response["data"]["doctor"]["schedule"]["days"]
        .as_array()
        .unwrap_or_else(|| panic!("days: {response}"));
    days.iter()
        .map(|day| {
            let hours: Vec<String> = day["hours"]
                .as_array()
                .map(|hours| {
                    hours
                        .iter()
                        .map(|h| {
                            format!(
                                "{}-{}",
                                h["starts"].as_str().unwrap_or("?"),
                                h["ends"].as_str().unwrap_or("?")
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            hours.join(" ")
        })
        .collect()
}

async fn schedule(
    app: &crate::helpers::TestApp,
    id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Value {
    let response = app
        .query(SCHEDULE, json!({ "id": id, "from": from, "to": to }))
        .await;
    assert!(response["errors"].is_null(), "{response}");
    response
}

#[tokio::test]
async fn a_doctor_works_the_default_week_unless_registered_with_hours() {
    let app = spawn_app().await;
    let monday = next(Weekday::Mon, 0);

    let default = app.create_doctor("default@clinic.org", json!({})).await;
    let week = schedule(&app, &default, monday, plus(monday, 6)).await;
    let day = "08:00-18:00".to_owned();
    assert_eq!(hours_by_day(&week), [&day, &day, &day, &day, &day, "", ""]);
    assert_eq!(
        week["data"]["doctor"]["schedule"]["days"][0]["minutes"],
        600
    );
    assert_eq!(
        week["data"]["doctor"]["schedule"]["days"][0]["hours"][0]["startsAt"],
        format!("{monday}T08:00:00+00:00")
    );

    let part_time = app
        .create_doctor(
            "part@clinic.org",
            json!({ "weeklyHours": [
                { "weekday": "SATURDAY", "starts": "10:00", "ends": "14:00" },
                { "weekday": "MONDAY", "starts": "13:00", "ends": "17:00" },
                { "weekday": "MONDAY", "starts": "09:00", "ends": "12:00" },
            ] }),
        )
        .await;
    let week = schedule(&app, &part_time, monday, plus(monday, 6)).await;
    assert_eq!(
        hours_by_day(&week),
        ["09:00-12:00 13:00-17:00", "", "", "", "", "10:00-14:00", ""]
    );
    let pattern = &week["data"]["doctor"]["schedule"]["weeklyHours"][0];
    assert_eq!(pattern["validFrom"], Utc::now().date_naive().to_string());
    assert_eq!(
        pattern["intervals"][0],
        json!({ "weekday": "MONDAY", "starts": "09:00", "ends": "12:00" })
    );
}

#[tokio::test]
async fn new_hours_from_a_later_date_leave_the_earlier_dates_as_they_were() {
    let app = spawn_app().await;
    let id = app.create_doctor("later@clinic.org", json!({})).await;
    let monday = next(Weekday::Mon, 0);
    let in_two_weeks = plus(monday, 14);

    let set = app
        .query(
            SET_WEEK,
            json!({ "id": id, "from": in_two_weeks, "intervals": [
                { "weekday": "TUESDAY", "starts": "14:00", "ends": "24:00" },
            ] }),
        )
        .await;
    assert_eq!(
        set["data"]["setWeeklyHours"]["validFrom"],
        in_two_weeks.to_string(),
        "{set}"
    );

    let three_weeks = schedule(&app, &id, monday, plus(monday, 20)).await;
    let days = hours_by_day(&three_weeks);
    assert_eq!(days[1], "08:00-18:00", "the first week keeps its hours");
    assert_eq!(days[8], "08:00-18:00", "so does the second");
    assert_eq!(days[14], "", "the new week has no Monday");
    assert_eq!(days[15], "14:00-24:00");
    assert_eq!(
        three_weeks["data"]["doctor"]["schedule"]["days"][15]["minutes"],
        600
    );
    let patterns = &three_weeks["data"]["doctor"]["schedule"]["weeklyHours"];
    assert_eq!(patterns.as_array().map(Vec::len), Some(2), "{patterns}");

    // Only the new pattern is in force from then on.
    let later = schedule(&app, &id, in_two_weeks, plus(in_two_weeks, 6)).await;
    let patterns = &later["data"]["doctor"]["schedule"]["weeklyHours"];
    assert_eq!(patterns.as_array().map(Vec::len), Some(1), "{patterns}");

    let events = app.events(3).await;
    assert_eq!(events[2].event_type, "pms.doctor.weekly_hours_set.v1");
    assert_eq!(
        events[2].data,
        json!({ "doctorId": id, "validFrom": in_two_weeks, "intervals": [
            { "weekday": "TUESDAY", "starts": "14:00", "ends": "24:00" },
        ] })
    );
}

#[tokio::test]
async fn time_off_and_extra_hours_shape_the_days_and_are_announced() {
    let app = spawn_app().await;
    let id = app.create_doctor("exceptions@clinic.org", json!({})).await;
    let monday = next(Weekday::Mon, 1);

    let sick = app
        .query(TIME_OFF, json!({ "id": id, "input": { "date": monday } }))
        .await;
    let sick = &sick["data"]["addTimeOff"];
    assert_eq!(sick["wholeDay"], true, "{sick}");
    assert_eq!(
        (sick["starts"].as_str(), sick["ends"].as_str()),
        (Some("00:00"), Some("24:00"))
    );
    let congress = app
        .query(
            TIME_OFF,
            json!({ "id": id, "input": {
                "date": plus(monday, 1), "starts": "13:00", "ends": "18:00", "reason": " congress ",
            } }),
        )
        .await;
    assert_eq!(
        congress["data"]["addTimeOff"]["reason"], "congress",
        "{congress}"
    );
    let saturday = app
        .query(
            EXTRA_HOURS,
            json!({ "id": id, "input": { "date": plus(monday, 5), "starts": "10:00", "ends": "12:00" } }),
        )
        .await;
    assert_eq!(
        saturday["data"]["addExtraHours"]["kind"], "EXTRA_HOURS",
        "{saturday}"
    );

    let week = schedule(&app, &id, monday, plus(monday, 6)).await;
    assert_eq!(
        hours_by_day(&week),
        [
            "",
            "08:00-13:00",
            "08:00-18:00",
            "08:00-18:00",
            "08:00-18:00",
            "10:00-12:00",
            ""
        ]
    );
    let exceptions = week["data"]["doctor"]["schedule"]["exceptions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let kinds: Vec<(&str, &str)> = exceptions
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or("?"),
                e["date"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    let (mon, tue, sat) = (
        monday.to_string(),
        plus(monday, 1).to_string(),
        plus(monday, 5).to_string(),
    );
    assert_eq!(
        kinds,
        [
            ("TIME_OFF", mon.as_str()),
            ("TIME_OFF", tue.as_str()),
            ("EXTRA_HOURS", sat.as_str())
        ]
    );

    let removed = app.query(REMOVE, json!({ "id": sick["id"] })).await;
    assert_eq!(
        removed["data"]["removeScheduleException"]["id"], sick["id"],
        "{removed}"
    );
    let week = schedule(&app, &id, monday, monday).await;
    assert_eq!(hours_by_day(&week), ["08:00-18:00"]);

    let events = app.events(6).await;
    let types: Vec<&str> = events[2..].iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "pms.doctor.schedule_exception_added.v1",
            "pms.doctor.schedule_exception_added.v1",
            "pms.doctor.schedule_exception_added.v1",
            "pms.doctor.schedule_exception_removed.v1",
        ]
    );
    assert_eq!(
        events[3].data["exception"],
        json!({ "id": congress["data"]["addTimeOff"]["id"], "kind": "TIME_OFF", "date": tue,
                "starts": "13:00", "ends": "18:00", "reason": "congress" })
    );
    assert_eq!(
        events[2].data["exception"]["starts"],
        Value::Null,
        "a whole day has no span"
    );
}

#[tokio::test]
async fn invalid_hours_are_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let id = app.create_doctor("invalid@clinic.org", json!({})).await;
    let monday = next(Weekday::Mon, 0);
    let week = |intervals: Value| json!({ "id": id, "from": monday, "intervals": intervals });

    let cases = [
        (
            week(json!([{ "weekday": "MONDAY", "starts": "25:00", "ends": "26:00" }])),
            "intervals[0].starts",
        ),
        (
            week(json!([
                { "weekday": "MONDAY", "starts": "08:00", "ends": "12:00" },
                { "weekday": "MONDAY", "starts": "12:00", "ends": "11:00" },
            ])),
            "intervals[1].ends",
        ),
        (
            week(json!([
                { "weekday": "MONDAY", "starts": "08:00", "ends": "12:00" },
                { "weekday": "TUESDAY", "starts": "08:00", "ends": "12:00" },
                { "weekday": "MONDAY", "starts": "11:00", "ends": "13:00" },
            ])),
            "intervals[2]",
        ),
        (
            week(json!([{ "weekday": "MONDAY", "starts": "12:00", "ends": "12:04" }])),
            "intervals[0].ends",
        ),
        (
            json!({ "id": id, "from": Utc::now().date_naive().pred_opt(), "intervals": [] }),
            "validFrom",
        ),
    ];
    for (variables, field) in cases {
        let response = app.query(SET_WEEK, variables).await;
        assert_error(&response, "BAD_USER_INPUT", Some(field));
    }
    let backwards = app
        .query(
            SET_WEEK,
            week(json!([{ "weekday": "MONDAY", "starts": "12:00", "ends": "11:00" }])),
        )
        .await;
    assert!(
        backwards["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("12:00 to 11:00"),
        "{backwards}"
    );

    let half = app
        .query(
            TIME_OFF,
            json!({ "id": id, "input": { "date": monday, "starts": "13:00" } }),
        )
        .await;
    assert_error(&half, "BAD_USER_INPUT", Some("input.ends"));
    let far = app
        .query(
            TIME_OFF,
            json!({ "id": id, "input": { "date": "2099-01-01" } }),
        )
        .await;
    assert_error(&far, "BAD_USER_INPUT", Some("input.date"));
    let nobody = app
        .query(
            TIME_OFF,
            json!({ "id": uuid::Uuid::now_v7(), "input": { "date": monday } }),
        )
        .await;
    assert_error(&nobody, "NOT_FOUND", Some("doctorId"));
    let unknown = app
        .query(REMOVE, json!({ "id": uuid::Uuid::now_v7() }))
        .await;
    assert_error(&unknown, "NOT_FOUND", Some("id"));
    let too_long = app
        .query(
            SCHEDULE,
            json!({ "id": id, "from": monday, "to": plus(monday, 92) }),
        )
        .await;
    assert_error(&too_long, "BAD_USER_INPUT", Some("to"));

    let unchanged = schedule(&app, &id, monday, monday).await;
    assert_eq!(hours_by_day(&unchanged), ["08:00-18:00"]);
    let exceptions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schedule_exceptions")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(exceptions, 0);
}

#[tokio::test]
async fn overlapping_time_off_booked_at_once_by_ten_clients_is_recorded_once() {
    let app = spawn_app().await;
    let id = app.create_doctor("race@clinic.org", json!({})).await;
    let friday = next(Weekday::Fri, 0);

    let attempts = (0..10).map(|n| {
        let starts = format!("1{n}:00");
        app.query(
            TIME_OFF,
            json!({ "id": id, "input": { "date": friday, "starts": starts, "ends": "20:00" } }),
        )
    });
    let responses = futures::future::join_all(attempts).await;
    let recorded = responses.iter().filter(|r| r["errors"].is_null()).count();
    assert_eq!(recorded, 1, "{responses:?}");
    for refused in responses.iter().filter(|r| !r["errors"].is_null()) {
        assert_error(refused, "CONFLICT", Some("input"));
        let message = refused["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("remove that one first"), "{message}");
    }
}

#[tokio::test]
async fn a_day_when_the_clocks_go_forward_counts_the_hours_really_worked() {
    let app = spawn_with(|settings| {
        settings.clinic_timezone = "Europe/Lisbon".parse().expect("zone");
    })
    .await;
    let id = app.create_doctor("lisbon@clinic.org", json!({})).await;
    // Lisbon's clocks go from 01:00 to 02:00 on the last Sunday of March.
    let today = Utc::now().date_naive();
    let year = if today.month() < 3 {
        today.year()
    } else {
        today.year() + 1
    };
    let last_sunday = (25..=31)
        .filter_map(|day| NaiveDate::from_ymd_opt(year, 3, day))
        .find(|date| date.weekday() == Weekday::Sun)
        .expect("a Sunday in the last week of March");
    let set = app
        .query(
            SET_WEEK,
            json!({ "id": id, "from": plus(last_sunday, 0).pred_opt(), "intervals": [
                { "weekday": "SUNDAY", "starts": "00:00", "ends": "04:00" },
            ] }),
        )
        .await;
    assert!(set["errors"].is_null(), "{set}");

    let day = schedule(&app, &id, last_sunday, last_sunday).await;
    let day = &day["data"]["doctor"]["schedule"]["days"][0];
    assert_eq!(day["minutes"], 180, "{day}");
    assert_eq!(
        day["hours"][0]["startsAt"],
        format!("{last_sunday}T00:00:00+00:00")
    );
    assert_eq!(
        day["hours"][0]["endsAt"],
        format!("{last_sunday}T03:00:00+00:00")
    );
}
