//! Batches doctor lookups: every `_entities` or `doctor(id)` in one request tick costs one
//! SQL query; and schedules likewise.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;
use chrono_tz::Tz;
use kit::loader::{EntityLoader, FindMany};
use schedule::Schedule;
use uuid::Uuid;

use crate::{domain::Doctor, store::DoctorStore};

pub type DoctorLoader = EntityLoader<DoctorStore>;

impl FindMany for DoctorStore {
    type Id = Uuid;
    type Entity = Doctor;

    fn id(doctor: &Doctor) -> Uuid {
        doctor.id
    }

    async fn find_many(&self, ids: &[Uuid]) -> sqlx::Result<Vec<Doctor>> {
        DoctorStore::find_many(self, ids).await
    }
}

/// A doctor's schedule over a date range, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ScheduleKey {
    pub doctor_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Batches schedule lookups: a page of doctors asking for the same dates costs two queries.
pub struct ScheduleLoader {
    store: DoctorStore,
    zone: Tz,
}

impl ScheduleLoader {
    pub fn new(store: DoctorStore, zone: Tz) -> Self {
        Self { store, zone }
    }
}

impl Loader<ScheduleKey> for ScheduleLoader {
    type Value = Arc<Schedule>;
    type Error = Arc<sqlx::Error>;

    async fn load(
        &self,
        keys: &[ScheduleKey],
    ) -> Result<HashMap<ScheduleKey, Arc<Schedule>>, Self::Error> {
        let mut ranges: HashMap<(NaiveDate, NaiveDate), Vec<Uuid>> = HashMap::new();
        for key in keys {
            ranges
                .entry((key.from, key.to))
                .or_default()
                .push(key.doctor_id);
        }
        let mut loaded = HashMap::with_capacity(keys.len());
        for ((from, to), ids) in ranges {
            let schedules = self
                .store
                .schedules(&ids, from, to, self.zone)
                .await
                .map_err(Arc::new)?;
            loaded.extend(schedules.into_iter().map(|(doctor_id, schedule)| {
                (
                    ScheduleKey {
                        doctor_id,
                        from,
                        to,
                    },
                    Arc::new(schedule),
                )
            }));
        }
        Ok(loaded)
    }
}
