//! Writes: payments.

use async_graphql::{Context, ID, Object, Result};
use kit::{
    context::RequestContext,
    error::{ToGraphql as _, parse_id},
};

use super::types::{Bill, PaymentType};
use crate::service::{BillingService, PAY};

pub struct Mutation;

#[Object]
impl Mutation {
    /// Pays an unpaid bill. A void or already paid bill is `INVALID_STATE`.
    #[graphql(requires_scopes = "bills:pay")]
    async fn pay_bill(&self, ctx: &Context<'_>, id: ID, payment_type: PaymentType) -> Result<Bill> {
        let id = parse_id("id", &id).to_graphql()?;
        // A patient pays only their own bills (an unknown id is left to the service).
        super::query::load_for(ctx, id, PAY).await?;
        let bill = ctx
            .data_unchecked::<BillingService>()
            .pay(id, payment_type.into(), RequestContext::of(ctx))
            .await
            .to_graphql()?;
        Ok(Bill(bill))
    }
}
