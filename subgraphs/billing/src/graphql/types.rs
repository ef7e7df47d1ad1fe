//! GraphQL object and enum types.

use async_graphql::{Context, Enum, ID, Object, Result, dataloader::DataLoader};
use chrono::{DateTime, Utc};
use kit::{
    audit::{self, Entity},
    context::RequestContext,
    error::ToGraphql as _,
};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::loader::{BillLoader, ByAppointment};
use crate::{domain, error::BillingError, service::BillingService, store::BillFilter};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "BillStatus", remote = "crate::domain::BillStatus")]
pub enum BillStatus {
    Unpaid,
    Paid,
    Void,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "PaymentType", remote = "crate::domain::PaymentType")]
pub enum PaymentType {
    Cash,
    CreditCard,
    DebitCard,
    Insurance,
    BankTransfer,
}

/// The bill of one appointment.
pub struct Bill(pub domain::Bill);

#[Object]
impl Bill {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn patient_id(&self) -> ID {
        ID(self.0.patient_id.to_string())
    }

    async fn appointment_id(&self) -> ID {
        ID(self.0.appointment_id.to_string())
    }

    /// The patient, resolved by the patients subgraph.
    async fn patient(&self) -> PatientRef {
        PatientRef(self.0.patient_id)
    }

    /// The appointment, resolved by the appointments subgraph.
    async fn appointment(&self) -> AppointmentRef {
        AppointmentRef(self.0.appointment_id)
    }

    /// Exact amount with two decimals, as a string (`"80.00"`).
    async fn amount(&self) -> Decimal {
        self.0.amount
    }

    /// ISO 4217 currency of `amount`.
    async fn currency(&self) -> &str {
        &self.0.currency
    }

    /// True once paid.
    async fn payment_status(&self) -> bool {
        self.0.status == domain::BillStatus::Paid
    }

    async fn status(&self) -> BillStatus {
        self.0.status.into()
    }

    /// How it was paid; null until then.
    async fn payment_type(&self) -> Option<PaymentType> {
        self.0.payment_type.map(Into::into)
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn paid_at(&self) -> Option<DateTime<Utc>> {
        self.0.paid_at
    }
}

/// An appointment (owned by the appointments subgraph), with its bill.
pub struct AppointmentRef(pub Uuid);

#[Object(name = "Appointment")]
impl AppointmentRef {
    async fn id(&self) -> ID {
        ID(self.0.to_string())
    }

    /// The appointment's bill; null until billing has seen the booking.
    #[graphql(requires_scopes = "bills:read")]
    async fn bill(&self, ctx: &Context<'_>) -> Result<Option<Bill>> {
        let bill = ctx
            .data_unchecked::<DataLoader<BillLoader>>()
            .load_one(ByAppointment(self.0))
            .await
            .map_err(|error| {
                BillingError::Unexpected(anyhow::Error::new(error).context("loading bills"))
            })
            .to_graphql()?;
        if let Some(bill) = &bill {
            super::query::visible(ctx, bill, audit::READ)?;
        }
        Ok(bill.map(Bill))
    }
}

/// A patient (owned by the patients subgraph), with their bills.
pub struct PatientRef(pub Uuid);

#[Object(name = "Patient")]
impl PatientRef {
    async fn id(&self) -> ID {
        ID(self.0.to_string())
    }

    /// The patient's bills, oldest first (at most 100; use `bills(patientId:)` to page).
    #[graphql(requires_scopes = "bills:read")]
    async fn bills(&self, ctx: &Context<'_>, status: Option<BillStatus>) -> Result<Vec<Bill>> {
        let rule = RequestContext::caller(ctx).may_see_patient(self.0);
        audit::check(ctx, audit::READ, Entity::Bill, None, self.0, rule).to_graphql()?;
        let page = kit::pagination::Page::parse(Some(kit::pagination::MAX_PAGE_SIZE), None)
            .to_graphql()?;
        let bills = service(ctx)
            .store()
            .list(
                BillFilter {
                    patient_id: Some(self.0),
                    status: status.map(Into::into),
                },
                page,
            )
            .await
            .map_err(BillingError::from)
            .to_graphql()?;
        let bills: Vec<_> = bills.into_iter().take(100).collect();
        for bill in &bills {
            audit::read(ctx, Entity::Bill, bill.id, bill.patient_id);
        }
        Ok(bills.into_iter().map(Bill).collect())
    }

    /// What the patient owes: the sum of their unpaid bills.
    #[graphql(requires_scopes = "bills:read")]
    async fn balance(&self, ctx: &Context<'_>) -> Result<Decimal> {
        let rule = RequestContext::caller(ctx).may_see_patient(self.0);
        audit::check(
            ctx,
            audit::READ,
            Entity::Balance,
            Some(self.0),
            self.0,
            rule,
        )
        .to_graphql()?;
        audit::read(ctx, Entity::Balance, self.0, self.0);
        service(ctx)
            .store()
            .balance(self.0)
            .await
            .map_err(BillingError::from)
            .to_graphql()
    }
}

fn service<'a>(ctx: &Context<'a>) -> &'a BillingService {
    ctx.data_unchecked::<BillingService>()
}
