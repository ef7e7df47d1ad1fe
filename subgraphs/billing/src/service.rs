//! Billing use cases: appointment events become bills, payments settle them. Each effect,
//! the consumed event's id and the produced event commit in one transaction.

use chrono::Utc;
use event_contract::appointment::{Appointment, AppointmentChanged, Change};
use kit::{
    audit::{AuditRecord, Entity},
    consumer::{EventHandler, Reject},
    context::RequestContext,
    events::CloudEvent,
    outbox::Outbox,
};
use uuid::Uuid;

use crate::{
    domain::{Bill, BillStatus, PaymentType, PriceList},
    error::BillingError,
    events::bill_event,
    store::BillStore,
};

/// The service's name in audit records.
pub const SERVICE: &str = "billing";
/// The audit action of a payment.
pub const PAY: &str = "pay";

#[derive(Clone, Debug)]
pub struct BillingService {
    store: BillStore,
    outbox: Outbox,
    prices: PriceList,
}

impl BillingService {
    pub fn new(store: BillStore, outbox: Outbox, prices: PriceList) -> Self {
        Self {
            store,
            outbox,
            prices,
        }
    }

    pub fn store(&self) -> &BillStore {
        &self.store
    }

    /// Takes a payment. Only an unpaid bill can be paid; of concurrent payments one wins.
    #[tracing::instrument(skip_all, fields(bill_id = %id))]
    pub async fn pay(
        &self,
        id: Uuid,
        payment: PaymentType,
        context: &RequestContext,
    ) -> Result<Bill, BillingError> {
        let mut tx = self.store.pool().begin().await?;
        let Some(bill) = BillStore::pay(&mut tx, id, payment).await? else {
            let status = BillStore::status_of(&mut tx, id)
                .await?
                .ok_or(BillingError::NotFound(id))?;
            return Err(BillingError::NotPayable {
                id,
                status: status.as_str(),
            });
        };
        self.outbox
            .record(
                &mut *tx,
                &bill_event(event_contract::bill::PAID, &bill),
                context,
            )
            .await?;
        let record = written(context, PAY, &bill, &["status", "paymentType", "paidAt"]);
        self.outbox
            .record_access(&mut *tx, &record, context)
            .await?;
        self.outbox.commit(tx).await?;
        Ok(bill)
    }

    /// Applies one appointment event, once: a redelivered event changes nothing.
    ///
    /// Policy: a booking makes one UNPAID bill priced by its service type; a cancellation
    /// voids an unpaid bill (a paid one stays paid), and a cancellation seen before its
    /// booking makes the bill VOID from the start; a no-show keeps the bill payable (the
    /// slot was held); other moves change nothing.
    #[tracing::instrument(skip_all, fields(event_id = %event.id, event_type = %event.event_type))]
    pub async fn apply(&self, event: &CloudEvent) -> anyhow::Result<()> {
        let change = match Change::of(&event.event_type) {
            Some(change @ (Change::Created | Change::Cancelled)) => change,
            _ => return Ok(()),
        };
        let appointment = event
            .data::<AppointmentChanged>()
            .map_err(Reject)?
            .appointment;
        // Billing acts on its own here, for the event: the audit trail names the event as
        // the request, and what it produces carries on the booking's trace.
        let context = RequestContext {
            request_id: format!("event:{}", event.id),
            traceparent: event.traceparent.clone(),
            via: Some(SERVICE.to_owned()),
            ..RequestContext::default()
        };
        let mut tx = self.store.pool().begin().await?;
        if !BillStore::claim_event(&mut tx, event.id).await? {
            tracing::debug!("already applied");
            return Ok(());
        }
        let produced = if change == Change::Created {
            self.bill_for(&mut tx, &appointment).await?
        } else {
            self.void_for(&mut tx, &appointment).await?
        };
        for (event, bill, action) in &produced {
            self.outbox.record(&mut *tx, event, &context).await?;
            let record = written(&context, action, bill, &["amount", "status", "serviceType"]);
            self.outbox
                .record_access(&mut *tx, &record, &context)
                .await?;
        }
        tx.commit().await?;
        if !produced.is_empty() {
            self.outbox.wake();
        }
        Ok(())
    }

    async fn bill_for(
        &self,
        tx: &mut sqlx::PgConnection,
        appointment: &Appointment,
    ) -> anyhow::Result<Vec<Produced>> {
        let amount = self
            .prices
            .price(&appointment.service_type)
            .ok_or_else(|| {
                anyhow::anyhow!("no price for service type {:?}", appointment.service_type)
            })?;
        let voided = BillStore::was_cancelled_early(tx, appointment.id).await?;
        let bill = Bill {
            id: Uuid::now_v7(),
            appointment_id: appointment.id,
            patient_id: appointment.patient_id,
            service_type: appointment.service_type.clone(),
            amount,
            currency: self.prices.currency().to_owned(),
            status: if voided {
                BillStatus::Void
            } else {
                BillStatus::Unpaid
            },
            payment_type: None,
            created_at: Utc::now(),
            paid_at: None,
        };
        if !BillStore::insert(tx, &bill).await? {
            return Ok(Vec::new());
        }
        let mut produced = vec![(
            bill_event(event_contract::bill::CREATED, &bill),
            bill.clone(),
            "create",
        )];
        if voided {
            produced.push((bill_event(event_contract::bill::VOIDED, &bill), bill, VOID));
        }
        Ok(produced)
    }

    async fn void_for(
        &self,
        tx: &mut sqlx::PgConnection,
        appointment: &Appointment,
    ) -> anyhow::Result<Vec<Produced>> {
        if let Some(bill) = BillStore::void_unpaid(tx, appointment.id).await? {
            return Ok(vec![(
                bill_event(event_contract::bill::VOIDED, &bill),
                bill,
                VOID,
            )]);
        }
        if !BillStore::has_bill(tx, appointment.id).await? {
            BillStore::remember_cancellation(tx, appointment.id).await?;
        }
        Ok(Vec::new())
    }
}

/// An event a consumed event produced, with the bill it is about and its audit action.
type Produced = (CloudEvent, Bill, &'static str);

/// The audit action of a voided bill.
const VOID: &str = "void";

/// The audit record of `action` on `bill`, changing `fields`.
fn written(context: &RequestContext, action: &str, bill: &Bill, fields: &[&str]) -> AuditRecord {
    AuditRecord::write(
        SERVICE,
        context,
        action,
        Entity::Bill,
        bill.id,
        bill.patient_id,
        fields,
    )
}

impl EventHandler for BillingService {
    async fn handle(&self, _topic: &str, event: CloudEvent) -> anyhow::Result<()> {
        self.apply(&event).await
    }
}
