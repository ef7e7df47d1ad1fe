//! Batches patient lookups: every `_entities` or `patient(id)` in one request tick costs one
//! SQL query.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use crate::{domain::Patient, store::PatientStore};

pub struct PatientLoader {
    store: PatientStore,
}

impl PatientLoader {
    pub fn new(store: PatientStore) -> Self {
        Self { store }
    }
}

impl Loader<Uuid> for PatientLoader {
    type Value = Patient;
    type Error = Arc<sqlx::Error>;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Patient>, Self::Error> {
        let patients = self.store.find_many(ids).await.map_err(Arc::new)?;
        Ok(patients
            .into_iter()
            .map(|patient| (patient.id, patient))
            .collect())
    }
}
