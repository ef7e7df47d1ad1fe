//! Events in (appointment events) and out (`billing-events`).

use kit::events::CloudEvent;
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::Bill;

pub const SOURCE: &str = "billing";
pub const CREATED: &str = "pms.bill.created.v1";
pub const PAID: &str = "pms.bill.paid.v1";
pub const VOIDED: &str = "pms.bill.voided.v1";

/// What billing reads of an appointment event's `data.appointment`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentFacts {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub service_type: String,
}

pub fn bill_event(event_type: &str, bill: &Bill) -> CloudEvent {
    CloudEvent::new(
        SOURCE,
        event_type,
        bill.id,
        serde_json::json!({ "bill": {
            "id": bill.id,
            "appointmentId": bill.appointment_id,
            "patientId": bill.patient_id,
            "serviceType": bill.service_type,
            "amount": bill.amount.to_string(),
            "currency": bill.currency,
            "status": bill.status.as_str(),
            "paymentType": bill.payment_type.map(|payment| payment.as_str()),
            "createdAt": bill.created_at,
            "paidAt": bill.paid_at,
        }}),
    )
}
