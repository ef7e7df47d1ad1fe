//! Batches appointment lookups: every `_entities` or `appointment(id)` in one request tick costs one
//! SQL query.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use crate::{domain::Appointment, store::AppointmentStore};

pub struct AppointmentLoader {
    store: AppointmentStore,
}

impl AppointmentLoader {
    pub fn new(store: AppointmentStore) -> Self {
        Self { store }
    }
}

impl Loader<Uuid> for AppointmentLoader {
    type Value = Appointment;
    type Error = Arc<sqlx::Error>;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Appointment>, Self::Error> {
        let appointments = self.store.find_many(ids).await.map_err(Arc::new)?;
        Ok(appointments
            .into_iter()
            .map(|appointment| (appointment.id, appointment))
            .collect())
    }
}
