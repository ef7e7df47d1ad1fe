//! Kafka for tests: the brokers, a topic of one's own, reading a topic back, and a
//! client forced into its fatal state.

use std::time::{Duration, Instant};

use rdkafka::{
    ClientConfig, Message as _,
    consumer::{Consumer as _, StreamConsumer},
    message::Headers as _,
};

use crate::{events::CloudEvent, settings::env_or};

/// Puts `client` in the fatal state a fenced idempotent producer ends in, with librdkafka's
/// own hook for testing that (`rd_kafka_test_fatal_error`): it never sends again.
#[allow(unsafe_code)]
pub fn force_fatal_error<C: rdkafka::ClientContext>(client: &rdkafka::client::Client<C>) {
    let reason = c"fenced by the test";
    // SAFETY: the client pointer is valid while `client` is borrowed, and the reason is a
    // NUL-terminated string librdkafka copies.
    let code = unsafe {
        rdkafka::bindings::rd_kafka_test_fatal_error(
            client.native_ptr(),
            rdkafka::bindings::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_PRODUCER_FENCED,
            reason.as_ptr(),
        )
    };
    assert_eq!(
        code,
        rdkafka::bindings::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR,
        "librdkafka took the fatal error"
    );
}

/// Brokers for tests.
pub fn kafka_brokers() -> String {
    env_or("KAFKA_BROKERS", "127.0.0.1:9092")
}

/// `KAFKA_DEBUG` for the services a test starts (see [`KafkaSettings::debug`]).
pub fn kafka_debug() -> Option<String> {
    std::env::var("KAFKA_DEBUG")
        .ok()
        .filter(|contexts| !contexts.is_empty())
}

/// A topic name no other test uses.
pub fn unique_topic(prefix: &str) -> String {
    format!("{prefix}-test-{}", uuid::Uuid::now_v7().simple())
}

/// A message as read back from a topic.
#[derive(Debug, Clone)]
pub struct ReadMessage {
    pub key: Option<String>,
    pub payload: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl ReadMessage {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Reads `topic` from its beginning until `expected` messages have arrived and then
/// `settle` more time has passed with nothing new, or until `timeout`. Returns all it saw,
/// so a test can assert there were no duplicates.
pub async fn read_messages(
    topic: &str,
    expected: usize,
    timeout: Duration,
    settle: Duration,
) -> Vec<ReadMessage> {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", kafka_brokers())
        .set("group.id", format!("test-reader-{}", uuid::Uuid::now_v7()))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .set("topic.metadata.refresh.interval.ms", "200")
        .set("log_level", "3")
        .create()
        .expect("test consumer");
    consumer.subscribe(&[topic]).expect("subscribe");
    let deadline = Instant::now() + timeout;
    let mut messages = Vec::new();
    loop {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let wait = if messages.len() >= expected {
            settle
        } else {
            deadline - now
        };
        match tokio::time::timeout(wait, consumer.recv()).await {
            Ok(Ok(message)) => {
                let headers = message
                    .headers()
                    .map(|headers| {
                        (0..headers.count())
                            .map(|index| {
                                let header = headers.get(index);
                                let value = header.value.unwrap_or_default();
                                (
                                    header.key.to_owned(),
                                    String::from_utf8_lossy(value).into_owned(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                messages.push(ReadMessage {
                    key: message
                        .key()
                        .map(|key| String::from_utf8_lossy(key).into_owned()),
                    payload: message.payload().unwrap_or_default().to_vec(),
                    headers,
                });
            }
            Ok(Err(_)) => tokio::time::sleep(Duration::from_millis(50)).await,
            Err(_) => break,
        }
    }
    messages
}

/// [`read_messages`], each parsed as a CloudEvent.
pub async fn read_events(
    topic: &str,
    expected: usize,
    timeout: Duration,
    settle: Duration,
) -> Vec<CloudEvent> {
    read_messages(topic, expected, timeout, settle)
        .await
        .iter()
        .map(|message| serde_json::from_slice(&message.payload).expect("a CloudEvent on the topic"))
        .collect()
}

/// Messages of `topics` that consumer group `group` has not committed yet (blocking).
pub fn consumer_lag(group: &str, topics: &[String]) -> anyhow::Result<i64> {
    use rdkafka::{Offset, TopicPartitionList, consumer::BaseConsumer};

    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", kafka_brokers())
        .set("group.id", group)
        .set("log_level", "3")
        .create()?;
    let timeout = Duration::from_secs(5);
    let mut lag = 0;
    for topic in topics {
        let metadata = consumer.fetch_metadata(Some(topic), timeout)?;
        let mut partitions = TopicPartitionList::new();
        for partition in metadata.topics().iter().flat_map(|t| t.partitions()) {
            partitions.add_partition(topic, partition.id());
        }
        for element in consumer.committed_offsets(partitions, timeout)?.elements() {
            let (_, high) = consumer.fetch_watermarks(topic, element.partition(), timeout)?;
            let done = match element.offset() {
                Offset::Offset(offset) => offset,
                _ => 0,
            };
            lag += high - done;
        }
    }
    Ok(lag)
}
