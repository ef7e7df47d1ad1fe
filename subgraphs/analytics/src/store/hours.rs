//! Doctors' working hours in the store: step 3 for the changes of hours, and what they
//! give over a range.

use std::collections::BTreeMap;

use mongodb::bson::Document;
use uuid::Uuid;

use super::{HOURS, StatsStore, documents::hours_document};
use crate::domain::{DateRange, DoctorHours, HoursChange};

impl StatsStore {
    /// Step 3, for hours: writes each doctor whose hours `changes` change, whole.
    #[tracing::instrument(skip_all)]
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

    /// Minutes `doctor` works over `range`, or `None` when no schedule event of theirs was
    /// seen (doctors registered before working hours existed).
    pub fn working_minutes(&self, doctor: Uuid, range: DateRange) -> Option<i64> {
        self.hours
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&doctor)
            .map(|hours| hours.working_minutes(range, self.reading.zone))
    }
}
