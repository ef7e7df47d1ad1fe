//! Kafka client construction shared by the relay, the consumer loop and readiness checks.

use std::{
    sync::{Arc, RwLock},
    time::Duration,
};

use anyhow::Context as _;
use rdkafka::{
    ClientConfig,
    producer::{BaseProducer, FutureProducer, Producer as _},
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

/// A producer that can be replaced by a new one (after a fatal error, or when its watchdog
/// finds it stuck) while others hold the handle.
#[derive(Clone)]
pub struct SharedProducer(Arc<RwLock<FutureProducer>>);

impl SharedProducer {
    pub fn new(producer: FutureProducer) -> Self {
        Self(Arc::new(RwLock::new(producer)))
    }

    /// The current producer.
    pub fn get(&self) -> FutureProducer {
        self.0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Replaces the producer with `producer`; the old one is flushed briefly and dropped.
    pub fn replace(&self, producer: FutureProducer) {
        let old = std::mem::replace(
            &mut *self
                .0
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            producer,
        );
        drop(old.flush(Duration::from_millis(100)));
    }
}

/// The error that ended `producer` for good, if one did (e.g. an idempotent producer fenced
/// or out of sequence): it never sends again and must be replaced.
pub fn fatal_error(producer: &FutureProducer) -> Option<String> {
    producer
        .client()
        .fatal_error()
        .map(|(code, reason)| format!("{code}: {reason}"))
}

/// True when a broker answers a metadata request within `timeout`.
pub async fn is_reachable(producer: &FutureProducer, timeout: Duration) -> bool {
    let client = producer.clone();
    tokio::task::spawn_blocking(move || client.client().fetch_metadata(None, timeout).is_ok())
        .await
        .unwrap_or(false)
}

/// True when a broker answers a metadata request from a new client within `timeout`: the
/// witness a stuck client cannot be.
pub async fn broker_answers(settings: &KafkaSettings, timeout: Duration) -> bool {
    let config = client_config(settings);
    tokio::task::spawn_blocking(move || {
        let client: Result<BaseProducer, _> = config.create();
        client.is_ok_and(|client| client.client().fetch_metadata(None, timeout).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// `/ready` check for a service without a producer of its own: a broker answers a new
/// client.
pub fn broker_probe(settings: &KafkaSettings) -> crate::server::Probe {
    let settings = settings.clone();
    reachability_probe(move || {
        let settings = settings.clone();
        async move { broker_answers(&settings, Duration::from_secs(1)).await }
    })
}

/// `/ready` check: a Kafka broker answers `producer` (whichever it holds now).
pub fn probe(producer: &SharedProducer) -> crate::server::Probe {
    let producer = producer.clone();
    reachability_probe(move || {
        let producer = producer.get();
        async move { is_reachable(&producer, Duration::from_secs(1)).await }
    })
}

/// A `/ready` check that passes while `answers` does.
fn reachability_probe<F, A>(answers: F) -> crate::server::Probe
where
    F: Fn() -> A + Send + Sync + 'static,
    A: Future<Output = bool> + Send + 'static,
{
    Arc::new(move || {
        let answer = answers();
        Box::pin(async move {
            if answer.await {
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
