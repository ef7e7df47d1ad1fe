//! Load generation for the benchmarks' feeders (`examples/`).

use std::time::Duration;

use crate::events::CloudEvent;

/// Queues `event` on `topic` (keyed by its subject) without waiting for delivery; when the
/// producer's queue is full, waits for room instead of failing. For load generators.
pub fn enqueue(
    producer: &rdkafka::producer::FutureProducer,
    topic: &str,
    event: &CloudEvent,
) -> anyhow::Result<rdkafka::producer::DeliveryFuture> {
    use rdkafka::{error::KafkaError, types::RDKafkaErrorCode};

    let payload = serde_json::to_vec(event)?;
    loop {
        let record = rdkafka::producer::FutureRecord::to(topic)
            .key(&event.subject)
            .payload(&payload);
        match producer.send_result(record) {
            Ok(delivery) => return Ok(delivery),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                producer.poll(Duration::from_millis(10));
            }
            Err((error, _)) => return Err(error.into()),
        }
    }
}
