//! Dead letters: a message that is not a CloudEvent, or that its handler rejects, goes to
//! `<topic>.dlq` with the reason in a `dlq-reason` header and its origin in `dlq-origin`.

use std::time::Duration;

use rdkafka::{
    Message as _,
    message::{BorrowedMessage, Header, OwnedHeaders},
    producer::{FutureProducer, FutureRecord},
};
use tokio_util::sync::CancellationToken;

use crate::events::CloudEvent;

/// Suffix of the dead-letter topic for a topic.
pub const DLQ_SUFFIX: &str = ".dlq";

pub(super) fn parse(payload: Option<&[u8]>) -> Result<CloudEvent, String> {
    let payload = payload.ok_or_else(|| "empty message".to_owned())?;
    serde_json::from_slice(payload).map_err(|error| format!("not a CloudEvent: {error}"))
}

pub(super) async fn dead_letter(
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
