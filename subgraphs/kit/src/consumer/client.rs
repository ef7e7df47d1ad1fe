//! One Kafka consumer client: subscribed to its group, its assignment and progress
//! recorded, replaced when it fails for good or its watchdog finds it stuck.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use anyhow::Context as _;
use rdkafka::{
    ClientContext, Statistics,
    consumer::{
        BaseConsumer, CommitMode, Consumer as _, ConsumerContext, Rebalance, StreamConsumer,
    },
    error::KafkaError,
    message::BorrowedMessage,
    producer::FutureProducer,
    types::RDKafkaErrorCode,
};
use tokio_util::sync::CancellationToken;

use super::{Assignment, ConsumerSettings, StartFrom};
use crate::{settings::KafkaSettings, watchdog::Progress};

/// How often librdkafka reports a consumer's group state (its watchdog's signal).
const STATISTICS_INTERVAL_MS: &str = "1000";
/// Longest wait for a replaced consumer to leave its group.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(15);

/// Records assignments and revocations in an [`Assignment`], and a group that is `up` and
/// `steady` (from librdkafka's statistics) as progress. A retired client (being replaced)
/// records nothing: its late revocation must not undo the new client's assignment.
pub(super) struct ConsumerState {
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

/// A subscribed consumer and the producer that writes its dead letters.
pub(super) struct Subscribed {
    pub(super) consumer: StreamConsumer<ConsumerState>,
    pub(super) dlq: FutureProducer,
    retired: Arc<AtomicBool>,
    assignment: Assignment,
}

/// What the consumer loop does next.
pub(super) enum Next<'a> {
    Message(BorrowedMessage<'a>),
    /// Replace the client, for this reason.
    Rebuild(String),
    Shutdown,
}

pub(super) async fn subscribe(
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
    pub(super) async fn next(&self, shutdown: &CancellationToken, progress: &Progress) -> Next<'_> {
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
    pub(super) fn store_offset(&self, topic: &str, partition: i32, offset: i64) {
        if let Err(error) = self.consumer.store_offset(topic, partition, offset) {
            tracing::warn!(error = %error, "offset store failed; the message may be delivered again");
        }
    }

    /// Stored offsets are committed in the background; make the last ones stick.
    pub(super) fn finish(&self, settings: &ConsumerSettings) {
        if let Err(error) = self.consumer.commit_consumer_state(CommitMode::Sync) {
            tracing::debug!(error = %error, "final commit skipped");
        }
        tracing::info!(group = %settings.group_id, "consumer stopped");
    }

    /// Commits what it can and closes the client (leaving the group) off the async
    /// threads, waiting at most [`CLOSE_TIMEOUT`]: a stuck client may never finish closing.
    pub(super) async fn retire(self, settings: &ConsumerSettings, why: &str) {
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
