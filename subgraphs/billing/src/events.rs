//! The events this service publishes to `billing-events`, in the contract's types
//! (`event_contract::bill`).

use event_contract::bill::{self as contract, BillChanged};
use kit::events::CloudEvent;

use crate::domain::Bill;

impl From<&Bill> for contract::Bill {
    fn from(bill: &Bill) -> Self {
        Self {
            id: bill.id,
            appointment_id: bill.appointment_id,
            patient_id: bill.patient_id,
            service_type: bill.service_type.clone(),
            amount: bill.amount,
            currency: bill.currency.clone(),
            status: bill.status.as_str().to_owned(),
            payment_type: bill.payment_type.map(|payment| payment.as_str().to_owned()),
            created_at: bill.created_at,
            paid_at: bill.paid_at,
        }
    }
}

/// An event of `event_type` (`event_contract::bill::CREATED`, ...) carrying the bill after
/// the change.
pub fn bill_event(event_type: &str, bill: &Bill) -> CloudEvent {
    CloudEvent::with_data(
        contract::SOURCE,
        event_type,
        bill.id,
        &BillChanged { bill: bill.into() },
    )
}
