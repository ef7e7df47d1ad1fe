//! Recomputing every day and every doctor's hours from the event store.

use std::collections::BTreeMap;

use futures::TryStreamExt as _;
use mongodb::bson::{Document, doc};
use uuid::Uuid;

use super::{
    StatsStore,
    documents::{day_document, hours_document},
};
use crate::domain::{Contribution, Day, DoctorHours, HoursChange};

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
    /// Recomputes every day and every doctor's hours from the event store (with the current
    /// settings), replacing them. Run it while no consumer is applying events (the service stopped).
    #[tracing::instrument(skip_all)]
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
                for (counter, amount) in counters {
                    rebuilt.add(counter, amount);
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
}
