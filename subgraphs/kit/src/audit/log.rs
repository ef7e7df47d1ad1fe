//! The [`AuditLog`]: keeps the records of reads, many requests' records in one statement,
//! before their responses leave.

use std::sync::Arc;

use async_graphql::ServerError;
use tokio::sync::{mpsc, oneshot};

use super::{AuditRecord, Records, UNAVAILABLE_CODE};
use crate::{
    context::RequestContext,
    outbox::{Outbox, OutboxRow, OutboxStore},
};

/// Keeps reads' audit records: writes the records of the requests waiting at that moment
/// into the outbox as one row (one event), and answers each request once they are
/// committed. One row for many records is what makes recording cheap: the database, the
/// relay and Kafka handle one message where they would handle one per request.
#[derive(Clone, Debug)]
pub struct AuditLog {
    service: Arc<str>,
    queue: mpsc::Sender<Job>,
    reads: bool,
}

#[derive(Debug)]
struct Job {
    records: Vec<AuditRecord>,
    kept: oneshot::Sender<bool>,
}

/// The most requests whose records one write keeps (one outbox row, one Kafka message of
/// at most a few hundred kilobytes).
const MAX_REQUESTS_PER_WRITE: usize = 256;
/// Writes in flight at once. One: each write then takes every request that came while the
/// last one ran, and fewer, larger rows cost the database, the relay and Kafka far less
/// than more, smaller ones (measured: three writers made rows half as large and reads a
/// third slower).
const WRITERS: usize = 1;
/// Requests waiting for their records to be written, at most; more wait to be queued.
const QUEUE: usize = 4_096;

impl AuditLog {
    /// Starts the writer of `service`'s records into `store`'s outbox; it stops when the
    /// last handle is dropped. It does not wake the relay: reads' records go out with its
    /// next sweep (`OUTBOX_SWEEP_MS`), many rows at a time, or with the next change's events.
    pub fn start<S: OutboxStore>(service: &str, store: S, outbox: Outbox) -> Self {
        let (queue, mut jobs) = mpsc::channel::<Job>(QUEUE);
        let topic = outbox.audit_topic();
        let writer = (service.to_owned(), Arc::clone(&topic));
        tokio::spawn(async move {
            let (service, topic): (Arc<str>, Arc<str>) = (writer.0.into(), writer.1);
            let writers = Arc::new(tokio::sync::Semaphore::new(WRITERS));
            loop {
                // While every writer is busy, requests queue up and the next write takes
                // them all.
                let Ok(permit) = Arc::clone(&writers).acquire_owned().await else {
                    break;
                };
                let mut batch = Vec::new();
                if jobs.recv_many(&mut batch, MAX_REQUESTS_PER_WRITE).await == 0 {
                    break;
                }
                let store = store.clone();
                let (service, topic) = (Arc::clone(&service), Arc::clone(&topic));
                tokio::spawn(async move {
                    let records: Vec<AuditRecord> = batch
                        .iter()
                        .flat_map(|job| job.records.iter().cloned())
                        .collect();
                    let kept = match write(&store, (&service, &topic), &records).await {
                        Ok(()) => true,
                        Err(error) => {
                            tracing::error!(error = %error, records = records.len(), "cannot keep audit records; the reads are refused");
                            false
                        }
                    };
                    drop(permit);
                    for job in batch {
                        job.kept.send(kept).ok();
                    }
                });
            }
        });
        Self {
            service: service.into(),
            queue,
            reads: true,
        }
    }

    /// Records reads (the default), or not: `false` only to measure what recording costs
    /// (`PMS_AUDIT_READS=off`, never in production). Changes are recorded regardless.
    #[must_use]
    pub fn recording_reads(mut self, reads: bool) -> Self {
        self.reads = reads;
        self
    }

    pub fn records_reads(&self) -> bool {
        self.reads
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Writes `records` and returns once they are committed; `false` when they could not be.
    /// Reads' records are dropped when reads are not recorded.
    pub async fn keep(&self, records: Vec<AuditRecord>) -> bool {
        if records.is_empty() || !self.reads {
            return true;
        }
        let (kept, answer) = oneshot::channel();
        if self.queue.send(Job { records, kept }).await.is_err() {
            return false;
        }
        answer.await.unwrap_or(false)
    }
}

/// Writes `records` of `service` as one outbox row for `topic`, made inside the system: the
/// records name their callers and traces themselves.
async fn write<S: OutboxStore>(
    store: &S,
    (service, topic): (&str, &str),
    records: &[AuditRecord],
) -> anyhow::Result<()> {
    let event = Records::event(service, service, records)?;
    let row = OutboxRow::new(topic, &event, &RequestContext::default())?;
    store.insert_rows(&[&row]).await?;
    Ok(())
}

/// The error a caller gets instead of data that could not be recorded.
pub fn unavailable() -> ServerError {
    let mut error = ServerError::new(
        "The audit trail cannot record this access right now, so nothing was served; retry shortly",
        None,
    );
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", UNAVAILABLE_CODE);
    error.extensions = Some(extensions);
    error
}
