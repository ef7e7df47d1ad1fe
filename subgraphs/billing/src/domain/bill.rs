//! The bill record and its enumerations.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// UNPAID until paid; VOID when its appointment was cancelled before payment. A paid bill
/// is never voided (refunds are out of scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillStatus {
    Unpaid,
    Paid,
    Void,
}

impl BillStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unpaid => "UNPAID",
            Self::Paid => "PAID",
            Self::Void => "VOID",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Unpaid, Self::Paid, Self::Void]
            .into_iter()
            .find(|status| status.as_str() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentType {
    Cash,
    CreditCard,
    DebitCard,
    Insurance,
    BankTransfer,
}

impl PaymentType {
    pub const ALL: [Self; 5] = [
        Self::Cash,
        Self::CreditCard,
        Self::DebitCard,
        Self::Insurance,
        Self::BankTransfer,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Cash => "CASH",
            Self::CreditCard => "CREDIT_CARD",
            Self::DebitCard => "DEBIT_CARD",
            Self::Insurance => "INSURANCE",
            Self::BankTransfer => "BANK_TRANSFER",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|payment| payment.as_str() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    pub id: Uuid,
    pub appointment_id: Uuid,
    pub patient_id: Uuid,
    pub service_type: String,
    /// Exact, two decimal places.
    pub amount: Decimal,
    /// ISO 4217.
    pub currency: String,
    pub status: BillStatus,
    pub payment_type: Option<PaymentType>,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}
