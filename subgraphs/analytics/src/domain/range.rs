//! The inclusive date ranges statistics are asked for.

use chrono::{Datelike as _, NaiveDate, Weekday};
use kit::error::InputError;

/// The longest range a query may span, in days (a leap year).
pub const MAX_DAYS: i64 = 366;

/// `from..=to`, both dates in the clinic's time zone, at most [`MAX_DAYS`] long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, InputError> {
        if from > to {
            return Err(InputError::new(
                "from",
                format!("`from` ({from}) is after `to` ({to})"),
            ));
        }
        let days = (to - from).num_days() + 1;
        if days > MAX_DAYS {
            return Err(InputError::new(
                "to",
                format!(
                    "the range {from}..{to} spans {days} days; ask for at most {MAX_DAYS} at a time"
                ),
            ));
        }
        Ok(Self { from, to })
    }

    /// Every day of the range, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        self.from.iter_days().take_while(|day| day <= &self.to)
    }

    /// Monday to Friday days in the range: what utilisation measures the time of a doctor
    /// without known hours against.
    pub fn working_days(&self) -> i64 {
        let weekdays = self
            .days()
            .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
            .count();
        i64::try_from(weekdays).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn a_range_is_inclusive_and_at_most_a_leap_year() {
        let year = DateRange::new(date("2028-01-01"), date("2028-12-31")).expect("366 days");
        assert_eq!(year.days().count(), 366);
        let error = DateRange::new(date("2028-01-01"), date("2029-01-01")).expect_err("367 days");
        assert_eq!(error.field, "to");
        assert!(error.message.contains("367 days"), "{}", error.message);
        let single = DateRange::new(date("2026-03-04"), date("2026-03-04")).expect("one day");
        assert_eq!(single.days().collect::<Vec<_>>(), vec![date("2026-03-04")]);
    }

    #[test]
    fn from_after_to_is_refused_on_from() {
        let error = DateRange::new(date("2026-03-05"), date("2026-03-04")).expect_err("reversed");
        assert_eq!(error.field, "from");
        assert_eq!(
            error.message,
            "`from` (2026-03-05) is after `to` (2026-03-04)"
        );
    }

    #[test]
    fn working_days_skip_weekends() {
        // 2026-11-23 is a Monday.
        let fortnight = DateRange::new(date("2026-11-23"), date("2026-12-06")).expect("range");
        assert_eq!(fortnight.working_days(), 10);
    }
}
