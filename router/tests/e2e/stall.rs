//! The Kafka broker frozen (SIGSTOP of its JVM) for longer than every group session and the
//! broker's own timeouts, the whole system running and booking meanwhile, then resumed:
//! every consumer has its partitions again within a minute, every booking made before,
//! during and after has exactly one bill and is counted once, and a subscription opened after
//! the stall receives updates. Nothing is restarted by hand.
//!
//! It freezes the shared broker, so `cargo test` leaves it out (`#[ignore]`) and
//! `scripts/test.sh` runs it alone with the outage test. `STALL_SECONDS` sets how long the
//! broker stays frozen (default 180).

use std::time::{Duration, Instant};

use kit::testing::GraphqlSubscription;
use serde_json::json;

use super::{
    journey::{book, doctor, in_days, patient},
    outage::infra,
    system::{System, system},
};

/// Freezes the broker; resumes it when dropped, whatever the test did.
struct Freeze;

impl Freeze {
    fn begin() -> Self {
        infra("kafka-freeze").unwrap_or_else(|error| panic!("{error}"));
        Self
    }
}

impl Drop for Freeze {
    fn drop(&mut self) {
        if let Err(error) = infra("kafka-thaw") {
            eprintln!("Kafka was not resumed: {error}");
        }
    }
}

/// The services whose readiness depends on a consumer holding its partitions, and each
/// readiness answer.
async fn readiness(system: &System) -> Vec<(&'static str, u16, String)> {
    let mut answers = Vec::new();
    let services = [
        ("patients", &system.patients.base_url),
        ("doctors", &system.doctors.base_url),
        ("appointments", &system.appointments.base_url),
        (
            "billing",
            &system.billing.as_ref().expect("billing").base_url,
        ),
        ("analytics", &system.analytics.base_url),
    ];
    for (name, url) in services {
        let (status, body) = match reqwest::get(format!("{url}/ready")).await {
            Ok(response) => (
                response.status().as_u16(),
                response.text().await.unwrap_or_default(),
            ),
            Err(error) => (0, error.to_string()),
        };
        answers.push((name, status, body));
    }
    answers
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "freezes the shared Kafka broker: scripts/test.sh runs it alone, after the other tests"]
async fn after_the_broker_is_frozen_for_minutes_every_service_recovers_by_itself() {
    kit::telemetry::init("stall");
    let frozen_for = Duration::from_secs(
        std::env::var("STALL_SECONDS")
            .ok()
            .and_then(|seconds| seconds.parse().ok())
            .unwrap_or(180),
    );
    let system = system().await;
    let patient = patient(&system, "ada@example.org").await;
    let doctor = doctor(&system, "grace@clinic.org").await;
    let date = in_days(6);
    let mut booked = vec![book(&system, &patient, &doctor, &date, "08:00").await];
    system
        .eventually(
            "query($id: ID!) { appointment(id: $id) { bill { id } } }",
            json!({ "id": booked[0] }),
            |data| !data["appointment"]["bill"].is_null(),
        )
        .await;

    let freeze = Freeze::begin();
    let started = Instant::now();
    for time in ["09:00", "10:00"] {
        booked.push(book(&system, &patient, &doctor, &date, time).await);
    }
    while started.elapsed() < frozen_for {
        tokio::time::sleep(Duration::from_secs(30)).await;
        eprintln!(
            "frozen {:>3} s: {:?}",
            started.elapsed().as_secs(),
            readiness(&system).await
        );
    }
    booked.push(book(&system, &patient, &doctor, &date, "11:00").await);
    drop(freeze);
    let resumed = Instant::now();

    // Every service ready again: consumers hold their partitions, producers deliver.
    let mut last = Vec::new();
    while resumed.elapsed() < Duration::from_secs(60) {
        last = readiness(&system).await;
        if last.iter().all(|(_, status, _)| *status == 200) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    eprintln!(
        "ready again {:.1} s after the broker resumed: {last:?}",
        resumed.elapsed().as_secs_f64()
    );
    assert!(
        last.iter().all(|(_, status, _)| *status == 200),
        "not every service is ready a minute after the broker resumed: {last:?}"
    );

    // A subscription opened after the stall sees a new booking.
    let mut updates = GraphqlSubscription::start(
        &format!("{}/graphql", system.router_url.replace("http://", "ws://")),
        "subscription($doctor: ID) { appointmentUpdated(doctorId: $doctor) { kind appointment { id } } }",
        json!({ "doctor": doctor }),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = book(&system, &patient, &doctor, &date, "12:00").await;
    booked.push(after.clone());
    let update = updates.next().await;
    assert_eq!(
        update["payload"]["data"]["appointmentUpdated"],
        json!({ "kind": "CREATED", "appointment": { "id": after } }),
        "{update}"
    );

    // One bill per booking and each booking counted once, before, during and after.
    let caught_up = system
        .eventually_within(
            Duration::from_secs(60),
            "query($patient: ID!, $from: Date!, $to: Date!) {
                bills(patientId: $patient) { nodes { appointmentId } }
                dashboard(from: $from, to: $to) { appointmentsBooked }
            }",
            json!({ "patient": patient, "from": date, "to": date }),
            |data| {
                data["bills"]["nodes"]
                    .as_array()
                    .is_some_and(|bills| bills.len() >= booked.len())
                    && data["dashboard"]["appointmentsBooked"] == booked.len()
            },
        )
        .await;
    eprintln!(
        "caught up {:.1} s after the broker resumed",
        resumed.elapsed().as_secs_f64()
    );
    let mut billed: Vec<&str> = caught_up["bills"]["nodes"]
        .as_array()
        .expect("bills")
        .iter()
        .filter_map(|bill| bill["appointmentId"].as_str())
        .collect();
    billed.sort_unstable();
    let mut expected: Vec<&str> = booked.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(billed, expected, "one bill per booking, no more");
    assert_eq!(
        caught_up["dashboard"]["appointmentsBooked"],
        booked.len(),
        "each booking counted once"
    );
}
