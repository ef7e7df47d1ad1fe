//! Doctor use cases: each change and its event are committed in one transaction.

use chrono::Utc;
use kit::{context::RequestContext, outbox::Outbox};
use uuid::Uuid;

use crate::{
    domain::{Doctor, DoctorChanges, NewDoctor},
    error::DoctorError,
    events::{self, doctor_event},
    store::DoctorStore,
};

#[derive(Clone, Debug)]
pub struct DoctorService {
    store: DoctorStore,
    outbox: Outbox,
}

/// Which event a change to a locked doctor produces (`None`: nothing changed).
type Change = Option<(&'static str, Vec<&'static str>)>;

impl DoctorService {
    pub fn new(store: DoctorStore, outbox: Outbox) -> Self {
        Self { store, outbox }
    }

    pub fn store(&self) -> &DoctorStore {
        &self.store
    }

    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        registration: NewDoctor,
        context: &RequestContext,
    ) -> Result<Doctor, DoctorError> {
        let doctor = registration.into_doctor(Uuid::now_v7());
        let mut tx = self.store.pool().begin().await?;
        DoctorStore::insert(&mut tx, &doctor).await?;
        let event = doctor_event(events::CREATED, &doctor, &[]);
        self.outbox.record(&mut *tx, &event, context).await?;
        tx.commit().await?;
        self.outbox.wake();
        tracing::info!(doctor_id = %doctor.id, "doctor registered");
        Ok(doctor)
    }

    #[tracing::instrument(skip_all, fields(doctor_id = %id))]
    pub async fn update(
        &self,
        id: Uuid,
        changes: DoctorChanges,
        context: &RequestContext,
    ) -> Result<Doctor, DoctorError> {
        self.change(id, context, false, |doctor| {
            let changed = changes.apply(doctor);
            (!changed.is_empty()).then_some((events::UPDATED, changed))
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(doctor_id = %id, available))]
    pub async fn set_availability(
        &self,
        id: Uuid,
        available: bool,
        context: &RequestContext,
    ) -> Result<Doctor, DoctorError> {
        self.change(id, context, false, |doctor| {
            (doctor.available != available).then(|| {
                doctor.available = available;
                (events::AVAILABILITY_CHANGED, vec!["available"])
            })
        })
        .await
    }

    /// Archives the doctor; archiving an archived doctor changes nothing.
    #[tracing::instrument(skip_all, fields(doctor_id = %id))]
    pub async fn archive(&self, id: Uuid, context: &RequestContext) -> Result<Doctor, DoctorError> {
        self.change(id, context, true, |doctor| {
            doctor.archived_at.is_none().then(|| {
                doctor.archived_at = Some(Utc::now());
                (events::ARCHIVED, vec!["archived"])
            })
        })
        .await
    }

    /// Locks the doctor, applies `edit`, and stores the result with its event. Archived
    /// doctors can only be archived again (a no-op).
    async fn change(
        &self,
        id: Uuid,
        context: &RequestContext,
        allow_archived: bool,
        edit: impl FnOnce(&mut Doctor) -> Change,
    ) -> Result<Doctor, DoctorError> {
        let mut tx = self.store.pool().begin().await?;
        let mut doctor = DoctorStore::lock(&mut tx, id)
            .await?
            .ok_or(DoctorError::NotFound(id))?;
        if doctor.archived_at.is_some() && !allow_archived {
            return Err(DoctorError::Archived(id));
        }
        if let Some((event_type, changed)) = edit(&mut doctor) {
            DoctorStore::update(&mut tx, &doctor).await?;
            self.outbox
                .record(
                    &mut *tx,
                    &doctor_event(event_type, &doctor, &changed),
                    context,
                )
                .await?;
        }
        tx.commit().await?;
        self.outbox.wake();
        Ok(doctor)
    }
}
