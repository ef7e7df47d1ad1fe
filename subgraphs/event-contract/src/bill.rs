//! `billing-events`, published by billing.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SOURCE: &str = "billing";
pub const CREATED: &str = "pms.bill.created.v1";
pub const PAID: &str = "pms.bill.paid.v1";
pub const VOIDED: &str = "pms.bill.voided.v1";

/// A bill as consumers see it. `amount` travels as a decimal string (`"80.50"`), in
/// `currency`; `status` and `paymentType` are the API's enum names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bill {
    pub id: Uuid,
    pub appointment_id: Uuid,
    pub patient_id: Uuid,
    pub service_type: String,
    pub amount: Decimal,
    pub currency: String,
    pub status: String,
    pub payment_type: Option<String>,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

/// The data of every bill event: the bill after the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillChanged {
    pub bill: Bill,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_travel_as_decimal_strings() {
        let bill = Bill {
            id: Uuid::nil(),
            appointment_id: Uuid::nil(),
            patient_id: Uuid::nil(),
            service_type: "CONSULTATION".to_owned(),
            amount: Decimal::new(8050, 2),
            currency: "EUR".to_owned(),
            status: "UNPAID".to_owned(),
            payment_type: None,
            created_at: Utc::now(),
            paid_at: None,
        };
        let json = serde_json::to_value(BillChanged { bill }).expect("serializes");
        assert_eq!(json["bill"]["amount"], "80.50");
        assert_eq!(json["bill"]["appointmentId"], Uuid::nil().to_string());
        assert_eq!(json["bill"]["paymentType"], serde_json::Value::Null);
    }
}
