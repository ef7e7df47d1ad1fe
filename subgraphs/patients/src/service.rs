//! Patient use cases: each change and its event are committed in one transaction.

use chrono::{NaiveDate, Utc};
use kit::{context::RequestContext, events::CloudEvent, outbox::Outbox};
use sqlx::MySqlConnection;
use uuid::Uuid;

use crate::{
    domain::{NewPatient, Patient, PatientChanges},
    error::PatientError,
    events::{self, patient_event},
    store::PatientStore,
};

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
        self.record(
            &mut tx,
            &patient_event(events::CREATED, &patient, &[]),
            context,
        )
        .await?;
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
        let mut tx = self.store.pool().begin().await?;
        let mut patient = PatientStore::lock(&mut tx, id)
            .await?
            .ok_or(PatientError::NotFound(id))?;
        if patient.archived_at.is_some() {
            return Err(PatientError::Archived(id));
        }
        let changed = changes.apply(&mut patient);
        if changed.is_empty() {
            tx.commit().await?;
            return Ok(patient);
        }
        PatientStore::update(&mut tx, &patient).await?;
        self.record(
            &mut tx,
            &patient_event(events::UPDATED, &patient, &changed),
            context,
        )
        .await?;
        tx.commit().await?;
        self.outbox.wake();
        Ok(patient)
    }

    /// Archives the patient; archiving an archived patient changes nothing.
    #[tracing::instrument(skip_all, fields(patient_id = %id))]
    pub async fn archive(
        &self,
        id: Uuid,
        context: &RequestContext,
    ) -> Result<Patient, PatientError> {
        let mut tx = self.store.pool().begin().await?;
        let mut patient = PatientStore::lock(&mut tx, id)
            .await?
            .ok_or(PatientError::NotFound(id))?;
        if patient.archived_at.is_some() {
            tx.commit().await?;
            return Ok(patient);
        }
        patient.archived_at = Some(Utc::now());
        PatientStore::update(&mut tx, &patient).await?;
        self.record(
            &mut tx,
            &patient_event(events::ARCHIVED, &patient, &["archived"]),
            context,
        )
        .await?;
        tx.commit().await?;
        self.outbox.wake();
        Ok(patient)
    }

    async fn record(
        &self,
        tx: &mut MySqlConnection,
        event: &CloudEvent,
        context: &RequestContext,
    ) -> Result<(), PatientError> {
        self.outbox
            .record(tx, event, context)
            .await
            .map_err(PatientError::Unexpected)
    }
}
