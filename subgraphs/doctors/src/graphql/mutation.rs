//! Writes: register, update, set availability and archive doctors.

use async_graphql::{Context, ID, Object, Result};
use kit::{
    context::RequestContext,
    error::{ToGraphql as _, parse_id},
};

use super::{
    schedule::weekly_hours,
    types::{CreateDoctorInput, Doctor, UpdateDoctorInput},
};
use crate::{
    domain::{DoctorChanges, NewDoctor},
    error::DoctorError,
    service::{DoctorService, default_week},
};

#[derive(Default)]
pub struct DoctorMutation;

#[Object]
impl DoctorMutation {
    /// Registers a doctor, working `weeklyHours` from today (by default Monday to Friday,
    /// 08:00-18:00). A duplicate email (case-insensitive) is `CONFLICT`.
    #[graphql(requires_scopes = "doctors:write")]
    async fn create_doctor(&self, ctx: &Context<'_>, input: CreateDoctorInput) -> Result<Doctor> {
        let registration = NewDoctor::parse(
            &input.name,
            input.specialization.into(),
            &input.phone_number,
            &input.email,
            input.available,
            input.gender.into(),
        )
        .map_err(|error| DoctorError::invalid_input("input", error))
        .to_graphql()?;
        let service = service(ctx);
        let week = match &input.weekly_hours {
            Some(intervals) => weekly_hours("input.weeklyHours", service.today(), intervals),
            None => Ok(default_week(service.today())),
        }
        .to_graphql()?;
        let doctor = service
            .create(registration, week, RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(Doctor(doctor))
    }

    /// Changes the given fields of an active doctor.
    #[graphql(requires_scopes = "doctors:write")]
    async fn update_doctor(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateDoctorInput,
    ) -> Result<Doctor> {
        let id = parse_id("id", &id).to_graphql()?;
        let changes = DoctorChanges::parse(
            input.name.as_deref(),
            input.specialization.map(Into::into),
            input.phone_number.as_deref(),
            input.email.as_deref(),
            input.gender.map(Into::into),
        )
        .map_err(|error| DoctorError::invalid_input("input", error))
        .to_graphql()?;
        let doctor = service(ctx)
            .update(id, changes, RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(Doctor(doctor))
    }

    /// Opens or closes a doctor's calendar to new appointments.
    #[graphql(requires_scopes = "doctors:write")]
    async fn set_doctor_availability(
        &self,
        ctx: &Context<'_>,
        id: ID,
        available: bool,
    ) -> Result<Doctor> {
        let id = parse_id("id", &id).to_graphql()?;
        let doctor = service(ctx)
            .set_availability(id, available, RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(Doctor(doctor))
    }

    /// Archives a doctor: it leaves listings but still resolves by id, so history keeps its
    /// references, and it cannot be booked. Returns the archived doctor.
    #[graphql(requires_scopes = "doctors:write")]
    async fn delete_doctor(&self, ctx: &Context<'_>, id: ID) -> Result<Doctor> {
        let id = parse_id("id", &id).to_graphql()?;
        let doctor = service(ctx)
            .archive(id, RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(Doctor(doctor))
    }
}

fn service<'a>(ctx: &Context<'a>) -> &'a DoctorService {
    ctx.data_unchecked::<DoctorService>()
}
