//! Appointment use cases: each change and its event are committed in one transaction; the
//! database's exclusion constraints decide clashes.

use chrono::{NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use event_contract::appointment::Change;
use kit::{
    audit::{AuditRecord, Entity},
    context::RequestContext,
    outbox::Outbox,
};

use crate::{
    domain::{Appointment, AppointmentId, DoctorId, PatientId, ServiceType, Slot, Transition},
    error::{AppointmentError, Subject},
    events::{appointment_event, change_of},
    references::{BookableDoctor, References},
    store::AppointmentStore,
};

/// A booking as asked, before its references are checked.
#[derive(Debug, Clone)]
pub struct Booking {
    pub patient_id: PatientId,
    pub doctor_id: DoctorId,
    pub service_type: ServiceType,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub duration_minutes: i32,
    pub notes: Option<String>,
    /// Booked outside the doctor's working hours on purpose (the caller was allowed to).
    pub outside_working_hours: bool,
}

/// The service's name in audit records.
pub const SERVICE: &str = "appointments";

/// Tries per write when concurrent bookings deadlock; the retry then meets the committed
/// rival through the exclusion constraint and reports a proper clash.
const MAX_ATTEMPTS: u32 = 3;

#[derive(Clone, Debug)]
pub struct AppointmentService {
    pub(crate) store: AppointmentStore,
    outbox: Outbox,
    pub(crate) references: References,
    pub(crate) zone: Tz,
}

impl AppointmentService {
    pub fn new(store: AppointmentStore, outbox: Outbox, references: References, zone: Tz) -> Self {
        Self {
            store,
            outbox,
            references,
            zone,
        }
    }

    pub fn store(&self) -> &AppointmentStore {
        &self.store
    }

    /// Books after checking the slot, then the patient and doctor with their subgraphs, and
    /// that the doctor works then (unless booked outside working hours on purpose).
    #[tracing::instrument(skip_all, fields(patient_id = %booking.patient_id, doctor_id = %booking.doctor_id))]
    pub async fn create(
        &self,
        booking: Booking,
        context: &RequestContext,
    ) -> Result<Appointment, AppointmentError> {
        let now = Utc::now();
        let slot = Slot::new(
            booking.date,
            booking.time,
            booking.duration_minutes,
            self.zone,
            now,
        )
        .map_err(AppointmentError::from)?;
        let doctor = self
            .references
            .check(booking.patient_id, booking.doctor_id, slot.date(), context)
            .await?;
        if !booking.outside_working_hours {
            works_then(&doctor, booking.doctor_id, &slot)?;
        }
        let appointment = Appointment::book(
            (booking.patient_id, booking.doctor_id),
            doctor.specialization,
            booking.service_type,
            slot,
            booking.notes,
            now,
        );
        let event = appointment_event(Change::Created, &appointment, None);
        let booked = [
            "patient",
            "doctor",
            "serviceType",
            "date",
            "time",
            "durationMinutes",
        ];
        let notes = appointment.notes().as_ref().map(|_| "notes");
        let outside = booking
            .outside_working_hours
            .then_some("outsideWorkingHours");
        let fields: Vec<&str> = booked.into_iter().chain(notes).chain(outside).collect();
        let record = self.audit_record(context, "create", &appointment, &fields);
        let rows = [
            self.outbox.pending_row(&event, context),
            self.outbox.audit_row(&record, context),
        ]
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::from)?;
        let mut attempt = 1;
        loop {
            match self.store.book(&appointment, &rows).await {
                Err(AppointmentError::Contended) if attempt < MAX_ATTEMPTS => attempt += 1,
                Err(error) => return Err(error),
                Ok(()) => break,
            }
        }
        self.outbox.wake();
        tracing::info!(appointment_id = %appointment.id(), "appointment booked");
        Ok(appointment)
    }

    /// Moves the appointment to a new date and time, keeping its duration. A move is a new
    /// booking of the same people, so they are checked again as for a booking: a doctor who
    /// stopped taking appointments (or was archived), or an archived patient, refuses the move.
    #[tracing::instrument(skip_all, fields(appointment_id = %id))]
    pub async fn reschedule(
        &self,
        id: AppointmentId,
        date: NaiveDate,
        time: NaiveTime,
        context: &RequestContext,
    ) -> Result<Appointment, AppointmentError> {
        let current = self
            .store
            .find_many(&[id])
            .await?
            .pop()
            .ok_or_else(|| AppointmentError::appointment_not_found(id))?;
        // What can be said without asking anyone comes first: the state, then the new time.
        let now = Utc::now();
        current.clone().apply(Transition::Reschedule, now)?;
        let slot = Slot::new(
            date,
            time,
            current.slot().duration_minutes(),
            self.zone,
            now,
        )
        .map_err(AppointmentError::from)?;
        let doctor = self
            .references
            .check(
                current.patient_id(),
                current.doctor_id(),
                slot.date(),
                context,
            )
            .await
            .map_err(about_the_appointment)?;
        works_then(&doctor, current.doctor_id(), &slot)?;
        self.transition(id, Transition::Reschedule, context, |appointment| {
            appointment.move_to(slot);
            Ok(())
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(appointment_id = %id))]
    pub async fn cancel(
        &self,
        id: AppointmentId,
        reason: Option<String>,
        context: &RequestContext,
    ) -> Result<Appointment, AppointmentError> {
        self.transition(id, Transition::Cancel, context, |appointment| {
            appointment.cancelled_because(reason.clone());
            Ok(())
        })
        .await
    }

    /// Check-in, completion and no-show: moves that only change the status.
    #[tracing::instrument(skip_all, fields(appointment_id = %id))]
    pub async fn advance(
        &self,
        id: AppointmentId,
        transition: Transition,
        context: &RequestContext,
    ) -> Result<Appointment, AppointmentError> {
        self.transition(id, transition, context, |_| Ok(())).await
    }

    #[tracing::instrument(skip_all, fields(appointment_id = %id, ?transition))]
    async fn transition(
        &self,
        id: AppointmentId,
        transition: Transition,
        context: &RequestContext,
        edit: impl Fn(&mut Appointment) -> Result<(), AppointmentError>,
    ) -> Result<Appointment, AppointmentError> {
        let mut attempt = 1;
        loop {
            match self.transition_once(id, transition, context, &edit).await {
                Err(AppointmentError::Contended) if attempt < MAX_ATTEMPTS => attempt += 1,
                result => return result,
            }
        }
    }

    async fn transition_once(
        &self,
        id: AppointmentId,
        transition: Transition,
        context: &RequestContext,
        edit: &impl Fn(&mut Appointment) -> Result<(), AppointmentError>,
    ) -> Result<Appointment, AppointmentError> {
        let now = Utc::now();
        let mut tx = self.store.pool().begin().await?;
        let mut appointment = AppointmentStore::lock(&mut tx, id)
            .await?
            .ok_or_else(|| AppointmentError::appointment_not_found(id))?;
        if transition == Transition::Reschedule {
            AppointmentStore::serialize_bookings_of(
                &mut tx,
                appointment.doctor_id(),
                appointment.patient_id(),
            )
            .await?;
        }
        let previous = appointment.clone();
        appointment.apply(transition, now)?;
        edit(&mut appointment)?;
        AppointmentStore::update(&mut tx, &appointment).await?;
        let event = appointment_event(change_of(transition), &appointment, Some(&previous));
        self.outbox.record(&mut *tx, &event, context).await?;
        let record = self.audit_record(
            context,
            transition.action(),
            &appointment,
            transition.changes(),
        );
        self.outbox
            .record_access(&mut *tx, &record, context)
            .await?;
        self.outbox.commit(tx).await?;
        Ok(appointment)
    }

    /// The audit record of `action` on `appointment`, changing `fields`.
    fn audit_record(
        &self,
        context: &RequestContext,
        action: &str,
        appointment: &Appointment,
        fields: &[&str],
    ) -> AuditRecord {
        AuditRecord::write(
            SERVICE,
            context,
            action,
            Entity::Appointment,
            appointment.id(),
            appointment.patient_id(),
            fields,
        )
    }
}

/// `DOCTOR_UNAVAILABLE` about the time, saying why, unless the doctor works all of `slot`.
fn works_then(
    doctor: &BookableDoctor,
    doctor_id: DoctorId,
    slot: &Slot,
) -> Result<(), AppointmentError> {
    doctor
        .schedule
        .check(slot.starts_at(), slot.ends_at())
        .map_err(|reason| AppointmentError::DoctorUnavailable {
            doctor_id,
            subject: Subject::Time,
            reason: reason.to_string(),
        })
}

/// A reference refusal on a move says that the appointment cannot be moved.
fn about_the_appointment(error: AppointmentError) -> AppointmentError {
    match error {
        AppointmentError::NotFound { subject, message } => AppointmentError::NotFound {
            subject,
            message: format!("{message}; the appointment cannot be moved"),
        },
        other => other,
    }
}
