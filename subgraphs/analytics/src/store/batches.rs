//! Applying a batch of events in its idempotent steps (see the module above), and
//! finishing one a crash interrupted.

use std::collections::{BTreeSet, HashMap};

use anyhow::Context as _;
use chrono::NaiveDate;
use futures::TryStreamExt as _;
use mongodb::{
    bson::{Document, RawDocumentBuf, doc},
    error::{ErrorKind, InsertManyError},
};
use uuid::Uuid;

use super::{
    DAYS, EVENTS, INSERTS_PER_COMMAND, Noted, Prepared, StatsStore,
    documents::{day_document, only_duplicates, stored_event},
};
use crate::domain::{Contribution, Counter, Day};

impl StatsStore {
    /// Stores `batch`'s new events and adds what they contribute; events stored before are
    /// skipped (after finishing the batch that stored them, if it was interrupted).
    #[tracing::instrument(skip_all)]
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
    #[tracing::instrument(skip_all)]
    pub async fn note(&self, batch: &[Prepared]) -> anyhow::Result<Noted> {
        let batch_id = Uuid::now_v7().to_string();
        let ids: Vec<String> = batch.iter().map(|item| item.id.to_string()).collect();
        self.in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(batch_id.clone());
        self.batches()
            .insert_one(doc! { "_id": &batch_id, "events": &ids })
            .await
            .context("cannot note the batch")?;
        let events = self.db.collection::<RawDocumentBuf>(EVENTS);
        let mut fresh = vec![true; batch.len()];
        // A part at a time: the driver holds a copy of every document it sends.
        for (part, items) in batch.chunks(INSERTS_PER_COMMAND).enumerate() {
            let documents = items
                .iter()
                .map(|item| stored_event(&item.event, &batch_id));
            let Err(error) = events.insert_many(documents).ordered(false).await else {
                continue;
            };
            if !only_duplicates(&error) {
                return Err(anyhow::Error::new(error).context("cannot store the events"));
            }
            if let ErrorKind::InsertMany(InsertManyError {
                write_errors: Some(errors),
                ..
            }) = &*error.kind
            {
                for error in errors {
                    if let Some(flag) = fresh.get_mut(part * INSERTS_PER_COMMAND + error.index) {
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
    #[tracing::instrument(skip_all)]
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
    #[tracing::instrument(skip_all)]
    pub async fn apply(&self, batch_id: &str, total: &Contribution) -> anyhow::Result<()> {
        let days: Vec<(NaiveDate, Vec<(&Counter, i64)>)> = total.days().collect();
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
                    for (counter, amount) in counters {
                        next.add(counter, *amount);
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
}
