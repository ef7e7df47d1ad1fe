//! Batches patient lookups: every `_entities` or `patient(id)` in one request tick costs one
//! SQL query.

use kit::loader::{EntityLoader, FindMany};
use uuid::Uuid;

use crate::{domain::Patient, store::PatientStore};

pub type PatientLoader = EntityLoader<PatientStore>;

impl FindMany for PatientStore {
    type Id = Uuid;
    type Entity = Patient;

    fn id(patient: &Patient) -> Uuid {
        patient.id
    }

    async fn find_many(&self, ids: &[Uuid]) -> sqlx::Result<Vec<Patient>> {
        PatientStore::find_many(self, ids).await
    }
}
