//! Figures after a scripted week are exactly the hand-computed ones, whatever the
//! redeliveries, and a rebuild from the event store gives the same.

use serde_json::{Value, json};

use super::{
    helpers::{Analytics, analytics},
    script::{Booking, FROM, Script, TO, week},
};

/// Every figure the API offers over the week, in one query.
const FIGURES: &str = r#"query($from: Date!, $to: Date!, $d1: _Any!, $d2: _Any!) {
  dashboard(from: $from, to: $to) {
    patientsRegistered appointmentsBooked appointmentsCheckedIn appointmentsCompleted
    appointmentsCancelled noShows noShowRate revenueBilled revenuePaid revenueOutstanding currency
  }
  byDay: appointmentStats(from: $from, to: $to, groupBy: DAY) { key count cancelled completed noShows }
  byDoctor: appointmentStats(from: $from, to: $to, groupBy: DOCTOR) { key count doctor { id } }
  bySpecialization: appointmentStats(from: $from, to: $to, groupBy: SPECIALIZATION) { key count }
  byService: appointmentStats(from: $from, to: $to, groupBy: SERVICE_TYPE) { key count }
  byHour: appointmentStats(from: $from, to: $to, groupBy: HOUR_OF_DAY) { key count }
  revenueByDay: revenueStats(from: $from, to: $to, groupBy: DAY) { key billed bills paid }
  revenueByPayment: revenueStats(from: $from, to: $to, groupBy: PAYMENT_TYPE) { key billed paid currency }
  revenueByService: revenueStats(from: $from, to: $to, groupBy: SERVICE_TYPE) { key billed paid }
  _entities(representations: [$d1, $d2]) {
    ... on Doctor { id stats(from: $from, to: $to) {
      booked completed cancelled noShows bookedMinutes capacityMinutes utilisation
    } }
  }
}"#;

pub async fn publish(analytics: &Analytics, script: &Script) {
    for (topic, event) in &script.events {
        analytics.publish(analytics.topic(*topic), event).await;
    }
}

/// The figures `script` gives on a fresh instance that saw each event once.
pub async fn reference_figures(script: &Script) -> Value {
    let reference = analytics().await;
    publish(&reference, script).await;
    reference.settled().await;
    figures(&reference, script).await
}

pub async fn figures(analytics: &Analytics, script: &Script) -> Value {
    let response = analytics
        .app()
        .query(
            FIGURES,
            json!({
                "from": FROM, "to": TO,
                "d1": { "__typename": "Doctor", "id": script.d1 },
                "d2": { "__typename": "Doctor", "id": script.d2 },
            }),
        )
        .await;
    assert!(response["errors"].is_null(), "{response}");
    response["data"].clone()
}

fn day(key: &str, count: i64, cancelled: i64, completed: i64, no_shows: i64) -> Value {
    json!({ "key": key, "count": count, "cancelled": cancelled, "completed": completed, "noShows": no_shows })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scripted_week_gives_the_hand_computed_figures() {
    let analytics = analytics().await;
    let script = week();
    publish(&analytics, &script).await;
    analytics.settled().await;
    let figures = figures(&analytics, &script).await;

    assert_eq!(
        figures["dashboard"],
        json!({
            // p1 and p2; p3 registered before the week.
            "patientsRegistered": 2,
            // a1..a4 (a4 moved within the week); a5 is after it.
            "appointmentsBooked": 4,
            "appointmentsCheckedIn": 2,
            "appointmentsCompleted": 2,
            "appointmentsCancelled": 1,
            "noShows": 1,
            // a3 / (a1, a3, a4: the week is past and a2 was cancelled).
            "noShowRate": 1.0 / 3.0,
            // 80.00 + 45.50 + 80.00 + 25.00
            "revenueBilled": "230.50",
            // b1 + b4
            "revenuePaid": "105.00",
            // 230.50 - 105.00 paid - 45.50 void: b3
            "revenueOutstanding": "80.00",
            "currency": "EUR",
        })
    );
    assert_eq!(
        figures["byDay"],
        json!([
            day("2025-03-03", 2, 1, 1, 0),
            day("2025-03-04", 1, 0, 0, 1),
            // a4 moved away from the 5th.
            day("2025-03-05", 0, 0, 0, 0),
            day("2025-03-06", 1, 0, 1, 0),
            day("2025-03-07", 0, 0, 0, 0),
            day("2025-03-08", 0, 0, 0, 0),
            day("2025-03-09", 0, 0, 0, 0),
        ])
    );
    let mut by_doctor = figures["byDoctor"].as_array().expect("list").clone();
    by_doctor.sort_by_key(|entry| entry["key"].as_str().map(str::to_owned));
    let mut expected = vec![
        json!({ "key": script.d1.to_string(), "count": 2, "doctor": { "id": script.d1.to_string() } }),
        json!({ "key": script.d2.to_string(), "count": 2, "doctor": { "id": script.d2.to_string() } }),
    ];
    expected.sort_by_key(|entry| entry["key"].as_str().map(str::to_owned));
    assert_eq!(by_doctor, expected);
    assert_eq!(
        figures["bySpecialization"],
        json!([{ "key": "CARDIOLOGY", "count": 2 }, { "key": "PEDIATRICS", "count": 2 }])
    );
    assert_eq!(
        figures["byService"],
        json!([
            { "key": "CONSULTATION", "count": 2 },
            { "key": "CHECKUP", "count": 1 },
            { "key": "VACCINATION", "count": 1 },
        ])
    );
    // a1 and a3 at 9, a2 at 10, a4 at 11 after its move (nothing left at 14).
    assert_eq!(
        figures["byHour"],
        json!([
            { "key": "09", "count": 2 },
            { "key": "10", "count": 1 },
            { "key": "11", "count": 1 },
        ])
    );
    assert_eq!(
        figures["revenueByDay"],
        json!([
            // b1 and b2; b3 was created at 00:30 on the 4th in Berlin.
            { "key": "2025-03-03", "billed": "125.50", "bills": 2, "paid": "0.00" },
            { "key": "2025-03-04", "billed": "80.00", "bills": 1, "paid": "0.00" },
            { "key": "2025-03-05", "billed": "25.00", "bills": 1, "paid": "80.00" },
            { "key": "2025-03-06", "billed": "0.00", "bills": 0, "paid": "25.00" },
            { "key": "2025-03-07", "billed": "0.00", "bills": 0, "paid": "0.00" },
            { "key": "2025-03-08", "billed": "0.00", "bills": 0, "paid": "0.00" },
            { "key": "2025-03-09", "billed": "0.00", "bills": 0, "paid": "0.00" },
        ])
    );
    assert_eq!(
        figures["revenueByPayment"],
        json!([
            { "key": "CASH", "billed": null, "paid": "80.00", "currency": "EUR" },
            { "key": "INSURANCE", "billed": null, "paid": "25.00", "currency": "EUR" },
        ])
    );
    assert_eq!(
        figures["revenueByService"],
        json!([
            { "key": "CONSULTATION", "billed": "160.00", "paid": "80.00" },
            { "key": "VACCINATION", "billed": "25.00", "paid": "25.00" },
            { "key": "CHECKUP", "billed": "45.50", "paid": "0.00" },
        ])
    );
    // d1 works 1,500 minutes (see the script) and keeps a1's 30 (a2's 60 were cancelled);
    // d2, without published hours, five working days of 480 minutes, with a3's 30 and a4's
    // 45.
    assert_eq!(
        figures["_entities"],
        json!([
            { "id": script.d1.to_string(), "stats": {
                "booked": 2, "completed": 1, "cancelled": 1, "noShows": 0,
                "bookedMinutes": 30, "capacityMinutes": 1500, "utilisation": 0.02,
            } },
            { "id": script.d2.to_string(), "stats": {
                "booked": 2, "completed": 1, "cancelled": 0, "noShows": 1,
                "bookedMinutes": 75, "capacityMinutes": 2400, "utilisation": 0.03125,
            } },
        ])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_events_count_once() {
    let mut analytics = analytics().await;
    let script = week();
    publish(&analytics, &script).await;
    analytics.settled().await;
    let once = figures(&analytics, &script).await;

    // The same events again (a producer retry, a replay), twice, then through a restart.
    publish(&analytics, &script).await;
    publish(&analytics, &script).await;
    analytics.settled().await;
    analytics.start().await;
    publish(&analytics, &script).await;
    analytics.settled().await;

    assert_eq!(analytics.stored_events().await, script.events.len() as u64);
    assert_eq!(figures(&analytics, &script).await, once);
    assert_eq!(once["dashboard"]["appointmentsBooked"], 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rebuild_gives_the_same_figures_as_live_consumption() {
    let mut analytics = analytics().await;
    let script = week();
    publish(&analytics, &script).await;
    analytics.settled().await;
    let live = figures(&analytics, &script).await;

    let db = analytics::store::connect(&analytics.settings.mongo_url, &analytics.settings.database)
        .await
        .expect("connect");
    let store = analytics::store::StatsStore::new(db, analytics.settings.reading.clone());
    // The documented procedure: stop the service, rebuild, start it.
    analytics.stop().await;
    let report = store.rebuild().await.expect("rebuild");
    analytics.start().await;

    assert_eq!(report.events, script.events.len() as u64);
    assert_eq!(report.skipped, 0);
    // d1's hours, in the order they were published (an exception added, then removed).
    assert_eq!(report.doctors, 1);
    assert_eq!(figures(&analytics, &script).await, live);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_spanning_many_days_is_counted() {
    // FerretDB 1.x deadlocks on an `update` command of about 100 statements; one batch of
    // events on 60 different days needs 120.
    let analytics = analytics().await;
    let doctor = uuid::Uuid::now_v7();
    let first = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    for offset in 0..60 {
        let day = first + chrono::Duration::days(offset);
        let event = Booking::new(
            doctor,
            "NEUROLOGY",
            &day.to_string(),
            "08:00",
            50,
            "THERAPY",
        )
        .created();
        analytics
            .publish(&analytics.topics.appointments, &event)
            .await;
    }
    analytics.settled().await;
    let response = analytics
        .app()
        .query(
            "{ dashboard(from: \"2024-01-01\", to: \"2024-12-31\") { appointmentsBooked } }",
            json!({}),
        )
        .await;
    assert_eq!(
        response["data"]["dashboard"]["appointmentsBooked"], 60,
        "{response}"
    );
}
