//! Reads: single patients, the searchable list, and federation entity resolution.

use async_graphql::{
    Context, ID, Object, Result,
    connection::{Connection, EmptyFields},
    dataloader::DataLoader,
};
use kit::{
    audit::{self, Entity},
    context::RequestContext,
    error::{Forbidden, ToGraphql as _, bounded_text, parse_id},
    limits::MAX_SEARCH_CHARS,
    pagination::{Page, connection},
    scalars::Date,
};

use super::{PatientLoader, types::Patient};
use crate::{error::PatientError, service::PatientService, store::PatientFilter};

/// The scope of patients' contact details and date of birth.
const CONTACT_SCOPE: &str = "patients:contact";

pub struct Query;

/// Extra fields of `PatientConnection`; computed only when asked for.
pub struct PatientTotals {
    filter: PatientFilter,
}

#[Object]
impl PatientTotals {
    /// How many active patients match the search, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let service = ctx.data_unchecked::<PatientService>();
        service
            .store()
            .count(&self.filter)
            .await
            .map_err(PatientError::from)
            .to_graphql()
    }
}

#[Object]
impl Query {
    /// A patient by id, archived ones included; null when there is none.
    #[graphql(requires_scopes = "patients:read")]
    async fn patient(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Patient>> {
        let id = parse_id("id", &id).to_graphql()?;
        load(ctx, id).await
    }

    /// Active patients, oldest registration first, matching every filter given: `search` in
    /// the name, email or phone (the name only without `patients:contact`), `name` in the
    /// name, `email` the whole email, `dateOfBirth` (both of these need `patients:contact`).
    #[graphql(requires_scopes = "patients:read")]
    #[allow(clippy::too_many_arguments)] // one per GraphQL argument
    async fn patients(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Text to look for, at most 100 characters.")] search: Option<String>,
        #[graphql(desc = "Text the name contains, at most 100 characters.")] name: Option<String>,
        #[graphql(desc = "The whole email address, in any case.")] email: Option<String>,
        date_of_birth: Option<Date>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Patient, PatientTotals, EmptyFields>> {
        let caller = RequestContext::caller(ctx);
        if caller.own_patient().is_some() {
            return Err(Forbidden(
                "A patient lists no other patients: read your own record with `patient(id:)`",
            ))
            .to_graphql();
        }
        if email.is_some() || date_of_birth.is_some() {
            caller
                .grants(
                    CONTACT_SCOPE,
                    "Searching by email or date of birth needs the `patients:contact` scope",
                )
                .to_graphql()?;
        }
        let page = Page::parse(first, after.as_deref()).to_graphql()?;
        let filter = PatientFilter {
            search: bounded_text("search", search, MAX_SEARCH_CHARS).to_graphql()?,
            search_contact: caller.grants(CONTACT_SCOPE, "").is_ok(),
            name: bounded_text("name", name, MAX_SEARCH_CHARS).to_graphql()?,
            email: bounded_text("email", email, contact::Email::MAX_LEN).to_graphql()?,
            date_of_birth: date_of_birth.map(|date| date.0),
        };
        let service = ctx.data_unchecked::<PatientService>();
        let rows = service
            .store()
            .list(&filter, page)
            .await
            .map_err(PatientError::from)
            .to_graphql()?;
        for patient in &rows {
            audit::read(ctx, Entity::Patient, patient.id, patient.id);
        }
        Ok(connection(
            page,
            rows,
            |patient| patient.id,
            Patient,
            PatientTotals { filter },
        ))
    }

    /// Federation: resolves `Patient` references from other subgraphs, batched.
    #[graphql(entity)]
    async fn find_patient_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Patient>> {
        let id = parse_id("id", &id).to_graphql()?;
        load(ctx, id).await
    }
}

/// The patient `id` if there is one; refused when the caller is another patient.
async fn load(ctx: &Context<'_>, id: uuid::Uuid) -> Result<Option<Patient>> {
    let rule = RequestContext::caller(ctx).may_see_patient(id);
    audit::check(ctx, audit::READ, Entity::Patient, Some(id), id, rule).to_graphql()?;
    let loader = ctx.data_unchecked::<DataLoader<PatientLoader>>();
    let patient = loader
        .load_one(id)
        .await
        .map_err(|error| {
            PatientError::Unexpected(anyhow::Error::new(error).context("loading patients"))
        })
        .to_graphql()?;
    if patient.is_some() {
        audit::read(ctx, Entity::Patient, id, id);
    }
    Ok(patient.map(Patient))
}
