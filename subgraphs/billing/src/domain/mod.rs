//! Billing rules, free of transport and storage: the price list, bill states and payments.

mod bill;
mod prices;

pub use bill::{Bill, BillStatus, PaymentType};
pub use prices::PriceList;
