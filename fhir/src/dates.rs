//! FHIR date search values (`ge2026-01-01`, `2026-03`, `lt2027`) as ranges of booked days.

use chrono::{Datelike as _, Days, Months, NaiveDate};

/// The days a search keeps: `from..=to`, either side open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DayRange {
    /// Narrows the range by one value of a `date` parameter: what both allow.
    pub fn narrow(&mut self, value: &str) -> Result<(), String> {
        let (prefix, date) = split_prefix(value);
        let (low, high) = days_of(date)?;
        let (from, to) = match prefix {
            "eq" => (Some(low), Some(high)),
            "ge" => (Some(low), None),
            "gt" => (Some(next(high)?), None),
            "le" => (None, Some(high)),
            "lt" => (None, Some(previous(low)?)),
            other => {
                return Err(format!(
                    "The prefix `{other}` is not supported here: use eq, ge, gt, le or lt"
                ));
            }
        };
        self.from = later(self.from, from);
        self.to = earlier(self.to, to);
        Ok(())
    }

    /// True when no day can match (`from` after `to`).
    pub fn is_empty(&self) -> bool {
        matches!((self.from, self.to), (Some(from), Some(to)) if from > to)
    }
}

/// One exact day (`1990-04-12` or `eq1990-04-12`), for a birth date.
pub fn exact_day(value: &str) -> Result<NaiveDate, String> {
    match split_prefix(value) {
        ("eq", date) => match days_of(date)? {
            (low, high) if low == high => Ok(low),
            _ => Err(format!("`{date}` is not a whole day: give YYYY-MM-DD")),
        },
        (other, _) => Err(format!(
            "The prefix `{other}` is not supported here: give the day itself (YYYY-MM-DD)"
        )),
    }
}

fn split_prefix(value: &str) -> (&str, &str) {
    match value.get(..2) {
        Some(prefix) if prefix.bytes().all(|b| b.is_ascii_lowercase()) => (prefix, &value[2..]),
        _ => ("eq", value),
    }
}

/// The first and last day a date of year, month or day precision covers.
fn days_of(date: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let invalid = || {
        if date.contains('T') {
            format!(
                "`{date}` has a time: appointments are searched by their booked day (YYYY-MM-DD, YYYY-MM or YYYY)"
            )
        } else {
            format!("`{date}` is not a date: give YYYY-MM-DD, YYYY-MM or YYYY")
        }
    };
    let parts: Vec<&str> = date.split('-').collect();
    let number = |text: &str, digits: usize| -> Result<u32, String> {
        if text.len() == digits && text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse().map_err(|_| invalid())
        } else {
            Err(invalid())
        }
    };
    let year = i32::try_from(number(parts[0], 4)?).map_err(|_| invalid())?;
    match parts.as_slice() {
        [_] => {
            let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(invalid)?;
            let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(invalid)?;
            Ok((first, last))
        }
        [_, month] => {
            let first = NaiveDate::from_ymd_opt(year, number(month, 2)?, 1).ok_or_else(invalid)?;
            let last = first
                .checked_add_months(Months::new(1))
                .and_then(|date| date.pred_opt())
                .ok_or_else(invalid)?;
            Ok((first, last))
        }
        [_, month, day] => {
            let day = NaiveDate::from_ymd_opt(year, number(month, 2)?, number(day, 2)?)
                .ok_or_else(invalid)?;
            Ok((day, day))
        }
        _ => Err(invalid()),
    }
}

fn next(day: NaiveDate) -> Result<NaiveDate, String> {
    day.checked_add_days(Days::new(1))
        .ok_or_else(|| format!("no day follows {day}"))
}

fn previous(day: NaiveDate) -> Result<NaiveDate, String> {
    day.checked_sub_days(Days::new(1))
        .filter(|day| day.year() >= 1)
        .ok_or_else(|| format!("no day precedes {day}"))
}

fn later(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    a.max(b)
}

fn earlier(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    fn range(values: &[&str]) -> Result<DayRange, String> {
        let mut range = DayRange::default();
        for value in values {
            range.narrow(value)?;
        }
        Ok(range)
    }

    #[test]
    fn each_prefix_at_each_precision() {
        let cases = [
            ("2026-03-15", Some("2026-03-15"), Some("2026-03-15")),
            ("eq2026-03", Some("2026-03-01"), Some("2026-03-31")),
            ("2024-02", Some("2024-02-01"), Some("2024-02-29")),
            ("2026", Some("2026-01-01"), Some("2026-12-31")),
            ("ge2026-03", Some("2026-03-01"), None),
            ("gt2026-03", Some("2026-04-01"), None),
            ("gt2026-03-15", Some("2026-03-16"), None),
            ("le2026", None, Some("2026-12-31")),
            ("lt2026", None, Some("2025-12-31")),
            ("lt2026-03-01", None, Some("2026-02-28")),
        ];
        for (value, from, to) in cases {
            let expected = DayRange {
                from: from.map(day),
                to: to.map(day),
            };
            assert_eq!(range(&[value]), Ok(expected), "{value}");
        }
    }

    #[test]
    fn values_together_keep_what_both_allow() {
        let both = range(&["ge2026-01-10", "lt2026-02", "ge2026-01-05"]).expect("range");
        assert_eq!(both.from, Some(day("2026-01-10")));
        assert_eq!(both.to, Some(day("2026-01-31")));
        assert!(!both.is_empty());
        assert!(
            range(&["gt2026-05", "lt2026-05"])
                .expect("range")
                .is_empty()
        );
    }

    #[test]
    fn what_cannot_be_a_booked_day_is_refused_in_words() {
        let refusal = |value: &str| range(&[value]).expect_err(value);
        assert!(refusal("2026-03-15T10:00:00Z").contains("booked day"));
        assert!(refusal("ne2026-03-15").contains("`ne` is not supported"));
        assert!(refusal("sa2026").contains("`sa`"));
        assert!(refusal("2026-02-30").contains("not a date"));
        assert!(refusal("26-02-01").contains("not a date"));
        assert!(refusal("2026-1-01").contains("not a date"));
        assert!(refusal("").contains("not a date"));
    }

    #[test]
    fn a_birth_date_is_one_whole_day() {
        assert_eq!(exact_day("1990-04-12"), Ok(day("1990-04-12")));
        assert_eq!(exact_day("eq1990-04-12"), Ok(day("1990-04-12")));
        assert!(exact_day("1990-04").is_err());
        assert!(exact_day("ge1990-04-12").is_err());
    }
}
