//! Doctor use cases: each change and its event are committed in one transaction. Working
//! hours are in [`schedule`].

mod schedule;

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use kit::{context::RequestContext, outbox::Outbox};
use uuid::Uuid;

pub use self::schedule::default_week;

use ::schedule::WeeklyHours;

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
    /// The clinic's time zone: of working hours, and of "today".
    zone: Tz,
}

/// Which event a change to a locked doctor produces (`None`: nothing changed).
type Change = Option<(&'static str, Vec<&'static str>)>;

impl DoctorService {
    pub fn new(store: DoctorStore, outbox: Outbox, zone: Tz) -> Self {
        Self {
            store,
            outbox,
            zone,
        }
    }

    pub fn store(&self) -> &DoctorStore {
        &self.store
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// Today's date in the clinic.
    pub fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.zone).date_naive()
    }

    /// Registers the doctor with `week` as their hours from today on.
    #[tracing::instrument(skip_all)]
    pub async fn create(
        &self,
        registration: NewDoctor,
        week: WeeklyHours,
        context: &RequestContext,
    ) -> Result<Doctor, DoctorError> {
        let doctor = registration.into_doctor(Uuid::now_v7());
        let mut tx = self.store.pool().begin().await?;
        DoctorStore::insert(&mut tx, &doctor).await?;
        let event = doctor_event(events::CREATED, &doctor, &[]);
        self.outbox.record(&mut *tx, &event, context).await?;
        DoctorStore::put_weekly_hours(&mut tx, doctor.id, &week).await?;
        let event = events::weekly_hours_event(doctor.id, &week);
        self.outbox.record(&mut *tx, &event, context).await?;
        self.outbox.commit(tx).await?;
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
        let mut doctor = lock(&mut tx, (id, "id"), allow_archived).await?;
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
        self.outbox.commit(tx).await?;
        Ok(doctor)
    }
}

/// Locks the doctor named by the argument `field` until the transaction ends; an archived
/// one only when `allow_archived`.
async fn lock(
    conn: &mut sqlx::MySqlConnection,
    (id, field): (Uuid, &'static str),
    allow_archived: bool,
) -> Result<Doctor, DoctorError> {
    let doctor = DoctorStore::lock(conn, id)
        .await?
        .ok_or(DoctorError::NotFound { id, field })?;
    if doctor.archived_at.is_some() && !allow_archived {
        return Err(DoctorError::Archived { id, field });
    }
    Ok(doctor)
}
