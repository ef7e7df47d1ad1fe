//! Reads: single appointments, filtered lists, and federation entity resolution.

use async_graphql::{
    Context, ID, Object, Result, SimpleObject,
    connection::{Connection, EmptyFields},
    dataloader::DataLoader,
};
use kit::{
    audit::{self, Entity},
    context::RequestContext,
    error::{ToGraphql as _, parse_id},
    pagination::{Page, connection},
    scalars::Date,
};

use super::{
    AppointmentLoader,
    slots::{self, FreeSlotArgs, FreeSlotPage, Specialization, TimeWindowInput},
    types::{Appointment, AppointmentStatus, DoctorRef, PatientRef, ServiceType, reference_id},
};
use crate::{
    domain::{AppointmentId, DoctorId, PatientId},
    error::AppointmentError,
    service::AppointmentService,
    store::AppointmentFilter,
};

pub struct Query;

/// An appointment its doctor's working hours do not cover.
#[derive(SimpleObject)]
pub struct AppointmentOutsideHours {
    appointment: Appointment,
    /// Why, in words: "doctor … is off 13:00-18:00 on Wednesday 2027-01-06 (congress)".
    reason: String,
}

pub type AppointmentPage = Connection<String, Appointment, AppointmentTotals, EmptyFields>;

/// Extra fields of `AppointmentConnection`; computed only when asked for.
pub struct AppointmentTotals {
    filter: AppointmentFilter,
}

#[Object]
impl AppointmentTotals {
    /// How many appointments match the filters, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let service = ctx.data_unchecked::<AppointmentService>();
        service
            .store()
            .count(&self.filter)
            .await
            .map_err(AppointmentError::from)
            .to_graphql()
    }
}

/// One page of appointments matching `filter`, by start time.
pub async fn appointments_page(
    ctx: &Context<'_>,
    mut filter: AppointmentFilter,
    first: Option<i32>,
    after: Option<String>,
) -> Result<AppointmentPage> {
    let page = Page::parse(first, after.as_deref()).to_graphql()?;
    // A patient's and a doctor's lists hold their own appointments only.
    let caller = RequestContext::caller(ctx);
    filter.patient_id = caller.narrow_patient(filter.patient_id).to_graphql()?;
    filter.doctor_id = caller.narrow_doctor(filter.doctor_id).to_graphql()?;
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && from > to
    {
        return Err(kit::error::graphql_error(kit::error::InputError::new(
            "from",
            format!("`from` ({from}) is after `to` ({to})"),
        )));
    }
    let service = ctx.data_unchecked::<AppointmentService>();
    let rows = service
        .store()
        .list(&filter, page)
        .await
        .map_err(AppointmentError::from)
        .to_graphql()?;
    for appointment in &rows {
        audit::read(
            ctx,
            Entity::Appointment,
            appointment.id(),
            appointment.patient_id(),
        );
    }
    Ok(connection(
        page,
        rows,
        |appointment| appointment.id().uuid(),
        Appointment,
        AppointmentTotals { filter },
    ))
}

#[Object]
impl Query {
    /// Scheduled and checked-in appointments booked from `from` to `to` (at most 31 days)
    /// that their doctor's working hours do not cover, each with why: time off or new hours
    /// recorded after the booking (or a booking made outside hours on purpose). Nothing is
    /// cancelled; the front desk calls these patients. A doctor sees their own only.
    #[graphql(requires_scopes = "appointments:read")]
    async fn appointments_outside_working_hours(
        &self,
        ctx: &Context<'_>,
        doctor_id: Option<ID>,
        from: Date,
        to: Date,
    ) -> Result<Vec<AppointmentOutsideHours>> {
        let doctor_id = doctor_id
            .map(|id| reference_id("doctorId", &id).map(DoctorId::from))
            .transpose()?;
        let caller = RequestContext::caller(ctx);
        let filter = AppointmentFilter {
            doctor_id: caller.narrow_doctor(doctor_id).to_graphql()?,
            patient_id: caller.narrow_patient(None).to_graphql()?,
            status: None,
            from: Some(from.0),
            to: Some(to.0),
        };
        let found = ctx
            .data_unchecked::<AppointmentService>()
            .outside_working_hours(&filter, RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(found
            .into_iter()
            .map(|outside| {
                let appointment = outside.appointment;
                audit::read(
                    ctx,
                    Entity::Appointment,
                    appointment.id(),
                    appointment.patient_id(),
                );
                AppointmentOutsideHours {
                    appointment: Appointment(appointment),
                    reason: outside.reason,
                }
            })
            .collect())
    }

    /// Bookable start times of one doctor (`doctorId`) or of every available doctor of a
    /// `specialization`, from `from` to `to` (at most 31 days), ordered by start and then
    /// doctor: inside working hours, outside time off, clear of the doctor's scheduled and
    /// checked-in appointments, not in the past. Lasting `durationMinutes` (by default the
    /// `serviceType`'s usual length; a consultation's, 30), starting at each span's start and
    /// every `stepMinutes` (default 15) after, wholly inside `window` when given.
    #[graphql(requires_scopes = "appointments:read")]
    #[allow(clippy::too_many_arguments)]
    async fn free_slots(
        &self,
        ctx: &Context<'_>,
        doctor_id: Option<ID>,
        specialization: Option<Specialization>,
        from: Date,
        to: Date,
        duration_minutes: Option<i32>,
        service_type: Option<ServiceType>,
        window: Option<TimeWindowInput>,
        step_minutes: Option<i32>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<FreeSlotPage> {
        slots::free_slots(
            ctx,
            FreeSlotArgs {
                doctor_id,
                specialization,
                from,
                to,
                duration_minutes,
                service_type,
                window,
                step_minutes,
                first,
                after,
            },
        )
        .await
    }

    /// An appointment by id; null when there is none.
    #[graphql(requires_scopes = "appointments:read")]
    async fn appointment(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Appointment>> {
        let id = parse_id("id", &id).to_graphql()?;
        load(ctx, id).await
    }

    /// Appointments by start time, filtered by doctor, patient, status and booked dates
    /// (`from`/`to` inclusive).
    #[allow(clippy::too_many_arguments)]
    #[graphql(requires_scopes = "appointments:read")]
    async fn appointments(
        &self,
        ctx: &Context<'_>,
        doctor_id: Option<ID>,
        patient_id: Option<ID>,
        status: Option<AppointmentStatus>,
        from: Option<Date>,
        to: Option<Date>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<AppointmentPage> {
        let filter = AppointmentFilter {
            doctor_id: doctor_id
                .map(|id| reference_id("doctorId", &id).map(DoctorId::from))
                .transpose()?,
            patient_id: patient_id
                .map(|id| reference_id("patientId", &id).map(PatientId::from))
                .transpose()?,
            status: status.map(Into::into),
            from: from.map(|date| date.0),
            to: to.map(|date| date.0),
        };
        appointments_page(ctx, filter, first, after).await
    }

    /// Federation: resolves `Appointment` references from other subgraphs, batched.
    #[graphql(entity)]
    async fn find_appointment_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<Appointment>> {
        let id = parse_id("id", &id).to_graphql()?;
        load(ctx, id).await
    }

    /// Federation: a patient's appointments, for the patients subgraph's `Patient`.
    #[graphql(entity)]
    async fn find_patient_by_id(&self, id: ID) -> Result<PatientRef> {
        Ok(PatientRef(reference_id("id", &id)?.into()))
    }

    /// Federation: a doctor's appointments, for the doctors subgraph's `Doctor`.
    #[graphql(entity)]
    async fn find_doctor_by_id(&self, id: ID) -> Result<DoctorRef> {
        Ok(DoctorRef(reference_id("id", &id)?.into()))
    }
}

/// The appointment `id` if there is one, refused when the caller may not see it (another
/// patient's, another doctor's).
pub(super) async fn load(ctx: &Context<'_>, id: uuid::Uuid) -> Result<Option<Appointment>> {
    load_for(ctx, id.into(), audit::READ).await
}

/// The appointment `id` if there is one and the caller may see it, for `action` (a read,
/// or the change the caller is about to make); a refusal is on the audit trail.
pub(super) async fn load_for(
    ctx: &Context<'_>,
    id: AppointmentId,
    action: &'static str,
) -> Result<Option<Appointment>> {
    let loader = ctx.data_unchecked::<DataLoader<AppointmentLoader>>();
    let appointment = loader
        .load_one(id)
        .await
        .map_err(|error| {
            AppointmentError::Unexpected(anyhow::Error::new(error).context("loading appointments"))
        })
        .to_graphql()?;
    if let Some(appointment) = &appointment {
        let patient = appointment.patient_id();
        let rule =
            RequestContext::caller(ctx).may_see_appointment(patient, appointment.doctor_id());
        audit::check(
            ctx,
            action,
            Entity::Appointment,
            Some(id.uuid()),
            patient,
            rule,
        )
        .to_graphql()?;
        audit::read(ctx, Entity::Appointment, id, patient);
    }
    Ok(appointment.map(Appointment))
}
