//! The mutations that change a doctor's working hours: the weekly pattern, time off and
//! extra hours.

use async_graphql::{Context, ID, Object, Result};
use kit::{
    context::RequestContext,
    error::{ToGraphql as _, parse_id},
    scalars::Date,
};
use schedule::{Exception, ScheduleError, Span};
use uuid::Uuid;

use super::{
    ExtraHoursInput, ScheduleException, TimeOffInput, WeeklyHours, WeeklyIntervalInput,
    weekly_hours,
};
use crate::{error::DoctorError, service::DoctorService};

#[derive(Default)]
pub struct ScheduleMutation;

#[Object]
impl ScheduleMutation {
    /// Sets the hours the doctor works every week from `validFrom` (today or later) until a
    /// later pattern starts, replacing a pattern that starts the same day; earlier dates keep
    /// their hours. An empty list means no hours from that date.
    #[graphql(requires_scopes = "schedules:write")]
    async fn set_weekly_hours(
        &self,
        ctx: &Context<'_>,
        doctor_id: ID,
        valid_from: Date,
        intervals: Vec<WeeklyIntervalInput>,
    ) -> Result<WeeklyHours> {
        let doctor_id = parse_id("doctorId", &doctor_id).to_graphql()?;
        let week = weekly_hours("intervals", valid_from.0, &intervals).to_graphql()?;
        let week = service(ctx)
            .set_weekly_hours(doctor_id, week, RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(WeeklyHours(week))
    }

    /// Records time off. Appointments already booked in it stay booked; overlapping other
    /// time off is `CONFLICT`.
    #[graphql(requires_scopes = "schedules:write")]
    async fn add_time_off(
        &self,
        ctx: &Context<'_>,
        doctor_id: ID,
        input: TimeOffInput,
    ) -> Result<ScheduleException> {
        let doctor_id = parse_id("doctorId", &doctor_id).to_graphql()?;
        let span = match (&input.starts, &input.ends) {
            (None, None) => None,
            (Some(starts), Some(ends)) => Some(Span::parse("input", starts, ends)),
            (None, Some(_)) => Some(Err(ScheduleError::new(
                "input.starts",
                "give both starts and ends, or neither for the whole day",
            ))),
            (Some(_), None) => Some(Err(ScheduleError::new(
                "input.ends",
                "give both starts and ends, or neither for the whole day",
            ))),
        }
        .transpose()
        .map_err(DoctorError::from)
        .to_graphql()?;
        let exception =
            Exception::time_off(Uuid::now_v7(), input.date.0, span, input.reason.as_deref())
                .map_err(DoctorError::from)
                .to_graphql()?;
        add(ctx, doctor_id, exception).await
    }

    /// Records hours worked beyond the weekly pattern on one date; overlapping other extra
    /// hours is `CONFLICT`.
    #[graphql(requires_scopes = "schedules:write")]
    async fn add_extra_hours(
        &self,
        ctx: &Context<'_>,
        doctor_id: ID,
        input: ExtraHoursInput,
    ) -> Result<ScheduleException> {
        let doctor_id = parse_id("doctorId", &doctor_id).to_graphql()?;
        let exception = Span::parse("input", &input.starts, &input.ends)
            .and_then(|span| {
                Exception::extra_hours(Uuid::now_v7(), input.date.0, span, input.reason.as_deref())
            })
            .map_err(DoctorError::from)
            .to_graphql()?;
        add(ctx, doctor_id, exception).await
    }

    /// Removes time off or extra hours; returns what was removed.
    #[graphql(requires_scopes = "schedules:write")]
    async fn remove_schedule_exception(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<ScheduleException> {
        let id = parse_id("id", &id).to_graphql()?;
        let (doctor_id, exception) = service(ctx)
            .remove_exception(id, RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(ScheduleException {
            doctor_id,
            exception,
        })
    }
}

async fn add(
    ctx: &Context<'_>,
    doctor_id: Uuid,
    exception: Exception,
) -> Result<ScheduleException> {
    let exception = service(ctx)
        .add_exception(doctor_id, exception, RequestContext::of(ctx))
        .await
        .to_graphql()?;
    Ok(ScheduleException {
        doctor_id,
        exception,
    })
}

fn service<'a>(ctx: &Context<'a>) -> &'a DoctorService {
    ctx.data_unchecked::<DoctorService>()
}
