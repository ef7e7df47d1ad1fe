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
//!
//! Here: the handler traits, [`run`] and the service tasks; `client`: one subscribed
//! client and its replacement; `batched`: [`run_batched`]; `dead_letter`: the `.dlq` topic.

mod batched;
mod client;
mod dead_letter;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use futures::future::BoxFuture;
use rdkafka::{Message as _, message::BorrowedMessage, producer::FutureProducer};
use tokio_util::sync::CancellationToken;

pub use batched::{BatchHandler, Batching, batched_task, run_batched};
use client::{Next, subscribe};
pub use dead_letter::DLQ_SUFFIX;
use dead_letter::{dead_letter, parse};

use crate::{
    events::CloudEvent,
    settings::KafkaSettings,
    watchdog::{Progress, Watchdog},
};

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
