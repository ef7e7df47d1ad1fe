//! Patient use cases: each change and its event are committed in one transaction.

use chrono::{NaiveDate, Utc};
use kit::{context::RequestContext, outbox::Outbox};
use uuid::Uuid;

use crate::{
    domain::{NewPatient, Patient, PatientChanges},
    error::PatientError,
    events::{self, patient_event},
    store::PatientStore,
};

/// Which event a change to a locked patient produces (`None`: nothing changed).
type Change = Option<(&'static str, Vec<&'static str>)>;

#[derive(Clone, Debug)]
pub struct PatientService {
    store: PatientStore,
    outbox: Outbox,
}

/// Today's date for registrations and birth-date checks.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

impl PatientService {
    pub fn new(store: PatientStore, outbox: Outbox) -> Self {
        Self { store, outbox }
    }

    pub fn store(&self) -> &PatientStore {
        &self.store
    }

    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        registration: NewPatient,
        context: &RequestContext,
    ) -> Result<Patient, PatientError> {
        let patient = registration.into_patient(Uuid::now_v7(), today());
        let mut tx = self.store.pool().begin().await?;
        PatientStore::insert(&mut tx, &patient).await?;
        let event = patient_event(events::CREATED, &patient, &[]);
        self.outbox.record(&mut *tx, &event, context).await?;
        tx.commit().await?;
        self.outbox.wake();
        tracing::info!(patient_id = %patient.id, "patient registered");
        Ok(patient)
    }

    #[tracing::instrument(skip_all, fields(patient_id = %id))]
    pub async fn update(
        &self,
        id: Uuid,
        changes: PatientChanges,
        context: &RequestContext,
    ) -> Result<Patient, PatientError> {
        self.change(id, context, false, |patient| {
            let changed = changes.apply(patient);
            (!changed.is_empty()).then_some((events::UPDATED, changed))
        })
        .await
    }

    /// Archives the patient; archiving an archived patient changes nothing.
    #[tracing::instrument(skip_all, fields(patient_id = %id))]
    pub async fn archive(
        &self,
        id: Uuid,
        context: &RequestContext,
    ) -> Result<Patient, PatientError> {
        self.change(id, context, true, |patient| {
            patient.archived_at.is_none().then(|| {
                patient.archived_at = Some(Utc::now());
                (events::ARCHIVED, vec!["archived"])
            })
        })
        .await
    }

    /// Locks the patient, applies `edit`, and stores the result with its event. Archived
    /// patients can only be archived again (a no-op).
    async fn change(
        &self,
        id: Uuid,
        context: &RequestContext,
        allow_archived: bool,
        edit: impl FnOnce(&mut Patient) -> Change,
    ) -> Result<Patient, PatientError> {
        let mut tx = self.store.pool().begin().await?;
        let mut patient = PatientStore::lock(&mut tx, id)
            .await?
            .ok_or(PatientError::NotFound(id))?;
        if patient.archived_at.is_some() && !allow_archived {
            return Err(PatientError::Archived(id));
        }
        if let Some((event_type, changed)) = edit(&mut patient) {
            PatientStore::update(&mut tx, &patient).await?;
            let event = patient_event(event_type, &patient, &changed);
            self.outbox.record(&mut *tx, &event, context).await?;
        }
        tx.commit().await?;
        self.outbox.wake();
        Ok(patient)
    }
}
