//! What each service type costs, in one currency.

use std::{collections::HashMap, str::FromStr};

use rust_decimal::Decimal;

/// Prices by service type (`CONSULTATION`), with two decimal places, in `currency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceList {
    currency: String,
    prices: HashMap<String, Decimal>,
}

/// Default prices, overridable one by one.
pub const DEFAULTS: &str = "CONSULTATION=80.00,FOLLOW_UP=50.00,CHECKUP=60.00,VACCINATION=30.00,\
    LAB_TEST=40.00,IMAGING=150.00,PROCEDURE=250.00,SURGERY=1200.00,THERAPY=90.00";

impl PriceList {
    /// Parses `SERVICE=amount,...` over the defaults, in `currency` (three letters).
    pub fn parse(currency: &str, overrides: &str) -> Result<Self, String> {
        let currency = currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(format!("{currency:?} is not an ISO 4217 currency code"));
        }
        let mut prices = HashMap::new();
        for entry in DEFAULTS
            .split(',')
            .chain(overrides.split(','))
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
        {
            let (service, amount) = entry
                .split_once('=')
                .ok_or_else(|| format!("{entry:?} is not SERVICE=amount"))?;
            let amount = Decimal::from_str(amount.trim())
                .map_err(|_| format!("{amount:?} is not an amount"))?;
            if amount.is_sign_negative() || amount.scale() > 2 {
                return Err(format!(
                    "{amount} must be non-negative with at most two decimals"
                ));
            }
            prices.insert(service.trim().to_ascii_uppercase(), amount.round_dp(2));
        }
        Ok(Self { currency, prices })
    }

    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// The price of `service_type`, with exactly two decimals; `None` for an unknown type.
    pub fn price(&self, service_type: &str) -> Option<Decimal> {
        self.prices.get(service_type).map(|amount| {
            let mut amount = *amount;
            amount.rescale(2);
            amount
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_every_service_and_overrides_replace_them() {
        let prices = PriceList::parse("eur", "CONSULTATION=95.5").expect("valid");
        assert_eq!(prices.currency(), "EUR");
        assert_eq!(
            prices
                .price("CONSULTATION")
                .map(|p| p.to_string())
                .as_deref(),
            Some("95.50")
        );
        assert_eq!(
            prices.price("SURGERY").map(|p| p.to_string()).as_deref(),
            Some("1200.00")
        );
        assert_eq!(prices.price("MASSAGE"), None);
    }

    #[test]
    fn bad_prices_and_currencies_are_refused() {
        assert!(PriceList::parse("EURO", "").is_err());
        assert!(PriceList::parse("EUR", "CONSULTATION=-1").is_err());
        assert!(PriceList::parse("EUR", "CONSULTATION=1.005").is_err());
        assert!(PriceList::parse("EUR", "CONSULTATION").is_err());
    }
}
