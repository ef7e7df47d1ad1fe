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
//! - A client that fails for good (a fatal error), or that its watchdog finds stuck (its
//!   group not `up` and `steady` for too long while the broker answers, see
//!   [`crate::watchdog`]), is closed and replaced by a new one that rejoins the group and
//!   goes on from the committed offsets.

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use anyhow::Context as _;
use futures::future::BoxFuture;
use rdkafka::{
    ClientContext, Message as _, Statistics,
    consumer::{
        BaseConsumer, CommitMode, Consumer as _, ConsumerContext, Rebalance, StreamConsumer,
    },
    error::KafkaError,
    message::{BorrowedMessage, Header, OwnedHeaders},
    producer::{FutureProducer, FutureRecord},
    types::RDKafkaErrorCode,
};
use tokio_util::sync::CancellationToken;

use crate::{
    events::CloudEvent,
    settings::KafkaSettings,
    watchdog::{Progress, Watchdog},
};

/// How often librdkafka reports a consumer's group state (its watchdog's signal).
const STATISTICS_INTERVAL_MS: &str = "1000";
/// Longest wait for a replaced consumer to leave its group.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(15);

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

/// Records assignments and revocations in an [`Assignment`], and a group that is `up` and
/// `steady` (from librdkafka's statistics) as progress. A retired client (being replaced)
/// records nothing: its late revocation must not undo the new client's assignment.
struct ConsumerState {
    assignment: Assignment,
    progress: Progress,
    retired: Arc<AtomicBool>,
}

impl ClientContext for ConsumerState {
    fn stats(&self, statistics: Statistics) {
        let steady = statistics
            .cgrp
            .is_some_and(|group| group.state == "up" && group.join_state == "steady");
        if steady && !self.retired.load(Ordering::Acquire) {
            self.progress.advanced();
        }
    }
}

impl ConsumerContext for ConsumerState {
    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if self.retired.load(Ordering::Acquire) {
            return;
        }
        let assigned = &self.assignment.0;
        match rebalance {
            Rebalance::Assign(partitions) => {
                assigned.store(partitions.count() > 0, Ordering::Release)
            }
            Rebalance::Revoke(_) => assigned.store(false, Ordering::Release),
            Rebalance::Error(error) => tracing::warn!(%error, "consumer rebalance failed"),
        }
    }
}

/// Suffix of the dead-letter topic for a topic.
pub const DLQ_SUFFIX: &str = ".dlq";

/// A subscribed consumer and the producer that writes its dead letters.
struct Subscribed {
    consumer: StreamConsumer<ConsumerState>,
    dlq: FutureProducer,
    retired: Arc<AtomicBool>,
    assignment: Assignment,
}

/// What the consumer loop does next.
enum Next<'a> {
    Message(BorrowedMessage<'a>),
    /// Replace the client, for this reason.
    Rebuild(String),
    Shutdown,
}

async fn subscribe(
    kafka: &KafkaSettings,
    settings: &ConsumerSettings,
    assignment: &Assignment,
    progress: &Progress,
) -> anyhow::Result<Subscribed> {
    let retired = Arc::new(AtomicBool::new(false));
    let context = ConsumerState {
        assignment: assignment.clone(),
        progress: progress.clone(),
        retired: Arc::clone(&retired),
    };
    let consumer: StreamConsumer<ConsumerState> = crate::kafka::client_config(kafka)
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
        .set("statistics.interval.ms", STATISTICS_INTERVAL_MS)
        // Messages fetched ahead of the handler, at most (librdkafka's defaults: 64 MB queued
        // plus 50 MB per fetch). A consumer behind a backlog (analytics behind a booking
        // storm) held them all: 8 MB is still seconds of events at thousands per second.
        .set("queued.max.messages.kbytes", "8192")
        .set("fetch.max.bytes", "4194304")
        .set(
            "auto.offset.reset",
            match settings.start_from {
                StartFrom::Earliest => "earliest",
                StartFrom::Latest => "latest",
            },
        )
        .create_with_context(context)
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
    Ok(Subscribed {
        consumer,
        dlq,
        retired,
        assignment: assignment.clone(),
    })
}

impl Subscribed {
    /// The next message, or [`Next::Shutdown`]. Receive errors (a broker away) are logged, a
    /// few, and passed over: librdkafka reports every failed connection attempt and retries
    /// by itself, and while the broker is away those reports queue up. A pause per report
    /// (it was 500 ms) kept consumers draining stale reports for minutes after a one-minute
    /// outage instead of consuming; now only a short one guards against a tight loop.
    ///
    /// A fatal error, or the watchdog's request, ends it with [`Next::Rebuild`].
    async fn next(&self, shutdown: &CancellationToken, progress: &Progress) -> Next<'_> {
        let mut quiet_until: Option<tokio::time::Instant> = None;
        let mut suppressed = 0_u64;
        loop {
            let received = tokio::select! {
                () = shutdown.cancelled() => return Next::Shutdown,
                () = progress.rebuild_requested() => {
                    return Next::Rebuild("its watchdog found it stuck".to_owned());
                }
                received = self.consumer.recv() => received,
            };
            match received {
                Ok(message) => return Next::Message(message),
                Err(error) if is_fatal(&error) => {
                    let reason = self.consumer.client().fatal_error().map_or_else(
                        || error.to_string(),
                        |(code, reason)| format!("{code}: {reason}"),
                    );
                    return Next::Rebuild(format!("it failed for good ({reason})"));
                }
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

    /// Stores `offset` of `topic`'s `partition` as consumed (committed as `offset + 1`).
    fn store_offset(&self, topic: &str, partition: i32, offset: i64) {
        if let Err(error) = self.consumer.store_offset(topic, partition, offset) {
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

    /// Commits what it can and closes the client (leaving the group) off the async
    /// threads, waiting at most [`CLOSE_TIMEOUT`]: a stuck client may never finish closing.
    async fn retire(self, settings: &ConsumerSettings, why: &str) {
        tracing::warn!(group = %settings.group_id, why, "replacing the Kafka consumer with a new one");
        self.retired.store(true, Ordering::Release);
        // Its partitions go with it; readiness waits for the new client's.
        self.assignment.0.store(false, Ordering::Release);
        let closing = tokio::task::spawn_blocking(move || {
            if let Err(error) = self.consumer.commit_consumer_state(CommitMode::Sync) {
                tracing::debug!(error = %error, "commit before replacing the consumer skipped");
            }
            drop(self);
        });
        if tokio::time::timeout(CLOSE_TIMEOUT, closing).await.is_err() {
            tracing::warn!(group = %settings.group_id, "the old consumer did not close in time; left behind");
        }
    }
}

fn is_fatal(error: &KafkaError) -> bool {
    error.rdkafka_error_code() == Some(RDKafkaErrorCode::Fatal)
}

/// Consumes until `shutdown`, recording partition assignment in `assignment` and progress in
/// `progress` (replacing the client when it fails for good or its watchdog asks); returns an
/// error only when a consumer cannot be created.
pub async fn run<H: EventHandler>(
    kafka: &KafkaSettings,
    settings: &ConsumerSettings,
    handler: &H,
    assignment: &Assignment,
    progress: &Progress,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    loop {
        let subscribed = subscribe(kafka, settings, assignment, progress).await?;
        let why = loop {
            match subscribed.next(&shutdown, progress).await {
                Next::Message(message) => {
                    if !process(&message, handler, &subscribed.dlq, progress, &shutdown).await {
                        subscribed.finish(settings);
                        return Ok(());
                    }
                    subscribed.store_offset(message.topic(), message.partition(), message.offset());
                }
                Next::Rebuild(why) => break why,
                Next::Shutdown => {
                    subscribed.finish(settings);
                    return Ok(());
                }
            }
        };
        subscribed.retire(settings, &why).await;
        progress.rebuilt();
    }
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
    progress: &Progress,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    loop {
        let subscribed = subscribe(kafka, settings, assignment, progress).await?;
        let why = loop {
            let first = match subscribed.next(&shutdown, progress).await {
                Next::Message(message) => message,
                Next::Rebuild(why) => break why,
                Next::Shutdown => {
                    subscribed.finish(settings);
                    return Ok(());
                }
            };
            if !consume_batch(&subscribed, first, handler, batching, progress, &shutdown).await {
                subscribed.finish(settings);
                return Ok(());
            }
        };
        subscribed.retire(settings, &why).await;
        progress.rebuilt();
    }
}

/// Takes a batch starting with `first`, applies it and stores its offsets; `false` when
/// shutdown interrupted it.
///
/// Each message is prepared as it arrives and let go, keeping only its offset: a message
/// held pins librdkafka's whole fetch buffer, and a batch of 20,000 held them all.
async fn consume_batch<H: BatchHandler>(
    subscribed: &Subscribed,
    first: BorrowedMessage<'_>,
    handler: &H,
    batching: Batching,
    progress: &Progress,
    shutdown: &CancellationToken,
) -> bool {
    let deadline = tokio::time::Instant::now() + batching.linger;
    let mut items = Vec::new();
    // The last offset taken of each partition.
    let mut offsets: BTreeMap<(String, i32), i64> = BTreeMap::new();
    let mut taken = 0;
    let mut next = Some(first);
    while let Some(message) = next.take() {
        taken += 1;
        let prepared = parse(message.payload()).and_then(|event| {
            handler
                .prepare(message.topic(), event)
                .map_err(|reject| reject.0)
        });
        match prepared {
            Ok(item) => items.push(item),
            Err(reason) => {
                if !dead_letter(&message, &reason, &subscribed.dlq, shutdown).await {
                    return false;
                }
            }
        }
        let last = offsets
            .entry((message.topic().to_owned(), message.partition()))
            .or_insert(message.offset());
        *last = (*last).max(message.offset());
        if taken < batching.max_messages
            && let Ok(Ok(message)) =
                tokio::time::timeout_at(deadline, subscribed.consumer.recv()).await
        {
            next = Some(message);
        }
    }
    let mut backoff = Duration::from_millis(100);
    while !items.is_empty() {
        // Busy with the batch: the client is not stuck, whatever its group does meanwhile.
        progress.advanced();
        match handler.apply(&items).await {
            Ok(()) => break,
            Err(error) => {
                tracing::warn!(error = %crate::error::error_chain(error.as_ref()), events = items.len(), "batch failed; retrying");
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return false,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
    for ((topic, partition), offset) in offsets {
        subscribed.store_offset(&topic, partition, offset);
    }
    true
}

/// [`run`] as a service's background task (see [`crate::app::Service::with_task`]), with
/// its watchdog beside it; logs why it stopped if it could not start.
pub fn task<H: EventHandler + 'static>(
    kafka: KafkaSettings,
    settings: ConsumerSettings,
    handler: H,
    assignment: Assignment,
    watchdog: &Watchdog,
) -> impl FnOnce(CancellationToken) -> BoxFuture<'static, ()> + Send + use<H> {
    let group = settings.group_id.clone();
    watched(watchdog, group, move |progress, shutdown| {
        Box::pin(async move {
            run(
                &kafka,
                &settings,
                &handler,
                &assignment,
                &progress,
                shutdown,
            )
            .await
        })
    })
}

/// [`run_batched`] as a service's background task, like [`task`].
pub fn batched_task<H: BatchHandler + 'static>(
    kafka: KafkaSettings,
    settings: ConsumerSettings,
    handler: H,
    batching: Batching,
    assignment: Assignment,
    watchdog: &Watchdog,
) -> impl FnOnce(CancellationToken) -> BoxFuture<'static, ()> + Send + use<H> {
    let group = settings.group_id.clone();
    watched(watchdog, group, move |progress, shutdown| {
        Box::pin(async move {
            let run = run_batched(
                &kafka,
                &settings,
                &handler,
                batching,
                &assignment,
                &progress,
                shutdown,
            );
            run.await
        })
    })
}

/// A consumer loop and the watchdog of its client, run together until shutdown.
fn watched<F>(
    watchdog: &Watchdog,
    group: String,
    consume: F,
) -> impl FnOnce(CancellationToken) -> BoxFuture<'static, ()> + Send + use<F>
where
    F: FnOnce(Progress, CancellationToken) -> BoxFuture<'static, anyhow::Result<()>>
        + Send
        + 'static,
{
    let (progress, watch) = watchdog.watch(format!("consumer {group}"));
    move |shutdown| {
        Box::pin(async move {
            let consume = async {
                if let Err(error) = consume(progress, shutdown.clone()).await {
                    tracing::error!(%group, error = %crate::error::error_chain(error.as_ref()), "consumer stopped");
                }
            };
            tokio::join!(consume, watch(shutdown.clone()));
        })
    }
}

/// Handles one message; `false` when shutdown interrupted it (so it must not be committed).
async fn process<H: EventHandler>(
    message: &BorrowedMessage<'_>,
    handler: &H,
    dlq: &FutureProducer,
    progress: &Progress,
    shutdown: &CancellationToken,
) -> bool {
    let topic = message.topic();
    let event = match parse(message.payload()) {
        Ok(event) => event,
        Err(reason) => return dead_letter(message, &reason, dlq, shutdown).await,
    };
    let mut backoff = Duration::from_millis(100);
    loop {
        // Busy with a message: the client is not stuck, whatever its group does meanwhile.
        progress.advanced();
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
