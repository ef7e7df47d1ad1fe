//! Reads: single doctors, the filtered list, and federation entity resolution.

use async_graphql::{
    Context, ID, Object, Result,
    connection::{Connection, EmptyFields},
    dataloader::DataLoader,
};
use kit::{
    error::{ToGraphql as _, bounded_text, parse_id},
    limits::MAX_SEARCH_CHARS,
    pagination::{Page, connection},
};

use super::{
    DoctorLoader,
    types::{Doctor, Specialization},
};
use crate::{error::DoctorError, service::DoctorService, store::DoctorFilter};

pub struct Query;

/// Extra fields of `DoctorConnection`; computed only when asked for.
pub struct DoctorTotals {
    filter: DoctorFilter,
}

#[Object]
impl DoctorTotals {
    /// How many active doctors match the filters, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let service = ctx.data_unchecked::<DoctorService>();
        service
            .store()
            .count(&self.filter)
            .await
            .map_err(DoctorError::from)
            .to_graphql()
    }
}

#[Object]
impl Query {
    /// A doctor by id, archived ones included; null when there is none.
    #[graphql(requires_scopes = "doctors:read")]
    async fn doctor(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Doctor>> {
        let id = parse_id("id", &id).to_graphql()?;
        load(ctx, id).await
    }

    /// Active doctors, oldest registration first, matching every filter given: `search` in
    /// the name, email or phone, `name` in the name.
    #[graphql(requires_scopes = "doctors:read")]
    #[allow(clippy::too_many_arguments)] // one per GraphQL argument
    async fn doctors(
        &self,
        ctx: &Context<'_>,
        specialization: Option<Specialization>,
        available: Option<bool>,
        #[graphql(desc = "Text to look for, at most 100 characters.")] search: Option<String>,
        #[graphql(desc = "Text the name contains, at most 100 characters.")] name: Option<String>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Doctor, DoctorTotals, EmptyFields>> {
        let page = Page::parse(first, after.as_deref()).to_graphql()?;
        let filter = DoctorFilter {
            specialization: specialization.map(Into::into),
            available,
            search: bounded_text("search", search, MAX_SEARCH_CHARS).to_graphql()?,
            name: bounded_text("name", name, MAX_SEARCH_CHARS).to_graphql()?,
        };
        let service = ctx.data_unchecked::<DoctorService>();
        let rows = service
            .store()
            .list(&filter, page)
            .await
            .map_err(DoctorError::from)
            .to_graphql()?;
        Ok(connection(
            page,
            rows,
            |doctor| doctor.id,
            Doctor,
            DoctorTotals { filter },
        ))
    }

    /// Federation: resolves `Doctor` references from other subgraphs, batched.
    #[graphql(entity)]
    async fn find_doctor_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Doctor>> {
        let id = parse_id("id", &id).to_graphql()?;
        load(ctx, id).await
    }
}

async fn load(ctx: &Context<'_>, id: uuid::Uuid) -> Result<Option<Doctor>> {
    let loader = ctx.data_unchecked::<DataLoader<DoctorLoader>>();
    let doctor = loader
        .load_one(id)
        .await
        .map_err(|error| {
            DoctorError::Unexpected(anyhow::Error::new(error).context("loading doctors"))
        })
        .to_graphql()?;
    Ok(doctor.map(Doctor))
}
