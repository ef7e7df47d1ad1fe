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
use event_contract::{
    appointment::{self, AppointmentChanged, Change},
    bill::{self, BillChanged},
    patient::{self, PatientChanged},
};
use kit::{
    events::CloudEvent,
    testing::{consumer_lag, load::enqueue},
};
use rdkafka::producer::Producer as _;
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
    let (hour, minute) = (8 + n % 10, (n / 10 % 4) * 15);
    let starts_at = Utc.from_utc_datetime(
        &day.and_hms_opt(hour as u32, minute as u32, 0)
            .unwrap_or_default(),
    );
    let (service, price) = SERVICES[n % SERVICES.len()];
    let id = Uuid::now_v7();
    let at = Utc.from_utc_datetime(&day.and_hms_opt(7, 0, 0).unwrap_or_default());
    let booked = appointment::Appointment {
        id,
        patient_id: Uuid::now_v7(),
        doctor_id: doctors[n % doctors.len()],
        doctor_specialization: SPECIALIZATIONS[n % doctors.len() % SPECIALIZATIONS.len()]
            .to_owned(),
        service_type: service.to_owned(),
        date: day,
        time: format!("{hour:02}:{minute:02}"),
        duration_minutes: 30,
        starts_at,
        ends_at: starts_at + Days::minutes(30),
        status: "SCHEDULED".to_owned(),
        notes: None,
        cancellation_reason: None,
        created_at: at,
        updated_at: at,
    };
    let bill = bill::Bill {
        id: Uuid::now_v7(),
        appointment_id: id,
        patient_id: booked.patient_id,
        service_type: service.to_owned(),
        amount: price.parse().unwrap_or_default(),
        currency: "EUR".to_owned(),
        status: "UNPAID".to_owned(),
        payment_type: None,
        created_at: at,
        paid_at: None,
    };
    let appointment_event = |change: Change| {
        let data = AppointmentChanged {
            appointment: appointment::Appointment {
                status: change_status(change).to_owned(),
                ..booked.clone()
            },
            previous: None,
        };
        CloudEvent::with_data(appointment::SOURCE, change.event_type(), id, &data)
    };
    let bill_event = |event_type: &str, bill: bill::Bill| {
        let id = bill.id;
        CloudEvent::with_data(bill::SOURCE, event_type, id, &BillChanged { bill })
    };
    let mut events = vec![
        ("appointments", appointment_event(Change::Created)),
        ("billing", bill_event(bill::CREATED, bill.clone())),
    ];
    match n % 20 {
        0..=2 => {
            events.push(("appointments", appointment_event(Change::Cancelled)));
            let voided = bill::Bill {
                status: "VOID".to_owned(),
                ..bill
            };
            events.push(("billing", bill_event(bill::VOIDED, voided)));
        }
        3 | 4 => events.push(("appointments", appointment_event(Change::NoShow))),
        _ => {
            events.push(("appointments", appointment_event(Change::Completed)));
            let paid = bill::Bill {
                status: "PAID".to_owned(),
                payment_type: Some(PAYMENTS[n % PAYMENTS.len()].to_owned()),
                paid_at: Some(at + Days::hours(4)),
                ..bill
            };
            events.push(("billing", bill_event(bill::PAID, paid)));
        }
    }
    events
}

/// The status an appointment has after `change`.
fn change_status(change: Change) -> &'static str {
    match change {
        Change::Created | Change::Rescheduled => "SCHEDULED",
        Change::Cancelled => "CANCELLED",
        Change::CheckedIn => "CHECKED_IN",
        Change::Completed => "COMPLETED",
        Change::NoShow => "NO_SHOW",
    }
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
                    let id = Uuid::now_v7();
                    let registered = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default()
                        + Days::days(i64::try_from(n % 365).unwrap_or(0));
                    let data = PatientChanged {
                        patient: patient::Patient {
                            id,
                            name: format!("Patient {n}"),
                            registration_date: registered,
                            archived: false,
                        },
                        changed: Vec::new(),
                    };
                    let event = CloudEvent::with_data(patient::SOURCE, patient::CREATED, id, &data);
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
