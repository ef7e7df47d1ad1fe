//! Measures how long events take from creation (just before the booking commits) to a
//! reader of the topic: `event_lag <topic> <seconds>`; prints each event's lag in
//! milliseconds, one per line, for `scripts/bench/stats.py values` (the benchmarks' one
//! percentile computation), and `ready` on stderr once subscribed. Used by
//! `scripts/bench-appointments.sh`.

use std::time::{Duration, Instant};

use chrono::Utc;
use kit::events::CloudEvent;
use rdkafka::{
    ClientConfig, Message as _,
    consumer::{Consumer as _, StreamConsumer},
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let topic = args
        .next()
        .unwrap_or_else(|| "appointment-events".to_owned());
    let seconds: u64 = args.next().map_or(Ok(30), |value| value.parse())?;
    let brokers = kit::settings::env_or("KAFKA_BROKERS", "127.0.0.1:9092");
    kit::kafka::ensure_topics(
        &kit::settings::KafkaSettings {
            sweep_interval_ms: 0,
            ..kit::settings::KafkaSettings::new(brokers.clone())
        },
        std::slice::from_ref(&topic),
    )
    .await?;
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &brokers)
        .set("group.id", format!("event-lag-{}", uuid::Uuid::now_v7()))
        .set("auto.offset.reset", "latest")
        .set("fetch.wait.max.ms", "5")
        .set("log_level", "3")
        .create()?;
    consumer.subscribe(&[&topic])?;
    eprintln!("ready");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut lags_ms = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Ok(received) = tokio::time::timeout(left, consumer.recv()).await else {
            break;
        };
        let message = received?;
        let event: CloudEvent = serde_json::from_slice(message.payload().unwrap_or_default())?;
        lags_ms.push((Utc::now() - event.time).num_microseconds().unwrap_or(0) as f64 / 1000.0);
    }
    for lag in lags_ms {
        println!("{lag:.3}");
    }
    Ok(())
}
