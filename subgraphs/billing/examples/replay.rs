//! Feeds appointment-created events to billing for `scripts/bench-billing.sh`.
//!
//! - `replay burst <topic> <count>`: produces `count` events as fast as Kafka takes them.
//! - `replay steady <topic> <per-second> <seconds> <database-url>`: produces at a steady
//!   rate, then reads each event's bill and prints the lag from event to bill in
//!   milliseconds, one per line, for `scripts/bench/stats.py values`; how many were billed
//!   on stderr.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use event_contract::appointment;
use kit::events::CloudEvent;
use rdkafka::producer::Producer as _;
use uuid::Uuid;

/// A booking of a consultation tomorrow, as appointments publishes it.
fn created(id: Uuid) -> CloudEvent {
    let starts_at = Utc::now() + chrono::Duration::days(1);
    let appointment = appointment::Appointment {
        id,
        patient_id: Uuid::now_v7(),
        doctor_id: Uuid::now_v7(),
        doctor_specialization: "CARDIOLOGY".to_owned(),
        service_type: "CONSULTATION".to_owned(),
        date: starts_at.date_naive(),
        time: starts_at.format("%H:%M").to_string(),
        duration_minutes: 30,
        starts_at,
        ends_at: starts_at + chrono::Duration::minutes(30),
        status: "SCHEDULED".to_owned(),
        notes: None,
        cancellation_reason: None,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    };
    let data = appointment::AppointmentChanged {
        appointment,
        previous: None,
    };
    CloudEvent::with_data(appointment::SOURCE, appointment::CREATED, id, &data)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kafka = kit::settings::KafkaSettings {
        sweep_interval_ms: 0,
        ..kit::settings::KafkaSettings::new(kit::settings::env_or(
            "KAFKA_BROKERS",
            "127.0.0.1:9092",
        ))
    };
    let producer = kit::kafka::idempotent_producer(&kafka)?;
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["burst", topic, count] => {
            kit::kafka::ensure_topics(&kafka, &[topic.to_string()]).await?;
            let started = Instant::now();
            let mut deliveries = Vec::new();
            for _ in 0..count.parse::<usize>()? {
                deliveries.push(kit::testing::load::enqueue(
                    &producer,
                    topic,
                    &created(Uuid::now_v7()),
                )?);
            }
            for delivery in deliveries {
                delivery.await?.map_err(|(error, _)| error)?;
            }
            println!(
                "produced {count} events in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        ["steady", topic, rate, seconds, database_url] => {
            let (rate, seconds): (u64, u64) = (rate.parse()?, seconds.parse()?);
            let mut sent: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
            let mut ticker = tokio::time::interval(Duration::from_millis(10));
            let per_tick = rate / 100;
            let deadline = Instant::now() + Duration::from_secs(seconds);
            while Instant::now() < deadline {
                ticker.tick().await;
                for _ in 0..per_tick {
                    let event = created(Uuid::now_v7());
                    let appointment: Uuid = event.subject.parse()?;
                    sent.insert(appointment, event.time);
                    drop(kit::testing::load::enqueue(&producer, topic, &event)?);
                }
            }
            producer.flush(Duration::from_secs(10))?;
            tokio::time::sleep(Duration::from_secs(3)).await;
            let pool = sqlx::PgPool::connect(database_url).await?;
            let bills: Vec<(Uuid, DateTime<Utc>)> =
                sqlx::query_as("SELECT appointment_id, created_at FROM bills")
                    .fetch_all(&pool)
                    .await?;
            let lags: Vec<f64> = bills
                .iter()
                .filter_map(|(appointment, billed)| {
                    sent.get(appointment).map(|time| {
                        (*billed - *time).num_microseconds().unwrap_or(0) as f64 / 1000.0
                    })
                })
                .collect();
            eprintln!("{} events at {rate}/s: {} billed", sent.len(), lags.len());
            for lag in lags {
                println!("{lag:.3}");
            }
        }
        _ => anyhow::bail!(
            "usage: replay burst <topic> <count> | replay steady <topic> <per-second> <seconds> <database-url>"
        ),
    }
    Ok(())
}
