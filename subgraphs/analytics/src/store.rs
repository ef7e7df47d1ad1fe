//! MongoDB: the event store and the per-day statistics, kept exact without transactions.
//!
//! Collections, each with only its `_id` index (every read and write goes by `_id`):
//! - `events`: every event once, `_id` = its CloudEvents id, with its topic and the batch
//!   that stored it. The unique `_id` is the deduplication: inserting an event again fails,
//!   and an event that fails to insert is not counted again.
//! - `days`: one document per clinic date, `_id` = `YYYY-MM-DD`, holding the counters of
//!   [`crate::domain::contribution`] and the marks of the unfinished batches counted in it.
//! - `batches`: the batches noted and not finished, with their events' ids.
//!
//! A batch is applied in steps, each idempotent: (1) note the batch, (2) insert its events
//!   (duplicates drop out), (3) write each day it touches with the new counts and the
//!   batch's mark, skipping days that carry the mark already, (4) delete the note. A crash
//!   between steps leaves the note; when one of its events comes again (Kafka redelivers
//!   what was not committed), or at start-up, the batch is applied again from the event
//!   store, and the days already marked skip it.
//!
//! One writer, and reads from memory: the process keeps every day in a read model, loaded
//! at start and updated by its own writes; queries read it (a year is 365 documents, so a
//! query costs microseconds). This needs the process to be the only writer: run one
//! analytics instance, with as many consumers inside it as wanted (`ANALYTICS_CONSUMERS`).
//! With FerretDB 1.x (the server provisioned here) there is no other choice: it applies an
//! update as read, modify, write without isolation, so concurrent updates of one document
//! lose some (50 tasks each doing 20 `$inc` of one counter left 93, not 1,000).

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, RwLock},
    time::Duration,
};

use anyhow::Context as _;
use chrono::{NaiveDate, Utc};
use futures::TryStreamExt as _;
use kit::{events::CloudEvent, server::Probe, settings::Secret};
use mongodb::{
    Client, Collection, Database,
    bson::{self, Document, doc},
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
/// Statements per `update` command (see [`StatsStore::apply`]).
const UPDATES_PER_COMMAND: usize = 50;

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
    /// Every day, as stored (see the module documentation).
    cache: Arc<RwLock<BTreeMap<NaiveDate, Day>>>,
    /// Batches noted and not finished: their marks stay on the days.
    in_flight: Arc<std::sync::Mutex<BTreeSet<String>>>,
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
            cache: Arc::default(),
            in_flight: Arc::default(),
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
        let started = std::time::Instant::now();
        let noted = self.note(batch).await?;
        let stored = started.elapsed();
        self.apply(&noted.id, &noted.total).await?;
        let applied = started.elapsed();
        self.finish(&noted.id).await?;
        tracing::debug!(
            events = batch.len(),
            days = noted.total.days().count(),
            stored_ms = stored.as_millis(),
            applied_ms = applied.as_millis(),
            finished_ms = started.elapsed().as_millis(),
            "batch recorded"
        );
        Ok(())
    }

    /// Steps 1 and 2 of [`StatsStore::record`]: notes the batch and stores its events,
    /// returning what the new ones contribute. Public so that tests can stop between steps.
    pub async fn note(&self, batch: &[Prepared]) -> anyhow::Result<Noted> {
        let batch_id = Uuid::now_v7().to_string();
        let ids: Vec<String> = batch.iter().map(|item| item.event.id.to_string()).collect();
        self.in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(batch_id.clone());
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
            if !only_duplicates(&error) {
                return Err(anyhow::Error::new(error).context("cannot store the events"));
            }
            if let ErrorKind::InsertMany(InsertManyError {
                write_errors: Some(errors),
                ..
            }) = &*error.kind
            {
                for error in errors {
                    if let Some(flag) = fresh.get_mut(error.index) {
                        *flag = false;
                    }
                }
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
        self.in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(batch_id.to_owned());
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
        self.finish(batch_id).await
    }

    /// Finishes every batch left unfinished (by a crash); run at start-up.
    pub async fn resume_unfinished(&self) -> anyhow::Result<usize> {
        let mut cursor = self
            .batches()
            .find(doc! {})
            .projection(doc! { "_id": 1 })
            .await?;
        let mut unfinished = Vec::new();
        while let Some(batch) = cursor.try_next().await? {
            if let Ok(id) = batch.get_str("_id") {
                unfinished.push(id.to_owned());
            }
        }
        // All of them are in flight until resumed: applying one must keep the others' marks.
        self.in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend(unfinished.iter().cloned());
        for batch in &unfinished {
            self.resume(batch).await?;
        }
        Ok(unfinished.len())
    }

    /// Step 3 of [`StatsStore::record`]: adds `total` to each of its days, unless the day
    /// already carries the batch's mark. Public so that tests can stop between steps.
    ///
    /// Each day is written whole, by `_id` alone: its new state computed from the read
    /// model, with the batch's mark and the marks of batches still in flight. FerretDB
    /// looks a document up by `_id` quickly but scans the whole collection for any other
    /// filter, and applies `$inc` of many paths slowly; a whole-document write avoids both.
    /// The read model is exact because this process is the only writer.
    pub async fn apply(&self, batch_id: &str, total: &Contribution) -> anyhow::Result<()> {
        let days: Vec<(NaiveDate, Vec<(&str, i64)>)> = total.days().collect();
        if days.is_empty() {
            return Ok(());
        }
        let _writer = self.writer.lock().await;
        let in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let updated: Vec<Day> = {
            let cache = self
                .cache
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            days.iter()
                .filter_map(|(day, counters)| {
                    let mut next = cache.get(day).cloned().unwrap_or_else(|| Day::new(*day));
                    if next.batches.iter().any(|mark| mark == batch_id) {
                        return None;
                    }
                    for (path, amount) in counters {
                        next.add(path, *amount);
                    }
                    next.batches.retain(|mark| in_flight.contains(mark));
                    next.batches.push(batch_id.to_owned());
                    Some(next)
                })
                .collect()
        };
        let updates = updated
            .iter()
            .map(|next| {
                Ok(doc! {
                    "q": { "_id": &next.date },
                    "u": day_document(next)?,
                    "upsert": true,
                })
            })
            .collect::<anyhow::Result<Vec<Document>>>()?;
        // FerretDB 1.x keeps a connection per statement of an `update` command until the
        // command ends, from a pool of 100: a longer command waits on itself forever.
        for chunk in updates.chunks(UPDATES_PER_COMMAND) {
            let reply = self
                .db
                .run_command(doc! { "update": DAYS, "updates": chunk, "ordered": true })
                .await
                .context("cannot update the day statistics")?;
            if let Ok(errors) = reply.get_array("writeErrors")
                && !errors.is_empty()
            {
                anyhow::bail!("the day statistics refused an update: {errors:?}");
            }
        }
        let mut cache = self
            .cache
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for next in updated {
            if let Ok(date) = next.date.parse::<NaiveDate>() {
                cache.insert(date, next);
            }
        }
        Ok(())
    }

    /// Loads every day into the read model, replacing it.
    pub async fn reload(&self) -> anyhow::Result<usize> {
        let _writer = self.writer.lock().await;
        let stored: Vec<Document> = self
            .days_collection()
            .find(doc! {})
            .await?
            .try_collect()
            .await?;
        let mut days = BTreeMap::new();
        for document in stored {
            let day = read_day(document)?;
            let date = day
                .date
                .parse::<NaiveDate>()
                .with_context(|| format!("a day document has the id {:?}", day.date))?;
            days.insert(date, day);
        }
        let count = days.len();
        *self
            .cache
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = days;
        Ok(count)
    }

    /// Step 4 of [`StatsStore::record`]: the batch is done; its marks on the days are no
    /// longer needed and go with the days' next writes.
    async fn finish(&self, batch_id: &str) -> anyhow::Result<()> {
        self.batches()
            .delete_one(doc! { "_id": batch_id })
            .await
            .context("cannot mark the batch finished")?;
        self.in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(batch_id);
        Ok(())
    }

    /// Runs `read` over the days of `range` that have statistics, in order, from the read
    /// model.
    pub fn with_days<T>(&self, range: DateRange, read: impl FnOnce(&[&Day]) -> T) -> T {
        let cache = self
            .cache
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let days: Vec<&Day> = cache
            .range(range.from..=range.to)
            .map(|(_, day)| day)
            .collect();
        read(&days)
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
        let documents = total
            .days()
            .map(|(day, counters)| {
                let mut rebuilt = Day::new(day);
                for (path, amount) in counters {
                    rebuilt.add(path, amount);
                }
                day_document(&rebuilt)
            })
            .collect::<anyhow::Result<Vec<Document>>>()?;
        let days = documents.len() as u64;
        let writer = self.writer.lock().await;
        self.days_collection().delete_many(doc! {}).await?;
        self.batches().delete_many(doc! {}).await?;
        if !documents.is_empty() {
            self.days_collection().insert_many(documents).await?;
        }
        drop(writer);
        self.reload().await?;
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

/// True when an insert failed only because some documents exist already.
pub(crate) fn only_duplicates(error: &mongodb::error::Error) -> bool {
    matches!(
        &*error.kind,
        ErrorKind::InsertMany(InsertManyError {
            write_errors: Some(errors),
            write_concern_error: None,
            ..
        }) if errors.iter().all(|error| error.code == DUPLICATE_KEY)
    )
}

fn read_day(document: Document) -> anyhow::Result<Day> {
    let state = document
        .get_str("state")
        .context("a day document has no `state`")?;
    serde_json::from_str(state).context("a day document does not read")
}

/// A day as stored: its `_id` and its whole state as one JSON string. FerretDB 1.x reads
/// every document of a collection to find one by `_id`, decoding each field; one string
/// field per day keeps that cheap (a year of days as nested documents made each write of a
/// day cost about 45 ms, as one string about 1 ms).
fn day_document(day: &Day) -> anyhow::Result<Document> {
    Ok(doc! { "_id": &day.date, "state": serde_json::to_string(day)? })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_reads_back_as_it_was_written() {
        let date: NaiveDate = "2026-03-10".parse().expect("date");
        let mut day = Day::new(date);
        for (path, amount) in [
            ("all.booked", 3),
            ("all.minutes", 90),
            ("active.t09:30", 2),
            ("doctor.0197a1b2-0000-7000-8000-000000000001.noShows", 1),
            ("hour.h09.booked", 3),
            ("patients.registered", 4),
            ("revenue.billed", 16_050),
            ("revenueByPaymentType.CASH.paid", 8_000),
            ("revenueByServiceType.CONSULTATION.billed", 16_050),
            ("serviceType.CONSULTATION.cancelled", 1),
            ("specialization.CARDIOLOGY.completed", 2),
        ] {
            day.add(path, amount);
        }
        day.batches
            .push("0197a1b2-0000-7000-8000-0000000000ff".to_owned());
        let stored = day_document(&day).expect("writes");
        assert_eq!(stored.get_str("_id").ok(), Some("2026-03-10"));
        assert_eq!(read_day(stored).expect("reads"), day);
        assert_eq!(day.all.booked, 3);
        assert_eq!(day.revenue_by_payment_type["CASH"].paid, 8_000);
    }
}
