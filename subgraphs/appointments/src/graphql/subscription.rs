//! `appointmentUpdated`: live updates, filtered by doctor and/or patient on the server.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Result, Subscription as SubscriptionObject};
use futures::{Stream, StreamExt as _, future::ready, stream};
use kit::{
    audit::{self, AuditLog, AuditRecord, Entity, Outcome},
    context::RequestContext,
    error::ToGraphql as _,
};
use tokio::sync::broadcast::error::RecvError;

use super::types::{Appointment, reference_id};
use crate::live::{AppointmentUpdate as Update, LiveUpdates};

pub struct Subscription;

/// What happened to the appointment.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "event_contract::appointment::Change")]
pub enum UpdateKind {
    Created,
    Rescheduled,
    Cancelled,
    CheckedIn,
    Completed,
    NoShow,
}

pub struct AppointmentUpdate(Arc<Update>);

/// Subscription fields take no `requires_scopes` in async-graphql: the scope sits on the
/// type they return, which the router checks the same way.
#[Object(requires_scopes = "appointments:read")]
impl AppointmentUpdate {
    async fn kind(&self) -> UpdateKind {
        self.0.change.into()
    }

    /// The appointment as of this update.
    async fn appointment(&self) -> Appointment {
        Appointment(self.0.appointment.clone())
    }
}

#[SubscriptionObject]
impl Subscription {
    /// Changes to appointments from now on: of this doctor, of this patient, of both when
    /// both are given, of all when neither is.
    async fn appointment_updated(
        &self,
        ctx: &Context<'_>,
        doctor_id: Option<ID>,
        patient_id: Option<ID>,
    ) -> Result<impl Stream<Item = Result<AppointmentUpdate>> + use<>> {
        let caller = RequestContext::caller(ctx);
        let doctor = doctor_id
            .map(|id| reference_id("doctorId", &id))
            .transpose()?;
        let patient = patient_id
            .map(|id| reference_id("patientId", &id))
            .transpose()?;
        // A patient follows their own appointments only, a doctor their own calendar.
        let doctor = caller.narrow_doctor(doctor).to_graphql()?;
        let patient = caller.narrow_patient(patient).to_graphql()?;
        let receiver = ctx.data_unchecked::<LiveUpdates>().subscribe();
        let updates = stream::unfold(receiver, |mut receiver| async move {
            loop {
                match receiver.recv().await {
                    Ok(update) => return Some((update, receiver)),
                    Err(RecvError::Lagged(skipped)) => {
                        tracing::warn!(skipped, "a subscriber fell behind; oldest updates skipped");
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        });
        let audit = ctx.data_unchecked::<AuditLog>().clone();
        let context = RequestContext::of(ctx).clone();
        let fields = selected_fields(ctx);
        Ok(updates
            .filter(move |update| {
                let appointment = &update.appointment;
                ready(
                    doctor.is_none_or(|id| id == appointment.doctor_id().uuid())
                        && patient.is_none_or(|id| id == appointment.patient_id().uuid()),
                )
            })
            .then(move |update| {
                let (audit, context, fields) = (audit.clone(), context.clone(), fields.clone());
                async move { delivered(&audit, &context, fields, update).await }
            }))
    }
}

/// Passes `update` on once its delivery is on the audit trail, or ends the subscription
/// with `AUDIT_UNAVAILABLE` when it cannot be recorded.
async fn delivered(
    audit: &AuditLog,
    context: &RequestContext,
    fields: Vec<String>,
    update: Arc<Update>,
) -> Result<AppointmentUpdate> {
    let appointment = &update.appointment;
    let record = AuditRecord {
        ids: vec![appointment.id().uuid()],
        patients: vec![appointment.patient_id().uuid()],
        fields,
        ..AuditRecord::new(
            audit.service(),
            context,
            audit::READ,
            Entity::Appointment,
            Outcome::Success,
        )
    };
    if audit.keep(vec![record]).await {
        Ok(AppointmentUpdate(update))
    } else {
        Err(audit::unavailable().into())
    }
}

/// The fields of `appointment` the subscription selected, as its records list them.
fn selected_fields(ctx: &Context<'_>) -> Vec<String> {
    let mut fields = Vec::new();
    for appointment in ctx.field().selection_set() {
        if appointment.name() == "appointment" {
            fields.extend(
                appointment
                    .selection_set()
                    .map(|field| field.name().to_owned())
                    .filter(|name| !matches!(name.as_str(), "id" | "__typename")),
            );
        }
    }
    fields.sort();
    fields.dedup();
    fields
}
