//! The at-least-once consumer loop: parse a CloudEvent, apply it, then commit.
//!
//! - Offsets are stored only after the handler stored its effect (and committed every
//!   second and at shutdown), so a crash re-delivers;
//!   handlers must be idempotent (event id recorded with the effect, or a natural unique key).
//! - A message that is not a CloudEvent, or that its handler [`Reject`]s, goes to
//!   `<topic>.dlq` with the reason in a `dlq-reason` header, is committed, and the loop
//!   keeps going.
//! - A handler failure (database down) is retried with backoff on the same message; nothing
//!   later on that partition is committed past it.
//! - The broker away is librdkafka's to handle (it reconnects by itself); the loop logs its
//!   reports and resumes as soon as messages come (`router/tests/e2e/outage.rs`).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use anyhow::Context as _;
use rdkafka::{
    ClientContext, Message as _,
    consumer::{
        BaseConsumer, CommitMode, Consumer as _, ConsumerContext, Rebalance, StreamConsumer,
    },
    message::{BorrowedMessage, Header, OwnedHeaders},
    producer::{FutureProducer, FutureRecord},
};
use tokio_util::sync::CancellationToken;

use crate::{events::CloudEvent, settings::KafkaSettings};

/// A handler's verdict that an event can never be applied (its data is not what the event
/// type promises): the message goes to the dead-letter topic with this reason instead of
/// being retried. Return it as the error, `Err(Reject(..).into())`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Reject(pub String);

/// Applies one event. Must be idempotent.
pub trait EventHandler: Send + Sync {
    fn handle(
        &self,
        topic: &str,
        event: CloudEvent,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// Where a group starts when it has no committed offset.
#[derive(Debug, Clone, Copy)]
pub enum StartFrom {
    Earliest,
    Latest,
}

#[derive(Debug, Clone)]
pub struct ConsumerSettings {
    pub group_id: String,
    pub topics: Vec<String>,
    pub start_from: StartFrom,
}

/// Whether the consumer holds partitions, for `/ready`: a consumer that starts at the
/// latest offset misses what is produced before it is assigned.
#[derive(Debug, Clone, Default)]
pub struct Assignment(Arc<AtomicBool>);

impl Assignment {
    pub fn is_assigned(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    /// `/ready` check: the consumer holds its partitions.
    pub fn probe(&self) -> crate::server::Probe {
        let assignment = self.clone();
        Arc::new(move || {
            let assigned = assignment.is_assigned();
            Box::pin(async move {
                if assigned {
                    Ok(())
                } else {
                    Err("consumer has no partitions yet".to_owned())
                }
            })
        })
    }
}

/// Records assignments and revocations in an [`Assignment`].
struct AssignmentContext(Assignment);

impl ClientContext for AssignmentContext {}

impl ConsumerContext for AssignmentContext {
    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(partitions) => {
                (self.0).0.store(partitions.count() > 0, Ordering::Release)
            }
            Rebalance::Revoke(_) => (self.0).0.store(false, Ordering::Release),
            Rebalance::Error(error) => tracing::warn!(%error, "consumer rebalance failed"),
        }
    }
}

/// Suffix of the dead-letter topic for a topic.
pub const DLQ_SUFFIX: &str = ".dlq";

/// A subscribed consumer and the producer that writes its dead letters.
struct Subscribed {
    consumer: StreamConsumer<AssignmentContext>,
    dlq: FutureProducer,
}

async fn subscribe(
    kafka: &KafkaSettings,
    settings: &ConsumerSettings,
    assignment: &Assignment,
) -> anyhow::Result<Subscribed> {
    let consumer: StreamConsumer<AssignmentContext> = crate::kafka::client_config(kafka)
        .set("group.id", &settings.group_id)
        // At least once: an offset is stored only after its message's effect is, and stored
        // offsets are committed in the background every second and at shutdown. A crash
        // re-delivers at most that second's messages; handlers are idempotent.
        .set("enable.auto.commit", "true")
        .set("enable.auto.offset.store", "false")
        .set("auto.commit.interval.ms", "1000")
        // After a broker outage longer than the session, this client rejoins as a new member
        // and the restarted coordinator waits out the old member's session before assigning
        // partitions: 45 s by default, so consumers resumed ~45 s after Kafka did. Heartbeats
        // come from librdkafka's own thread, so a busy handler does not expire it.
        .set("session.timeout.ms", "10000")
        .set(
            "auto.offset.reset",
            match settings.start_from {
                StartFrom::Earliest => "earliest",
                StartFrom::Latest => "latest",
            },
        )
        .create_with_context(AssignmentContext(assignment.clone()))
        .context("cannot create Kafka consumer")?;
    // A consumer may start before anything was produced: create its topics rather than
    // wait unassigned. Kafka being down is not fatal here; the subscription retries.
    if let Err(error) = crate::kafka::ensure_topics(kafka, &settings.topics).await {
        tracing::warn!(error = %error, "could not make sure the topics exist");
    }
    let topics: Vec<&str> = settings.topics.iter().map(String::as_str).collect();
    consumer.subscribe(&topics).context("cannot subscribe")?;
    let dlq = crate::kafka::idempotent_producer(kafka)?;
    tracing::info!(group = %settings.group_id, topics = ?settings.topics, "consumer started");
    Ok(Subscribed { consumer, dlq })
}

impl Subscribed {
    /// The next message, `None` at shutdown. Receive errors (a broker away) are logged, a
    /// few, and passed over: librdkafka reports every failed connection attempt and retries
    /// by itself, and while the broker is away those reports queue up. A pause per report
    /// (it was 500 ms) kept consumers draining stale reports for minutes after a one-minute
    /// outage instead of consuming; now only a short one guards against a tight loop.
    async fn next(&self, shutdown: &CancellationToken) -> Option<BorrowedMessage<'_>> {
        let mut quiet_until: Option<tokio::time::Instant> = None;
        let mut suppressed = 0_u64;
        loop {
            let received = tokio::select! {
                () = shutdown.cancelled() => return None,
                received = self.consumer.recv() => received,
            };
            match received {
                Ok(message) => return Some(message),
                Err(error) => {
                    let now = tokio::time::Instant::now();
                    if quiet_until.is_none_or(|until| now >= until) {
                        tracing::warn!(error = %error, suppressed, "Kafka receive failed; librdkafka keeps retrying");
                        quiet_until = Some(now + Duration::from_secs(10));
                        suppressed = 0;
                    } else {
                        suppressed += 1;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        }
    }

    fn store_offset(&self, message: &BorrowedMessage<'_>) {
        if let Err(error) = self.consumer.store_offset_from_message(message) {
            tracing::warn!(error = %error, "offset store failed; the message may be delivered again");
        }
    }

    /// Stored offsets are committed in the background; make the last ones stick.
    fn finish(&self, settings: &ConsumerSettings) {
        if let Err(error) = self.consumer.commit_consumer_state(CommitMode::Sync) {
            tracing::debug!(error = %error, "final commit skipped");
        }
        tracing::info!(group = %settings.group_id, "consumer stopped");
    }
}

/// Consumes until `shutdown`, recording partition assignment in `assignment`; returns an
/// error only when the consumer cannot be created.
pub async fn run<H: EventHandler>(
    kafka: &KafkaSettings,
    settings: &ConsumerSettings,
    handler: &H,
    assignment: &Assignment,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let subscribed = subscribe(kafka, settings, assignment).await?;
    while let Some(message) = subscribed.next(&shutdown).await {
        if !process(&message, handler, &subscribed.dlq, &shutdown).await {
            break;
        }
        subscribed.store_offset(&message);
    }
    subscribed.finish(settings);
    Ok(())
}

/// Applies events a batch at a time, for stores that favour bulk writes: each event is
/// checked and translated on its own ([`BatchHandler::prepare`]), then a batch of them is
/// stored at once ([`BatchHandler::apply`]).
pub trait BatchHandler: Send + Sync {
    type Item: Send + Sync;

    /// Checks one event; a [`Reject`] sends it to the dead-letter topic.
    fn prepare(&self, topic: &str, event: CloudEvent) -> Result<Self::Item, Reject>;

    /// Stores the effect of `batch`. Must be idempotent: after a crash a batch is delivered
    /// again, whole or in part, perhaps mixed with newer events.
    fn apply(&self, batch: &[Self::Item]) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// How [`run_batched`] forms batches.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    /// The most messages in one batch.
    pub max_messages: usize,
    /// How long a batch may wait for more messages after its first one.
    pub linger: Duration,
}

/// Like [`run`], for a [`BatchHandler`]: after a first message, takes what arrives within
/// the linger time, up to the batch size, applies it (retrying with backoff while the
/// store fails), then stores the offsets of the whole batch.
pub async fn run_batched<H: BatchHandler>(
    kafka: &KafkaSettings,
    settings: &ConsumerSettings,
    handler: &H,
    batching: Batching,
    assignment: &Assignment,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let subscribed = subscribe(kafka, settings, assignment).await?;
    'consume: while let Some(first) = subscribed.next(&shutdown).await {
        let deadline = tokio::time::Instant::now() + batching.linger;
        let mut messages = vec![first];
        while messages.len() < batching.max_messages {
            match tokio::time::timeout_at(deadline, subscribed.consumer.recv()).await {
                Ok(Ok(message)) => messages.push(message),
                Ok(Err(_)) | Err(_) => break,
            }
        }
        let mut items = Vec::with_capacity(messages.len());
        for message in &messages {
            let prepared = parse(message.payload()).and_then(|event| {
                handler
                    .prepare(message.topic(), event)
                    .map_err(|reject| reject.0)
            });
            match prepared {
                Ok(item) => items.push(item),
                Err(reason) => {
                    if !dead_letter(message, &reason, &subscribed.dlq, &shutdown).await {
                        break 'consume;
                    }
                }
            }
        }
        let mut backoff = Duration::from_millis(100);
        while !items.is_empty() {
            match handler.apply(&items).await {
                Ok(()) => break,
                Err(error) => {
                    tracing::warn!(error = %crate::error::error_chain(error.as_ref()), events = items.len(), "batch failed; retrying");
                }
            }
            tokio::select! {
                () = shutdown.cancelled() => break 'consume,
                () = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(Duration::from_secs(30));
        }
        for message in &messages {
            subscribed.store_offset(message);
        }
    }
    subscribed.finish(settings);
    Ok(())
}

/// [`run`] as a service's background task (see [`crate::app::Service::with_task`]); logs
/// why it stopped if it could not start.
pub fn task<H: EventHandler + 'static>(
    kafka: KafkaSettings,
    settings: ConsumerSettings,
    handler: H,
    assignment: Assignment,
) -> impl FnOnce(CancellationToken) -> futures::future::BoxFuture<'static, ()> + Send {
    move |shutdown| {
        Box::pin(async move {
            if let Err(error) = run(&kafka, &settings, &handler, &assignment, shutdown).await {
                tracing::error!(group = %settings.group_id, error = %crate::error::error_chain(error.as_ref()), "consumer stopped");
            }
        })
    }
}

/// Handles one message; `false` when shutdown interrupted it (so it must not be committed).
async fn process<H: EventHandler>(
    message: &BorrowedMessage<'_>,
    handler: &H,
    dlq: &FutureProducer,
    shutdown: &CancellationToken,
) -> bool {
    let topic = message.topic();
    let event = match parse(message.payload()) {
        Ok(event) => event,
        Err(reason) => return dead_letter(message, &reason, dlq, shutdown).await,
    };
    let mut backoff = Duration::from_millis(100);
    loop {
        let span = tracing::info_span!("consume", topic, event_id = %event.id, event_type = %event.event_type);
        match tracing::Instrument::instrument(handler.handle(topic, event.clone()), span).await {
            Ok(()) => return true,
            Err(error) if error.is::<Reject>() => {
                return dead_letter(message, &error.to_string(), dlq, shutdown).await;
            }
            Err(error) => {
                tracing::warn!(error = %crate::error::error_chain(error.as_ref()), event_id = %event.id, "handler failed; retrying");
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return false,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

fn parse(payload: Option<&[u8]>) -> Result<CloudEvent, String> {
    let payload = payload.ok_or_else(|| "empty message".to_owned())?;
    serde_json::from_slice(payload).map_err(|error| format!("not a CloudEvent: {error}"))
}

async fn dead_letter(
    message: &BorrowedMessage<'_>,
    reason: &str,
    dlq: &FutureProducer,
    shutdown: &CancellationToken,
) -> bool {
    let topic = format!("{}{DLQ_SUFFIX}", message.topic());
    tracing::warn!(%topic, reason, partition = message.partition(), offset = message.offset(), "dead-lettering unparsable message");
    let origin = format!(
        "{}/{}/{}",
        message.topic(),
        message.partition(),
        message.offset()
    );
    loop {
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: "dlq-reason",
                value: Some(reason),
            })
            .insert(Header {
                key: "dlq-origin",
                value: Some(&origin),
            });
        let mut record = FutureRecord::to(&topic).headers(headers);
        if let Some(payload) = message.payload() {
            record = record.payload(payload);
        }
        if let Some(key) = message.key() {
            record = record.key(key);
        }
        match dlq.send(record, Duration::from_secs(10)).await {
            Ok(_) => return true,
            Err((error, _)) => tracing::warn!(error = %error, "cannot write to the DLQ; retrying"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return false,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}
