//! MongoDB: the event store and the per-day statistics, kept exact without transactions.
//!
//! Collections, each with only its `_id` index (every read and write goes by `_id`):
//! - `events`: every event once, `_id` = its CloudEvents id, with its topic and the batch
//!   that stored it. The unique `_id` is the deduplication: inserting an event again fails,
//!   and an event that fails to insert is not counted again.
//! - `days`: one document per clinic date, `_id` = `YYYY-MM-DD`, so a date range is an
//!   `_id` range (at most 366 documents). Its fields are the counters of
//!   [`crate::domain::contribution`].
//! - `batches`: the batches being applied, with their events; finished ones are kept for a
//!   grace period, then their markers are pruned.
//!
//! A batch is applied in steps, each idempotent: (1) note the batch, (2) insert its events
//!   (duplicates drop out), (3) add their contributions to each day with one update that
//!   also marks the day with the batch id and only applies where the mark is absent, (4)
//!   mark the batch finished. A crash between steps leaves the batch unfinished; when one
//!   of its events comes again (Kafka redelivers what was not committed), or at start-up,
//!   the batch is applied again from the event store, and days already marked skip it.
//!
//! One writer for `days`: FerretDB 1.x (the server provisioned here) applies an update as
//! read, modify, write without isolation, so concurrent updates of one document lose some
//! (50 tasks each doing 20 `$inc` of one counter left 93, not 1,000). Every write to `days`
//! from this process therefore takes [`StatsStore`]'s writer lock, and with FerretDB a
//! single analytics instance must run (with as many consumers inside it as wanted). MongoDB
//! applies each update atomically; there, replicas are safe as well.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use anyhow::Context as _;
use chrono::{NaiveDate, Utc};
use futures::TryStreamExt as _;
use kit::{events::CloudEvent, server::Probe, settings::Secret};
use mongodb::{
    Client, Collection, Database,
    bson::{self, Bson, Document, doc},
    error::{ErrorKind, InsertManyError},
    options::ClientOptions,
};
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::domain::{Contribution, DateRange, Day, Reading, contribution};

const EVENTS: &str = "events";
const DAYS: &str = "days";
const BATCHES: &str = "batches";
const DUPLICATE_KEY: i32 = 11000;

/// How long a finished batch's marks stay on its days: longer than any apply of the same
/// batch still running elsewhere could take (a consumer that lost its partitions mid-batch).
pub const MARK_GRACE: Duration = Duration::from_secs(30);

/// An event checked and translated, ready to be stored.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub topic: String,
    pub event: CloudEvent,
    pub contribution: Contribution,
}

impl Prepared {
    pub fn new(topic: &str, event: CloudEvent, reading: &Reading) -> Result<Self, String> {
        let contribution = contribution(&event, reading)?;
        Ok(Self {
            topic: topic.to_owned(),
            event,
            contribution,
        })
    }
}

/// Connects with short timeouts, so an unreachable server fails requests promptly.
pub async fn connect(url: &Secret, database: &str) -> anyhow::Result<Database> {
    let mut options = ClientOptions::parse(url.expose())
        .await
        .map_err(|_| anyhow::anyhow!("the analytics MongoDB URL is not valid"))?;
    options.app_name = Some("analytics".to_owned());
    options.server_selection_timeout = Some(Duration::from_secs(3));
    options.connect_timeout = Some(Duration::from_secs(3));
    let client = Client::with_options(options).context("cannot create the MongoDB client")?;
    let db = client.database(database);
    db.run_command(doc! { "ping": 1 })
        .await
        .context("cannot reach the analytics MongoDB server")?;
    Ok(db)
}

#[derive(Clone)]
pub struct StatsStore {
    db: Database,
    reading: Reading,
    /// Held by every write to `days` (see the module documentation).
    writer: Arc<Mutex<()>>,
}

/// A batch whose events are stored, and what its new events contribute.
#[derive(Debug, Clone)]
pub struct Noted {
    pub id: String,
    pub total: Contribution,
}

/// What a rebuild read and wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildReport {
    pub events: u64,
    /// Events whose data no longer reads (with the current settings); left out.
    pub skipped: u64,
    pub days: u64,
}

impl StatsStore {
    pub fn new(db: Database, reading: Reading) -> Self {
        Self {
            db,
            reading,
            writer: Arc::default(),
        }
    }

    pub fn reading(&self) -> &Reading {
        &self.reading
    }

    fn events(&self) -> Collection<Document> {
        self.db.collection(EVENTS)
    }

    fn days_collection(&self) -> Collection<Document> {
        self.db.collection(DAYS)
    }

    fn batches(&self) -> Collection<Document> {
        self.db.collection(BATCHES)
    }

    /// `/ready` check: the server answers a ping.
    pub fn probe(&self) -> Probe {
        let db = self.db.clone();
        std::sync::Arc::new(move || {
            let db = db.clone();
            Box::pin(async move {
                db.run_command(doc! { "ping": 1 })
                    .await
                    .map(drop)
                    .map_err(|_| "database unreachable".to_owned())
            })
        })
    }

    /// Stores `batch`'s new events and adds what they contribute; events stored before are
    /// skipped (after finishing the batch that stored them, if it was interrupted).
    pub async fn record(&self, batch: &[Prepared]) -> anyhow::Result<()> {
        let noted = self.note(batch).await?;
        self.apply(&noted.id, &noted.total).await?;
        self.finish(&noted.id, &noted.total).await
    }

    /// Steps 1 and 2 of [`StatsStore::record`]: notes the batch and stores its events,
    /// returning what the new ones contribute. Public so that tests can stop between steps.
    pub async fn note(&self, batch: &[Prepared]) -> anyhow::Result<Noted> {
        let batch_id = Uuid::now_v7().to_string();
        let ids: Vec<String> = batch.iter().map(|item| item.event.id.to_string()).collect();
        self.batches()
            .insert_one(doc! { "_id": &batch_id, "events": &ids })
            .await
            .context("cannot note the batch")?;
        let documents = batch
            .iter()
            .map(|item| event_document(item, &batch_id))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut fresh = vec![true; batch.len()];
        if let Err(error) = self.events().insert_many(documents).ordered(false).await {
            match *error.kind {
                ErrorKind::InsertMany(InsertManyError {
                    write_errors: Some(ref errors),
                    write_concern_error: None,
                    ..
                }) if errors.iter().all(|error| error.code == DUPLICATE_KEY) => {
                    for error in errors {
                        if let Some(flag) = fresh.get_mut(error.index) {
                            *flag = false;
                        }
                    }
                }
                _ => return Err(anyhow::Error::new(error).context("cannot store the events")),
            }
        }
        let seen: Vec<&str> = ids
            .iter()
            .zip(&fresh)
            .filter(|(_, fresh)| !**fresh)
            .map(|(id, _)| id.as_str())
            .collect();
        for earlier in self.batches_of(&seen, &batch_id).await? {
            self.resume(&earlier).await?;
        }
        let mut total = Contribution::default();
        for (item, _) in batch.iter().zip(&fresh).filter(|(_, fresh)| **fresh) {
            total.merge(&item.contribution);
        }
        Ok(Noted {
            id: batch_id,
            total,
        })
    }

    /// The batches other than `current` that stored the events `ids`.
    async fn batches_of(&self, ids: &[&str], current: &str) -> anyhow::Result<BTreeSet<String>> {
        if ids.is_empty() {
            return Ok(BTreeSet::new());
        }
        let mut cursor = self
            .events()
            .find(doc! { "_id": { "$in": ids } })
            .projection(doc! { "batch": 1 })
            .await?;
        let mut batches = BTreeSet::new();
        while let Some(event) = cursor.try_next().await? {
            if let Ok(batch) = event.get_str("batch")
                && batch != current
            {
                batches.insert(batch.to_owned());
            }
        }
        Ok(batches)
    }

    /// Applies again, from the event store, a batch that was noted but not finished.
    async fn resume(&self, batch_id: &str) -> anyhow::Result<()> {
        let Some(batch) = self.batches().find_one(doc! { "_id": batch_id }).await? else {
            return Ok(());
        };
        if batch.contains_key("finished") {
            return Ok(());
        }
        tracing::warn!(batch = batch_id, "finishing a batch that was interrupted");
        let ids = batch.get_array("events").cloned().unwrap_or_default();
        let mut cursor = self
            .events()
            .find(doc! { "_id": { "$in": ids }, "batch": batch_id })
            .await?;
        let mut total = Contribution::default();
        while let Some(stored) = cursor.try_next().await? {
            if let Some(contribution) = self.stored_contribution(stored) {
                total.merge(&contribution);
            }
        }
        self.apply(batch_id, &total).await?;
        self.finish(batch_id, &total).await
    }

    /// Finishes every batch left unfinished (by a crash); run at start-up.
    pub async fn resume_unfinished(&self) -> anyhow::Result<usize> {
        let mut cursor = self
            .batches()
            .find(doc! { "finished": { "$exists": false } })
            .projection(doc! { "_id": 1 })
            .await?;
        let mut unfinished = Vec::new();
        while let Some(batch) = cursor.try_next().await? {
            if let Ok(id) = batch.get_str("_id") {
                unfinished.push(id.to_owned());
            }
        }
        for batch in &unfinished {
            self.resume(batch).await?;
        }
        Ok(unfinished.len())
    }

    /// Step 3 of [`StatsStore::record`]: adds `total` to each of its days, unless the day
    /// already carries the batch's mark. Public so that tests can stop between steps.
    pub async fn apply(&self, batch_id: &str, total: &Contribution) -> anyhow::Result<()> {
        let mut updates = Vec::new();
        for (day, counters) in total.days() {
            let id = day.to_string();
            let mut increments = Document::new();
            for (path, amount) in counters {
                increments.insert(path, amount);
            }
            updates.push(doc! {
                "q": { "_id": &id },
                "u": { "$setOnInsert": { "batches": [] } },
                "upsert": true,
            });
            updates.push(doc! {
                "q": { "_id": &id, "batches": { "$ne": batch_id } },
                "u": { "$inc": increments, "$push": { "batches": batch_id } },
            });
        }
        if updates.is_empty() {
            return Ok(());
        }
        let _writer = self.writer.lock().await;
        let reply = self
            .db
            .run_command(doc! { "update": DAYS, "updates": updates, "ordered": true })
            .await
            .context("cannot update the day statistics")?;
        if let Ok(errors) = reply.get_array("writeErrors")
            && !errors.is_empty()
        {
            anyhow::bail!("the day statistics refused an update: {errors:?}");
        }
        Ok(())
    }

    async fn finish(&self, batch_id: &str, total: &Contribution) -> anyhow::Result<()> {
        let days: Vec<String> = total.days().map(|(day, _)| day.to_string()).collect();
        self.batches()
            .update_one(
                doc! { "_id": batch_id },
                doc! { "$set": { "finished": bson::DateTime::now(), "days": days } },
            )
            .await
            .context("cannot mark the batch finished")?;
        Ok(())
    }

    /// Removes the marks of batches finished more than [`MARK_GRACE`] ago.
    pub async fn prune_marks(&self) -> anyhow::Result<usize> {
        let cutoff = bson::DateTime::from_millis(
            bson::DateTime::now().timestamp_millis()
                - i64::try_from(MARK_GRACE.as_millis()).unwrap_or(i64::MAX),
        );
        let mut cursor = self
            .batches()
            .find(doc! { "finished": { "$lt": cutoff } })
            .await?;
        let mut batch_ids = Vec::new();
        let mut days = BTreeSet::new();
        while let Some(batch) = cursor.try_next().await? {
            if let Ok(id) = batch.get_str("_id") {
                batch_ids.push(id.to_owned());
            }
            for day in batch.get_array("days").into_iter().flatten() {
                if let Bson::String(day) = day {
                    days.insert(day.clone());
                }
            }
        }
        if batch_ids.is_empty() {
            return Ok(0);
        }
        if !days.is_empty() {
            let _writer = self.writer.lock().await;
            self.days_collection()
                .update_many(
                    doc! { "_id": { "$in": days.into_iter().collect::<Vec<_>>() } },
                    doc! { "$pull": { "batches": { "$in": &batch_ids } } },
                )
                .await?;
        }
        self.batches()
            .delete_many(doc! { "_id": { "$in": &batch_ids } })
            .await?;
        Ok(batch_ids.len())
    }

    /// The days of `range` that have statistics, in order. With `doctor`, only that doctor's
    /// counters are read.
    pub async fn days(&self, range: DateRange, doctor: Option<&str>) -> anyhow::Result<Vec<Day>> {
        let projection = match doctor {
            Some(doctor) => doc! { format!("doctor.{doctor}"): 1 },
            None => doc! { "batches": 0 },
        };
        let days: Vec<Document> = self
            .days_collection()
            .find(doc! { "_id": {
                "$gte": range.from.to_string(),
                "$lte": range.to.to_string(),
            } })
            .projection(projection)
            .sort(doc! { "_id": 1 })
            .await?
            .try_collect()
            .await?;
        days.into_iter()
            .map(|day| bson::deserialize_from_document(day).context("a day document does not read"))
            .collect()
    }

    /// How many events are stored.
    pub async fn event_count(&self) -> anyhow::Result<u64> {
        Ok(self.events().count_documents(doc! {}).await?)
    }

    /// Recomputes every day from the event store (with the current settings), replacing
    /// the statistics. Run it while no consumer is applying events (the service stopped).
    pub async fn rebuild(&self) -> anyhow::Result<RebuildReport> {
        let mut total = Contribution::default();
        let (mut events, mut skipped) = (0, 0);
        let mut cursor = self.events().find(doc! {}).await?;
        while let Some(stored) = cursor.try_next().await? {
            events += 1;
            match self.stored_contribution(stored) {
                Some(contribution) => total.merge(&contribution),
                None => skipped += 1,
            }
        }
        let documents: Vec<Document> = total
            .days()
            .map(|(day, counters)| day_document(day, &counters))
            .collect();
        let days = documents.len() as u64;
        let _writer = self.writer.lock().await;
        self.days_collection().delete_many(doc! {}).await?;
        self.batches().delete_many(doc! {}).await?;
        if !documents.is_empty() {
            self.days_collection().insert_many(documents).await?;
        }
        Ok(RebuildReport {
            events,
            skipped,
            days,
        })
    }

    /// What a stored event contributes; `None` (logged) when it no longer reads.
    fn stored_contribution(&self, stored: Document) -> Option<Contribution> {
        let id = stored.get_str("_id").unwrap_or("?").to_owned();
        let read = stored
            .get_document("event")
            .map_err(anyhow::Error::new)
            .and_then(|event| {
                Ok(bson::deserialize_from_document::<serde_json::Value>(
                    event.clone(),
                )?)
            })
            .and_then(|json| Ok(serde_json::from_value::<CloudEvent>(json)?))
            .map_err(|error| error.to_string())
            .and_then(|event| contribution(&event, &self.reading));
        match read {
            Ok(contribution) => Some(contribution),
            Err(error) => {
                tracing::warn!(event_id = %id, %error, "stored event skipped");
                None
            }
        }
    }
}

fn event_document(item: &Prepared, batch_id: &str) -> anyhow::Result<Document> {
    let json = serde_json::to_value(&item.event)?;
    let event = bson::serialize_to_document(&json).context("event does not convert to BSON")?;
    Ok(doc! {
        "_id": item.event.id.to_string(),
        "topic": &item.topic,
        "type": &item.event.event_type,
        "batch": batch_id,
        "stored": bson::DateTime::from_millis(Utc::now().timestamp_millis()),
        "event": event,
    })
}

/// A day's document holding `counters` (dotted paths become nested documents).
fn day_document(day: NaiveDate, counters: &[(&str, i64)]) -> Document {
    let mut document = doc! { "_id": day.to_string() };
    for (path, amount) in counters {
        let mut segments: Vec<&str> = path.split('.').collect();
        let Some(last) = segments.pop() else { continue };
        let mut target = &mut document;
        for segment in segments {
            if !matches!(target.get(segment), Some(Bson::Document(_))) {
                target.insert(segment, Document::new());
            }
            let Some(Bson::Document(next)) = target.get_mut(segment) else {
                unreachable!("just inserted")
            };
            target = next;
        }
        target.insert(last, *amount);
    }
    document
}
