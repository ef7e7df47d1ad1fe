//! Feeds analytics for `scripts/bench-analytics.sh`.
//!
//! - `load burst <topic-prefix> <count>`: produces about `count` events of a clinic's year
//!   (2025) to `<prefix>-patients`, `<prefix>-appointments`, `<prefix>-billing`: every
//!   appointment is booked and billed; most are completed and paid, some cancelled (bill
//!   voided) or no-shows. Prints how many it produced.
//! - `load drop <mongo-url> <database>`: drops the benchmark's database.
//! - `load wait <group> <topic-prefix>`: returns once consumer group `group` has
//!   committed every event of the three topics (offsets are committed once counted). It
//!   asks Kafka, not the database: counting documents is a full scan on FerretDB.

use std::time::Duration;

use chrono::{Duration as Days, NaiveDate, TimeZone as _, Utc};
use kit::{
    events::CloudEvent,
    testing::{consumer_lag, enqueue},
};
use rdkafka::producer::Producer as _;
use serde_json::json;
use uuid::Uuid;

const SERVICES: [(&str, &str); 4] = [
    ("CONSULTATION", "80.00"),
    ("CHECKUP", "60.00"),
    ("VACCINATION", "30.00"),
    ("IMAGING", "150.00"),
];
const SPECIALIZATIONS: [&str; 4] = ["CARDIOLOGY", "PEDIATRICS", "NEUROLOGY", "GENERAL_PRACTICE"];
const PAYMENTS: [&str; 3] = ["CASH", "CREDIT_CARD", "INSURANCE"];

/// The events of appointment `n`: booking, bill, and its outcome.
fn appointment(n: usize, doctors: &[Uuid]) -> Vec<(&'static str, CloudEvent)> {
    let day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default()
        + Days::days(i64::try_from(n % 365).unwrap_or(0));
    let time = format!("{:02}:{:02}", 8 + n % 10, (n / 10 % 4) * 15);
    let doctor = doctors[n % doctors.len()];
    let (service, price) = SERVICES[n % SERVICES.len()];
    let id = Uuid::now_v7();
    let facts = json!({
        "id": id, "patientId": Uuid::now_v7(), "doctorId": doctor,
        "doctorSpecialization": SPECIALIZATIONS[n % doctors.len() % SPECIALIZATIONS.len()],
        "serviceType": service, "date": day, "time": time, "durationMinutes": 30,
    });
    let at = Utc.from_utc_datetime(&day.and_hms_opt(7, 0, 0).unwrap_or_default());
    let bill_id = Uuid::now_v7();
    let bill = |status: &str, payment: Option<&str>| {
        json!({ "bill": {
            "id": bill_id, "appointmentId": id, "serviceType": service, "amount": price,
            "currency": "EUR", "status": status, "paymentType": payment,
            "createdAt": at, "paidAt": payment.map(|_| at + Days::hours(4)),
        }})
    };
    let appointment_event = |kind: &str| {
        CloudEvent::new(
            "appointments",
            format!("pms.appointment.{kind}.v1"),
            id,
            json!({ "appointment": facts }),
        )
    };
    let mut events = vec![
        ("appointments", appointment_event("created")),
        (
            "billing",
            CloudEvent::new(
                "billing",
                "pms.bill.created.v1",
                bill_id,
                bill("UNPAID", None),
            ),
        ),
    ];
    match n % 20 {
        0..=2 => {
            events.push(("appointments", appointment_event("cancelled")));
            events.push((
                "billing",
                CloudEvent::new("billing", "pms.bill.voided.v1", bill_id, bill("VOID", None)),
            ));
        }
        3 | 4 => events.push(("appointments", appointment_event("no_show"))),
        _ => {
            events.push(("appointments", appointment_event("completed")));
            let payment = PAYMENTS[n % PAYMENTS.len()];
            events.push((
                "billing",
                CloudEvent::new(
                    "billing",
                    "pms.bill.paid.v1",
                    bill_id,
                    bill("PAID", Some(payment)),
                ),
            ));
        }
    }
    events
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["burst", prefix, count] => {
            let count: usize = count.parse()?;
            let kafka = kit::settings::KafkaSettings {
                sweep_interval_ms: 0,
                ..kit::settings::KafkaSettings::new(kit::settings::env_or(
                    "KAFKA_BROKERS",
                    "127.0.0.1:9092",
                ))
            };
            let producer = kit::kafka::idempotent_producer(&kafka)?;
            let doctors: Vec<Uuid> = (0..40).map(|_| Uuid::now_v7()).collect();
            let mut produced = 0;
            let mut n = 0;
            while produced < count {
                if n % 5 == 0 {
                    let patient = Uuid::now_v7();
                    let registered = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default()
                        + Days::days(i64::try_from(n % 365).unwrap_or(0));
                    let event = CloudEvent::new(
                        "patients",
                        "pms.patient.created.v1",
                        patient,
                        json!({ "patient": { "id": patient, "registrationDate": registered } }),
                    );
                    enqueue(&producer, &format!("{prefix}-patients"), &event)?;
                    produced += 1;
                }
                for (topic, event) in appointment(n, &doctors) {
                    enqueue(&producer, &format!("{prefix}-{topic}"), &event)?;
                    produced += 1;
                }
                n += 1;
            }
            producer.flush(Duration::from_secs(60))?;
            println!("{produced}");
        }
        ["drop", url, database] => {
            let client = mongodb::Client::with_uri_str(*url).await?;
            client.database(database).drop().await?;
        }
        ["wait", group, prefix] => {
            let topics: Vec<String> = ["patients", "appointments", "billing"]
                .iter()
                .map(|topic| format!("{prefix}-{topic}"))
                .collect();
            while consumer_lag(group, &topics)? > 0 {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        _ => anyhow::bail!(
            "usage: load burst <topic-prefix> <count> | load wait <mongo-url> <database> <count>"
        ),
    }
    Ok(())
}
