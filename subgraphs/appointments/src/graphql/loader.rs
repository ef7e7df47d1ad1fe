//! Batches appointment lookups: every `_entities` or `appointment(id)` in one request tick
//! costs one SQL query.

use kit::loader::{EntityLoader, FindMany};

use crate::{
    domain::{Appointment, AppointmentId},
    store::AppointmentStore,
};

pub type AppointmentLoader = EntityLoader<AppointmentStore>;

impl FindMany for AppointmentStore {
    type Id = AppointmentId;
    type Entity = Appointment;

    fn id(appointment: &Appointment) -> AppointmentId {
        appointment.id()
    }

    async fn find_many(&self, ids: &[AppointmentId]) -> sqlx::Result<Vec<Appointment>> {
        AppointmentStore::find_many(self, ids).await
    }
}
