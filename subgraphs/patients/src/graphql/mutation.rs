//! Writes: register, update and archive patients.

use async_graphql::{Context, ID, MaybeUndefined, Object, Result};
use kit::{
    audit::{self, Entity},
    context::RequestContext,
    error::{ToGraphql as _, parse_id},
};

use super::types::{CreatePatientInput, Patient, UpdatePatientInput};
use crate::{
    domain::{NewPatient, PatientChanges, Update},
    error::PatientError,
    service::{PatientService, today},
};

pub struct Mutation;

#[Object]
impl Mutation {
    /// Registers a patient. A duplicate email (case-insensitive) is `CONFLICT`.
    #[graphql(requires_scopes = "patients:write")]
    async fn create_patient(
        &self,
        ctx: &Context<'_>,
        input: CreatePatientInput,
    ) -> Result<Patient> {
        let registration = NewPatient::parse(
            &input.name,
            &input.email,
            &input.phone,
            input.date_of_birth.map(|date| date.0),
            input.address.as_deref(),
            today(),
        )
        .map_err(|error| PatientError::invalid_input("input", error))
        .to_graphql()?;
        let patient = service(ctx)
            .create(registration, RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(Patient(patient))
    }

    /// Changes the given fields of an active patient.
    #[graphql(requires_scopes = "patients:write")]
    async fn update_patient(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdatePatientInput,
    ) -> Result<Patient> {
        let id = parse_id("id", &id).to_graphql()?;
        let rule = RequestContext::caller(ctx).may_see_patient(id);
        audit::check(ctx, "update", Entity::Patient, Some(id), id, rule).to_graphql()?;
        let changes = PatientChanges::parse(
            input.name.as_deref(),
            input.email.as_deref(),
            input.phone.as_deref(),
            update(input.date_of_birth.map_value(|date| date.0)),
            update(input.address),
            today(),
        )
        .map_err(|error| PatientError::invalid_input("input", error))
        .to_graphql()?;
        let patient = service(ctx)
            .update(id, changes, RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(Patient(patient))
    }

    /// Archives a patient: it leaves listings and search but still resolves by id, so
    /// history keeps its references. Returns the archived patient.
    #[graphql(requires_scopes = "patients:archive")]
    async fn delete_patient(&self, ctx: &Context<'_>, id: ID) -> Result<Patient> {
        let id = parse_id("id", &id).to_graphql()?;
        let patient = service(ctx)
            .archive(id, RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(Patient(patient))
    }
}

fn service<'a>(ctx: &Context<'a>) -> &'a PatientService {
    ctx.data_unchecked::<PatientService>()
}

fn update<T>(value: MaybeUndefined<T>) -> Update<T> {
    match value {
        MaybeUndefined::Undefined => Update::Keep,
        MaybeUndefined::Null => Update::Clear,
        MaybeUndefined::Value(value) => Update::Set(value),
    }
}
