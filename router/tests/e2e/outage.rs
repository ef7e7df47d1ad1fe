//! Kafka down for a while, the whole system running: bookings and cancellations through the
//! router still succeed, and once the broker is back, bills and statistics catch up, each
//! event counted once.
//!
//! It stops the shared broker, so `cargo test` leaves it out (`#[ignore]`) and
//! `scripts/test.sh` runs it on its own after every other test:
//! `cargo test -p router --test e2e -- --ignored`. `OUTAGE_SECONDS` sets how long the broker
//! stays down (default 60).

use std::{
    net::TcpStream,
    path::PathBuf,
    process::Command,
    time::{Duration, Instant},
};

use kit::testing::kafka_brokers;
use serde_json::{Value, json};

use super::{
    journey::{book, doctor, in_days, patient},
    system::system,
};

/// Runs `scripts/infra.sh <command>`; says what went wrong if it did not succeed.
pub fn infra(command: &str) -> Result<(), String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/infra.sh");
    match Command::new(&script).arg(command).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{} {command}: {status}", script.display())),
        Err(error) => Err(format!("{} {command}: {error}", script.display())),
    }
}

fn broker_answers() -> bool {
    kafka_brokers()
        .split(',')
        .any(|address| TcpStream::connect(address.trim()).is_ok())
}

/// A change to a shared server by `scripts/infra.sh` (`kafka-stop`, `kafka-freeze`, ...),
/// undone when dropped, whatever the test did.
pub struct InfraChange {
    undo: &'static str,
}

impl InfraChange {
    pub fn begin(command: &str, undo: &'static str) -> Self {
        infra(command).unwrap_or_else(|error| panic!("{error}"));
        Self { undo }
    }
}

impl Drop for InfraChange {
    fn drop(&mut self) {
        // No panic here: this may run while a failed test unwinds.
        if let Err(error) = infra(self.undo) {
            eprintln!("not undone: {error}");
        }
    }
}

/// `name` in whole seconds, `default` when unset or not a number.
pub fn seconds_from_env(name: &str, default: u64) -> Duration {
    Duration::from_secs(
        std::env::var(name)
            .ok()
            .and_then(|seconds| seconds.parse().ok())
            .unwrap_or(default),
    )
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "stops the shared Kafka broker: scripts/test.sh runs it alone, after the other tests"]
async fn with_kafka_down_the_clinic_keeps_booking_and_bills_and_statistics_catch_up() {
    let down_for = seconds_from_env("OUTAGE_SECONDS", 60);
    let system = system().await;
    let patient = patient(&system, "ada@example.org").await;
    let doctor = doctor(&system, "grace@clinic.org").await;
    let date = in_days(5);

    let outage_began = chrono::Utc::now();
    let outage = InfraChange::begin("kafka-stop", "kafka-start");
    assert!(
        !broker_answers(),
        "Kafka still answers at {}: this test needs a broker started by scripts/infra.sh",
        kafka_brokers()
    );
    let started = Instant::now();
    let mut booked = Vec::new();
    for time in ["09:00", "10:00", "11:00"] {
        booked.push(book(&system, &patient, &doctor, &date, time).await);
    }
    let cancelled = system
        .data(
            "mutation($id: ID!) { cancelAppointment(id: $id, reason: \"patient called\") { status } }",
            json!({ "id": booked[2] }),
        )
        .await;
    assert_eq!(cancelled["cancelAppointment"]["status"], "CANCELLED");
    let bills = system
        .data(
            "query($id: ID!) { appointment(id: $id) { bill { id } } }",
            json!({ "id": booked[0] }),
        )
        .await;
    assert!(
        bills["appointment"]["bill"].is_null(),
        "no bill can exist while the events wait in the outbox: {bills}"
    );
    let read = system
        .data(
            "query($id: ID!) { patient(id: $id) { name } }",
            json!({ "id": patient }),
        )
        .await;
    assert_eq!(
        read["patient"]["name"], "Ada Lovelace",
        "a read is served: its record waits in the outbox"
    );
    tokio::time::sleep(down_for.saturating_sub(started.elapsed())).await;
    drop(outage);
    let back = Instant::now();

    // Back: every booking billed (the cancelled one void), the day counted exactly once,
    // within a minute (consumers used to idle for minutes draining stale error reports).
    let caught_up = system
        .eventually_within(
            Duration::from_secs(60),
            "query($patient: ID!, $from: Date!, $to: Date!) {
                bills(patientId: $patient) { nodes { appointmentId status } }
                dashboard(from: $from, to: $to) { appointmentsBooked appointmentsCancelled }
            }",
            json!({ "patient": patient, "from": date, "to": date }),
            |data| {
                data["bills"]["nodes"]
                    .as_array()
                    .is_some_and(|bills| bills.iter().any(|bill| bill["status"] == "VOID"))
                    && data["dashboard"]["appointmentsCancelled"] == 1
            },
        )
        .await;
    eprintln!(
        "caught up {:.1} s after the broker was back (down {:.1} s)",
        back.elapsed().as_secs_f64(),
        (back - started).as_secs_f64()
    );
    let mut bills: Vec<(String, String)> = caught_up["bills"]["nodes"]
        .as_array()
        .expect("bills")
        .iter()
        .map(|bill| {
            (
                bill["appointmentId"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                bill["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    bills.sort();
    let mut expected = vec![
        (booked[0].clone(), "UNPAID".to_owned()),
        (booked[1].clone(), "UNPAID".to_owned()),
        (booked[2].clone(), "VOID".to_owned()),
    ];
    expected.sort();
    assert_eq!(bills, expected, "one bill per booking, no more");
    assert_eq!(
        caught_up["dashboard"],
        json!({ "appointmentsBooked": 3, "appointmentsCancelled": 1 })
    );

    // The audit records written meanwhile arrive too: the bookings, the cancellation and
    // the read, each once.
    let trail = system
        .eventually(
            "query($patient: ID!, $from: DateTime!, $to: DateTime!) {
                auditTrail(patientId: $patient, from: $from, to: $to, first: 100) {
                    nodes { action entity entityIds role }
                }
            }",
            json!({
                "patient": patient,
                "from": outage_began.to_rfc3339(),
                "to": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339(),
            }),
            |data| {
                let nodes = data["auditTrail"]["nodes"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let count = |action: &str, entity: &str, role: &str| {
                    nodes
                        .iter()
                        .filter(|node| {
                            node["action"] == action
                                && node["entity"] == entity
                                && node["role"] == role
                        })
                        .count()
                };
                count("create", "APPOINTMENT", "administrator") == 3
                    && count("cancel", "APPOINTMENT", "administrator") == 1
                    && count("read", "PATIENT", "administrator") == 1
            },
        )
        .await;
    let nodes = trail["auditTrail"]["nodes"].as_array().expect("nodes");
    let created: Vec<&Value> = nodes
        .iter()
        .filter(|node| node["action"] == "create" && node["entity"] == "APPOINTMENT")
        .map(|node| &node["entityIds"][0])
        .collect();
    let mut created: Vec<&str> = created.iter().filter_map(|id| id.as_str()).collect();
    created.sort_unstable();
    let mut booked: Vec<&str> = booked.iter().map(String::as_str).collect();
    booked.sort_unstable();
    assert_eq!(created, booked, "each booking's record, once");
}
