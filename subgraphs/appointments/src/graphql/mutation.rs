//! Writes: book, reschedule, and move appointments through their workflow.

use async_graphql::{Context, ID, Object, Result};
use identity::scope::APPOINTMENTS_OUTSIDE_HOURS;
use kit::{
    audit::{self, Entity},
    context::RequestContext,
    error::{ToGraphql as _, bounded_text, parse_id},
    limits,
    scalars::Date,
};

use super::{
    arguments,
    types::{Appointment, CreateAppointmentInput},
};
use crate::{
    domain::{AppointmentId, Transition, parse_time},
    error::AppointmentError,
    service::{AppointmentService, Booking},
};

pub struct Mutation;

#[Object]
impl Mutation {
    /// Books an appointment. The patient and doctor are checked with their subgraphs, and the
    /// time against the doctor's working hours (`DOCTOR_UNAVAILABLE` saying why, unless
    /// `outsideWorkingHours`); a clash with the doctor's or the patient's other active
    /// appointments is `CONFLICT`.
    #[graphql(requires_scopes = "appointments:book")]
    async fn create_appointment(
        &self,
        ctx: &Context<'_>,
        input: CreateAppointmentInput,
    ) -> Result<Appointment> {
        let booking = Booking::try_from(input)?;
        let patient = booking.patient_id;
        let caller = RequestContext::caller(ctx);
        let rule = caller.may_see_patient(patient).and_then(|()| {
            if !booking.outside_working_hours {
                return Ok(());
            }
            caller.grants(
                APPOINTMENTS_OUTSIDE_HOURS,
                "Booking outside working hours takes the appointments:outside-hours scope",
            )
        });
        audit::check(ctx, "create", Entity::Appointment, None, patient, rule).to_graphql()?;
        let appointment = service(ctx)
            .create(booking, RequestContext::of(ctx))
            .await
            .map_err(arguments::booking)
            .to_graphql()?;
        Ok(Appointment(appointment))
    }

    /// Moves a scheduled appointment to another date and time, keeping its duration. The
    /// patient and doctor are checked again as for a booking (`DOCTOR_UNAVAILABLE` or
    /// `NOT_FOUND` on `id`); a time outside the doctor's working hours is
    /// `DOCTOR_UNAVAILABLE` on `time`; a clash at the new time is `CONFLICT` on `time`.
    #[graphql(requires_scopes = "appointments:book")]
    async fn reschedule_appointment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        date: Date,
        time: String,
    ) -> Result<Appointment> {
        let id = AppointmentId::from(parse_id("id", &id).to_graphql()?);
        visible(ctx, id, Transition::Reschedule).await?;
        let time = parse_time("time", &time)
            .map_err(AppointmentError::from)
            .to_graphql()?;
        let appointment = service(ctx)
            .reschedule(id, date.0, time, RequestContext::of(ctx))
            .await
            .map_err(arguments::moving)
            .to_graphql()?;
        Ok(Appointment(appointment))
    }

    /// Cancels a scheduled or checked-in appointment; its slot becomes free.
    #[graphql(requires_scopes = "appointments:book")]
    async fn cancel_appointment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(desc = "Why, at most 500 characters.")] reason: Option<String>,
    ) -> Result<Appointment> {
        let id = AppointmentId::from(parse_id("id", &id).to_graphql()?);
        visible(ctx, id, Transition::Cancel).await?;
        let reason = bounded_text("reason", reason, limits::MAX_REASON_CHARS).to_graphql()?;
        let appointment = service(ctx)
            .cancel(id, reason, RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(Appointment(appointment))
    }

    /// The patient has arrived.
    #[graphql(requires_scopes = "appointments:check-in")]
    async fn check_in_appointment(&self, ctx: &Context<'_>, id: ID) -> Result<Appointment> {
        advance(ctx, &id, Transition::CheckIn).await
    }

    /// The appointment took place.
    #[graphql(requires_scopes = "appointments:treat")]
    async fn complete_appointment(&self, ctx: &Context<'_>, id: ID) -> Result<Appointment> {
        advance(ctx, &id, Transition::Complete).await
    }

    /// The patient did not come; only once the start time has passed.
    #[graphql(requires_scopes = "appointments:treat")]
    async fn mark_no_show(&self, ctx: &Context<'_>, id: ID) -> Result<Appointment> {
        advance(ctx, &id, Transition::MarkNoShow).await
    }
}

async fn advance(ctx: &Context<'_>, id: &ID, transition: Transition) -> Result<Appointment> {
    let id = AppointmentId::from(parse_id("id", id).to_graphql()?);
    visible(ctx, id, transition).await?;
    let appointment = service(ctx)
        .advance(id, transition, RequestContext::of(ctx))
        .await
        .to_graphql()?;
    Ok(Appointment(appointment))
}

/// Refuses a change to an appointment the caller may not see (a patient's to another
/// patient's, a doctor's to a colleague's); one that does not exist is left to the service
/// (`NOT_FOUND`).
/// Refuses (on the audit trail) a `transition` of an appointment the caller may not see.
async fn visible(ctx: &Context<'_>, id: AppointmentId, transition: Transition) -> Result<()> {
    super::query::load_for(ctx, id, transition.action())
        .await
        .map(drop)
}

fn service<'a>(ctx: &Context<'a>) -> &'a AppointmentService {
    ctx.data_unchecked::<AppointmentService>()
}
