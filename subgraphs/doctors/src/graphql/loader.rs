//! Batches doctor lookups: every `_entities` or `doctor(id)` in one request tick costs one
//! SQL query.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use crate::{domain::Doctor, store::DoctorStore};

pub struct DoctorLoader {
    store: DoctorStore,
}

impl DoctorLoader {
    pub fn new(store: DoctorStore) -> Self {
        Self { store }
    }
}

impl Loader<Uuid> for DoctorLoader {
    type Value = Doctor;
    type Error = Arc<sqlx::Error>;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Doctor>, Self::Error> {
        let doctors = self.store.find_many(ids).await.map_err(Arc::new)?;
        Ok(doctors
            .into_iter()
            .map(|doctor| (doctor.id, doctor))
            .collect())
    }
}
