//! Batches bill lookups by bill id and by appointment id: one SQL query per batch.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use crate::{domain::Bill, store::BillStore};

pub struct BillLoader {
    store: BillStore,
}

impl BillLoader {
    pub fn new(store: BillStore) -> Self {
        Self { store }
    }
}

/// A bill looked up by its appointment.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ByAppointment(pub Uuid);

impl Loader<Uuid> for BillLoader {
    type Value = Bill;
    type Error = Arc<sqlx::Error>;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Bill>, Self::Error> {
        let bills = self.store.find_many(ids).await.map_err(Arc::new)?;
        Ok(bills.into_iter().map(|bill| (bill.id, bill)).collect())
    }
}

impl Loader<ByAppointment> for BillLoader {
    type Value = Bill;
    type Error = Arc<sqlx::Error>;

    async fn load(
        &self,
        keys: &[ByAppointment],
    ) -> Result<HashMap<ByAppointment, Bill>, Self::Error> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let bills = self
            .store
            .find_by_appointments(&ids)
            .await
            .map_err(Arc::new)?;
        Ok(bills
            .into_iter()
            .map(|bill| (ByAppointment(bill.appointment_id), bill))
            .collect())
    }
}
