//! Patient use cases: each change and its event are committed in one transaction.

use chrono::{NaiveDate, Utc};
use kit::{
    audit::{AuditRecord, Entity},
    context::RequestContext,
    outbox::Outbox,
};
use uuid::Uuid;

use crate::{
    domain::{NewPatient, Patient, PatientChanges},
    error::PatientError,
    events::{self, patient_event},
    store::PatientStore,
};

/// Which event a change to a locked patient produces, with its audit action and the fields
/// it changed (`None`: nothing changed).
type Change = Option<(&'static str, &'static str, Vec<&'static str>)>;

/// The service's name in audit records.
pub const SERVICE: &str = "patients";

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
        let given = [
            Some("name"),
            Some("email"),
            Some("phone"),
            patient.date_of_birth.map(|_| "dateOfBirth"),
            patient.address.as_ref().map(|_| "address"),
        ];
        let fields: Vec<&str> = given.into_iter().flatten().collect();
        self.record_write(&mut tx, context, "create", patient.id, &fields)
            .await?;
        self.outbox.commit(tx).await?;
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
            (!changed.is_empty()).then_some((events::UPDATED, "update", changed))
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
                (events::ARCHIVED, "archive", vec!["archived"])
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
        if let Some((event_type, action, changed)) = edit(&mut patient) {
            PatientStore::update(&mut tx, &patient).await?;
            let event = patient_event(event_type, &patient, &changed);
            self.outbox.record(&mut *tx, &event, context).await?;
            self.record_write(&mut tx, context, action, id, &changed)
                .await?;
        }
        self.outbox.commit(tx).await?;
        Ok(patient)
    }

    /// The audit record of a change to patient `id`, in the change's transaction.
    async fn record_write(
        &self,
        tx: &mut sqlx::MySqlConnection,
        context: &RequestContext,
        action: &str,
        id: Uuid,
        fields: &[&str],
    ) -> anyhow::Result<()> {
        let record = AuditRecord::write(SERVICE, context, action, Entity::Patient, id, id, fields);
        self.outbox.record_access(tx, &record, context).await
    }
}
