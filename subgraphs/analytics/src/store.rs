//! MongoDB: the event store and the per-day statistics, kept exact without transactions.
//!
//! Collections, each with only its `_id` index (every read and write goes by `_id`):
//! - `events`: every event once, `_id` = its CloudEvents id, with its topic and the batch
//!   that stored it. The unique `_id` is the deduplication: inserting an event again fails,
//!   and an event that fails to insert is not counted again.
//! - `days`: one document per clinic date, `_id` = `YYYY-MM-DD`, holding the counters of
//!   [`crate::domain::contribution`] and the marks of the unfinished batches counted in it.
//! - `batches`: the batches noted and not finished, with their events' ids.
//! - `hours`: one document per doctor, `_id` = the doctor's id, holding the working hours
//!   of [`crate::domain::hours`] (from the doctors' schedule events).
//!
//! A batch is applied in steps, each idempotent: (1) note the batch, (2) insert its events
//!   (duplicates drop out), (3) write each day it touches with the new counts and the
//!   batch's mark, skipping days that carry the mark already, and each doctor whose hours
//!   its new events change (a change sets a state, so applying it again is harmless),
//!   (4) delete the note. A crash
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
    collections::{BTreeMap, BTreeSet, HashMap},
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

use crate::domain::{
    Contribution, DateRange, Day, DoctorHours, HoursChange, Reading, contribution, hours_change,
};

const EVENTS: &str = "events";
const DAYS: &str = "days";
const BATCHES: &str = "batches";
const HOURS: &str = "hours";
const DUPLICATE_KEY: i32 = 11000;
/// Statements per `update` command (see [`StatsStore::apply`]).
const UPDATES_PER_COMMAND: usize = 50;

/// An event checked and translated, ready to be stored.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub topic: String,
    pub event: CloudEvent,
    pub contribution: Contribution,
    pub hours: Option<HoursChange>,
}

impl Prepared {
    pub fn new(topic: &str, event: CloudEvent, reading: &Reading) -> Result<Self, String> {
        let (contribution, hours) = read_event(&event, reading)?;
        Ok(Self {
            topic: topic.to_owned(),
            event,
            contribution,
            hours,
        })
    }
}

/// What an event adds to the days, and how it changes a doctor's hours.
fn read_event(
    event: &CloudEvent,
    reading: &Reading,
) -> Result<(Contribution, Option<HoursChange>), String> {
    Ok((contribution(event, reading)?, hours_change(event)?))
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
    /// Every doctor's hours, as stored.
    hours: Arc<RwLock<HashMap<Uuid, DoctorHours>>>,
    /// Batches noted and not finished: their marks stay on the days.
    in_flight: Arc<std::sync::Mutex<BTreeSet<String>>>,
}

/// A batch whose events are stored, and what its new events contribute.
#[derive(Debug, Clone)]
pub struct Noted {
    pub id: String,
    pub total: Contribution,
    /// The new events' changes of hours, in order.
    pub hours: Vec<HoursChange>,
}

/// What a rebuild read and wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildReport {
    pub events: u64,
    /// Events whose data no longer reads (with the current settings); left out.
    pub skipped: u64,
    pub days: u64,
    /// Doctors with working hours.
    pub doctors: u64,
}

impl StatsStore {
    pub fn new(db: Database, reading: Reading) -> Self {
        Self {
            db,
            reading,
            writer: Arc::default(),
            cache: Arc::default(),
            hours: Arc::default(),
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

    fn hours_collection(&self) -> Collection<Document> {
        self.db.collection(HOURS)
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
        self.apply_hours(&noted.hours).await?;
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
        let mut hours = Vec::new();
        for (item, _) in batch.iter().zip(&fresh).filter(|(_, fresh)| **fresh) {
            total.merge(&item.contribution);
            hours.extend(item.hours.clone());
        }
        Ok(Noted {
            id: batch_id,
            total,
            hours,
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
            .find(doc! { "_id": { "$in": ids.clone() }, "batch": batch_id })
            .await?;
        let mut stored = HashMap::new();
        while let Some(event) = cursor.try_next().await? {
            stored.insert(event.get_str("_id").unwrap_or("?").to_owned(), event);
        }
        // In the batch's order: changes of hours depend on it.
        let mut total = Contribution::default();
        let mut hours = Vec::new();
        for id in ids.iter().filter_map(|id| id.as_str()) {
            if let Some((contribution, change)) =
                stored.remove(id).and_then(|e| self.read_stored(e))
            {
                total.merge(&contribution);
                hours.extend(change);
            }
        }
        self.apply(batch_id, &total).await?;
        self.apply_hours(&hours).await?;
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
        let documents = updated
            .iter()
            .map(day_document)
            .collect::<anyhow::Result<Vec<Document>>>()?;
        self.write_whole(DAYS, documents, "the day statistics")
            .await?;
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

    /// Step 3, for hours: writes each doctor whose hours `changes` change, whole.
    pub async fn apply_hours(&self, changes: &[HoursChange]) -> anyhow::Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let _writer = self.writer.lock().await;
        let mut updated: BTreeMap<Uuid, DoctorHours> = BTreeMap::new();
        {
            let cache = self
                .hours
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            for HoursChange { doctor, change } in changes {
                updated
                    .entry(*doctor)
                    .or_insert_with(|| cache.get(doctor).cloned().unwrap_or_default())
                    .apply(change);
            }
        }
        let documents = updated
            .iter()
            .map(|(doctor, hours)| hours_document(*doctor, hours))
            .collect::<anyhow::Result<Vec<Document>>>()?;
        self.write_whole(HOURS, documents, "the doctors' hours")
            .await?;
        self.hours
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend(updated);
        Ok(())
    }

    /// Writes `documents` into `collection`, each whole by its `_id` (inserted or replaced).
    async fn write_whole(
        &self,
        collection: &str,
        documents: Vec<Document>,
        what: &str,
    ) -> anyhow::Result<()> {
        let updates: Vec<Document> = documents
            .into_iter()
            .map(|document| {
                let id = document.get("_id").cloned().unwrap_or(bson::Bson::Null);
                doc! { "q": { "_id": id }, "u": document, "upsert": true }
            })
            .collect();
        // FerretDB 1.x keeps a connection per statement of an `update` command until the
        // command ends, from a pool of 100: a longer command waits on itself forever.
        for chunk in updates.chunks(UPDATES_PER_COMMAND) {
            let reply = self
                .db
                .run_command(doc! { "update": collection, "updates": chunk, "ordered": true })
                .await
                .with_context(|| format!("cannot update {what}"))?;
            if let Ok(errors) = reply.get_array("writeErrors")
                && !errors.is_empty()
            {
                anyhow::bail!("{what} refused an update: {errors:?}");
            }
        }
        Ok(())
    }

    /// Minutes `doctor` works over `range`, or `None` when no schedule event of theirs was
    /// seen (doctors registered before working hours existed).
    pub fn working_minutes(&self, doctor: Uuid, range: DateRange) -> Option<i64> {
        self.hours
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&doctor)
            .map(|hours| hours.working_minutes(range, self.reading.zone))
    }

    /// Loads every day and every doctor's hours into the read model, replacing it.
    pub async fn reload(&self) -> anyhow::Result<usize> {
        let _writer = self.writer.lock().await;
        let mut hours = HashMap::new();
        let mut cursor = self.hours_collection().find(doc! {}).await?;
        while let Some(document) = cursor.try_next().await? {
            let doctor = document
                .get_str("_id")
                .ok()
                .and_then(|id| id.parse::<Uuid>().ok())
                .context("an hours document's id is not a doctor id")?;
            let state = document
                .get_str("state")
                .context("an hours document has no `state`")?;
            let read: DoctorHours =
                serde_json::from_str(state).context("an hours document does not read")?;
            hours.insert(doctor, read);
        }
        *self
            .hours
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = hours;
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
        let mut changes = Vec::new();
        let (mut events, mut skipped) = (0, 0);
        let mut cursor = self.events().find(doc! {}).await?;
        while let Some(stored) = cursor.try_next().await? {
            events += 1;
            let position = (
                stored.get_datetime("stored").ok().copied(),
                stored.get_str("_id").unwrap_or_default().to_owned(),
            );
            match self.read_stored(stored) {
                Some((contribution, change)) => {
                    total.merge(&contribution);
                    changes.extend(change.map(|change| (position, change)));
                }
                None => skipped += 1,
            }
        }
        // Changes of hours in the order they were stored (ids are time-ordered UUIDv7s).
        changes.sort_by(|(a, _), (b, _)| a.cmp(b));
        let mut hours: BTreeMap<Uuid, DoctorHours> = BTreeMap::new();
        for (_, HoursChange { doctor, change }) in &changes {
            hours.entry(*doctor).or_default().apply(change);
        }
        let hours_documents = hours
            .iter()
            .map(|(doctor, hours)| hours_document(*doctor, hours))
            .collect::<anyhow::Result<Vec<Document>>>()?;
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
        let doctors = hours_documents.len() as u64;
        let writer = self.writer.lock().await;
        self.days_collection().delete_many(doc! {}).await?;
        self.batches().delete_many(doc! {}).await?;
        self.hours_collection().delete_many(doc! {}).await?;
        if !documents.is_empty() {
            self.days_collection().insert_many(documents).await?;
        }
        if !hours_documents.is_empty() {
            self.hours_collection().insert_many(hours_documents).await?;
        }
        drop(writer);
        self.reload().await?;
        Ok(RebuildReport {
            events,
            skipped,
            days,
            doctors,
        })
    }

    /// What a stored event contributes and how it changes hours; `None` (logged) when it no
    /// longer reads.
    fn read_stored(&self, stored: Document) -> Option<(Contribution, Option<HoursChange>)> {
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
            .and_then(|event| read_event(&event, &self.reading));
        match read {
            Ok(read) => Some(read),
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

/// A doctor's hours as stored: the doctor's id and the hours as one JSON string (as a day).
fn hours_document(doctor: Uuid, hours: &DoctorHours) -> anyhow::Result<Document> {
    Ok(doc! { "_id": doctor.to_string(), "state": serde_json::to_string(hours)? })
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
