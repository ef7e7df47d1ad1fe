//! The audit trail's store: every record of the audit topic, once, in the `audit_records`
//! collection, searchable by patient and by actor over a time window.
//!
//! A record's `_id` is its own id (UUIDv7, so ids sort by time): a redelivered record is a
//! duplicate key and drops out, and pages follow `_id`.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use futures::TryStreamExt as _;
use kit::{
    audit::{AuditRecord, RECORDED, Records},
    consumer::{BatchHandler, Reject},
    events::CloudEvent,
    pagination::Page,
};
use mongodb::{
    Collection, Database,
    bson::{self, Document, doc},
};
use uuid::Uuid;

const RECORDS: &str = "audit_records";

/// One stored record.
pub type StoredRecord = AuditRecord;

/// Whose records to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whose {
    /// Every access to this patient's data.
    Patient(Uuid),
    /// Everything this actor (a token subject, or `service:<name>`) did.
    Actor(String),
}

#[derive(Clone)]
pub struct AuditStore {
    records: Collection<Document>,
}

impl AuditStore {
    /// The store, with the indexes its two searches use.
    pub async fn open(db: &Database) -> anyhow::Result<Self> {
        // One plain `createIndexes` command per index, names given: FerretDB 1.x fails on
        // the driver's own form of the command.
        for field in ["patients", "actor"] {
            db.run_command(doc! {
                "createIndexes": RECORDS,
                "indexes": [{ "key": { field: 1 }, "name": format!("{field}_1") }],
            })
            .await
            .context("cannot create the audit trail's indexes")?;
        }
        Ok(Self {
            records: db.collection(RECORDS),
        })
    }

    /// Stores `batch`; records stored before are skipped.
    pub async fn keep(&self, batch: &[StoredRecord]) -> anyhow::Result<()> {
        let documents = batch
            .iter()
            .map(document)
            .collect::<anyhow::Result<Vec<_>>>()?;
        match self.records.insert_many(documents).ordered(false).await {
            Err(error) if !crate::store::only_duplicates(&error) => {
                Err(anyhow::Error::new(error).context("cannot store audit records"))
            }
            _ => Ok(()),
        }
    }

    /// `whose` records with `from <= time < to`, in the order they were made, a page at a
    /// time; one more than asked when there are more.
    pub async fn find(
        &self,
        whose: &Whose,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        page: Page,
    ) -> anyhow::Result<Vec<StoredRecord>> {
        let mut filter = match whose {
            Whose::Patient(patient) => doc! { "patients": patient.to_string() },
            Whose::Actor(actor) => doc! { "actor": actor },
        };
        filter.insert(
            "time",
            doc! { "$gte": bson_time(from), "$lt": bson_time(to) },
        );
        if let Some(after) = page.after {
            filter.insert("_id", doc! { "$gt": after.to_string() });
        }
        let documents: Vec<Document> = self
            .records
            .find(filter)
            .sort(doc! { "_id": 1 })
            .limit(page.fetch_limit())
            .await
            .context("cannot search the audit trail")?
            .try_collect()
            .await
            .context("cannot read the audit trail")?;
        documents.into_iter().map(read).collect()
    }
}

/// The document of a record: its fields as JSON has them, with `time` as a BSON date so
/// windows compare as instants.
fn document(record: &StoredRecord) -> anyhow::Result<Document> {
    let mut document =
        bson::serialize_to_document(record).context("an audit record does not convert to BSON")?;
    document.remove("id");
    document.insert("_id", record.id.to_string());
    document.insert("time", bson_time(record.time));
    Ok(document)
}

/// BSON dates keep milliseconds: a record's time is stored to the millisecond.
fn bson_time(time: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(time.timestamp_millis())
}

fn read(mut document: Document) -> anyhow::Result<StoredRecord> {
    let id: Uuid = document
        .get_str("_id")
        .ok()
        .and_then(|id| id.parse().ok())
        .context("an audit record has no readable `_id`")?;
    let millis = document
        .get_datetime("time")
        .context("an audit record has no `time`")?
        .timestamp_millis();
    let time = DateTime::<Utc>::from_timestamp_millis(millis)
        .context("an audit record's `time` is out of range")?;
    document.insert("time", time.to_rfc3339());
    document.remove("_id");
    document.insert("id", id.to_string());
    bson::deserialize_from_document(document).context("an audit record does not read")
}

/// Consuming: every record of the audit topic goes into the [`AuditStore`].
#[derive(Clone)]
pub struct AuditIngest {
    pub store: AuditStore,
}

impl BatchHandler for AuditIngest {
    /// The records of one event.
    type Item = Vec<StoredRecord>;

    fn prepare(&self, _topic: &str, event: CloudEvent) -> Result<Vec<StoredRecord>, Reject> {
        if event.event_type != RECORDED {
            return Err(Reject(format!(
                "the audit topic carries {RECORDED} only, not {}",
                event.event_type
            )));
        }
        let records: Records = serde_json::from_value(event.data)
            .map_err(|error| Reject(format!("audit records that do not read: {error}")))?;
        Ok(records.records)
    }

    async fn apply(&self, batch: &[Vec<StoredRecord>]) -> anyhow::Result<()> {
        self.store.keep(&batch.concat()).await
    }
}
