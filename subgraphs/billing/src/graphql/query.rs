//! Reads: bills by id and by patient, and federation entity resolution.

use async_graphql::{
    Context, ID, Object, Result,
    connection::{Connection, EmptyFields},
    dataloader::DataLoader,
};
use kit::{
    audit::{self, Entity},
    context::RequestContext,
    error::{ToGraphql as _, parse_id},
    pagination::{Page, connection},
};

use super::{
    loader::BillLoader,
    types::{AppointmentRef, Bill, BillStatus, PatientRef},
};
use crate::{error::BillingError, service::BillingService, store::BillFilter};

pub struct Query;

/// Extra fields of `BillConnection`; computed only when asked for.
pub struct BillTotals {
    filter: BillFilter,
}

#[Object]
impl BillTotals {
    /// How many bills match the filters, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        ctx.data_unchecked::<BillingService>()
            .store()
            .count(self.filter)
            .await
            .map_err(BillingError::from)
            .to_graphql()
    }
}

#[Object]
impl Query {
    /// A bill by id; null when there is none.
    #[graphql(requires_scopes = "bills:read")]
    async fn bill(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Bill>> {
        let id = parse_id("id", &id).to_graphql()?;
        load(ctx, id).await
    }

    /// Bills, oldest first, optionally of one patient and in one status.
    #[graphql(requires_scopes = "bills:read")]
    async fn bills(
        &self,
        ctx: &Context<'_>,
        patient_id: Option<ID>,
        status: Option<BillStatus>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Bill, BillTotals, EmptyFields>> {
        let page = Page::parse(first, after.as_deref()).to_graphql()?;
        let patient_id = patient_id
            .map(|id| parse_id("patientId", &id))
            .transpose()
            .to_graphql()?;
        // A patient's list holds their own bills only.
        let filter = BillFilter {
            patient_id: RequestContext::caller(ctx)
                .narrow_patient(patient_id)
                .to_graphql()?,
            status: status.map(Into::into),
        };
        let rows = ctx
            .data_unchecked::<BillingService>()
            .store()
            .list(filter, page)
            .await
            .map_err(BillingError::from)
            .to_graphql()?;
        for bill in &rows {
            audit::read(ctx, Entity::Bill, bill.id, bill.patient_id);
        }
        Ok(connection(
            page,
            rows,
            |bill| bill.id,
            Bill,
            BillTotals { filter },
        ))
    }

    /// Federation: resolves `Bill` references, batched.
    #[graphql(entity)]
    async fn find_bill_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Bill>> {
        let id = parse_id("id", &id).to_graphql()?;
        load(ctx, id).await
    }

    /// Federation: an appointment's bill, for the appointments subgraph's `Appointment`.
    #[graphql(entity)]
    async fn find_appointment_by_id(&self, id: ID) -> Result<AppointmentRef> {
        Ok(AppointmentRef(parse_id("id", &id).to_graphql()?))
    }

    /// Federation: a patient's bills and balance, for the patients subgraph's `Patient`.
    #[graphql(entity)]
    async fn find_patient_by_id(&self, id: ID) -> Result<PatientRef> {
        Ok(PatientRef(parse_id("id", &id).to_graphql()?))
    }
}

/// The bill `id` if there is one, refused when it is another patient's than the caller.
pub(super) async fn load(ctx: &Context<'_>, id: uuid::Uuid) -> Result<Option<Bill>> {
    load_for(ctx, id, audit::READ).await
}

/// The bill `id` if there is one and the caller may see it, for `action` (a read, or the
/// change the caller is about to make); a refusal is on the audit trail.
pub(super) async fn load_for(
    ctx: &Context<'_>,
    id: uuid::Uuid,
    action: &'static str,
) -> Result<Option<Bill>> {
    let bill = ctx
        .data_unchecked::<DataLoader<BillLoader>>()
        .load_one(id)
        .await
        .map_err(|error| {
            BillingError::Unexpected(anyhow::Error::new(error).context("loading bills"))
        })
        .to_graphql()?;
    if let Some(bill) = &bill {
        visible(ctx, bill, action)?;
    }
    Ok(bill.map(Bill))
}

/// Refuses (on the audit trail) `action` on a bill the caller may not see; notes the read.
pub(super) fn visible(
    ctx: &Context<'_>,
    bill: &crate::domain::Bill,
    action: &'static str,
) -> Result<()> {
    let (id, patient) = (bill.id, bill.patient_id);
    let rule = RequestContext::caller(ctx).may_see_patient(patient);
    audit::check(ctx, action, Entity::Bill, Some(id), patient, rule).to_graphql()?;
    audit::read(ctx, Entity::Bill, id, patient);
    Ok(())
}
