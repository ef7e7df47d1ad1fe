//! The batched consumer loop, for stores that favour bulk writes (analytics).

use std::{collections::BTreeMap, time::Duration};

use futures::future::BoxFuture;
use rdkafka::{Message as _, message::BorrowedMessage};
use tokio_util::sync::CancellationToken;

use super::{
    Assignment, ConsumerSettings, Reject,
    client::{Next, Subscribed, subscribe},
    dead_letter::{dead_letter, parse},
    watched,
};
use crate::{
    events::CloudEvent,
    settings::KafkaSettings,
    watchdog::{Progress, Watchdog},
};

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
