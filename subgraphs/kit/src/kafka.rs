//! Kafka client construction shared by the relay, the consumer loop and readiness checks.

use std::time::Duration;

use anyhow::Context as _;
use rdkafka::{
    ClientConfig,
    producer::{FutureProducer, Producer as _},
};

use crate::settings::KafkaSettings;

/// The configuration every client starts from: the brokers, errors-only logging, and the
/// debug contexts `KAFKA_DEBUG` asks for (logged under the `rdkafka` target).
pub fn client_config(settings: &KafkaSettings) -> ClientConfig {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", &settings.brokers);
    match &settings.debug {
        Some(contexts) => config.set("debug", contexts).set("log_level", "7"),
        None => config.set("log_level", "3"),
    };
    config
}

/// An idempotent producer (`acks=all`, ordered retries): a retried send never duplicates or
/// reorders a message within a partition.
pub fn idempotent_producer(settings: &KafkaSettings) -> anyhow::Result<FutureProducer> {
    client_config(settings)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "1")
        .set("compression.type", "lz4")
        // A send that cannot reach a broker fails after this, and the relay retries the row
        // later; the event stays in the outbox meanwhile.
        .set("message.timeout.ms", "10000")
        .create()
        .context("cannot create Kafka producer")
}

/// True when a broker answers a metadata request within `timeout`.
pub async fn is_reachable(producer: &FutureProducer, timeout: Duration) -> bool {
    let client = producer.clone();
    tokio::task::spawn_blocking(move || client.client().fetch_metadata(None, timeout).is_ok())
        .await
        .unwrap_or(false)
}

/// `/ready` check: a Kafka broker answers.
pub fn probe(producer: &FutureProducer) -> crate::server::Probe {
    let producer = producer.clone();
    std::sync::Arc::new(move || {
        let producer = producer.clone();
        Box::pin(async move {
            if is_reachable(&producer, Duration::from_secs(1)).await {
                Ok(())
            } else {
                Err("no Kafka broker answers".to_owned())
            }
        })
    })
}

/// Creates `topics` with the broker's default partitions and replication if they do not
/// exist yet, so a consumer that starts before any producer is assigned at once.
pub async fn ensure_topics(settings: &KafkaSettings, topics: &[String]) -> anyhow::Result<()> {
    use rdkafka::{
        admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
        client::DefaultClientContext,
        types::RDKafkaErrorCode,
    };

    let admin: AdminClient<DefaultClientContext> = client_config(settings)
        .create()
        .context("cannot create Kafka admin client")?;
    let new_topics: Vec<NewTopic<'_>> = topics
        .iter()
        .map(|topic| NewTopic::new(topic, -1, TopicReplication::Fixed(-1)))
        .collect();
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    for result in admin.create_topics(&new_topics, &options).await? {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) => anyhow::bail!("cannot create topic {topic}: {code}"),
        }
    }
    Ok(())
}
