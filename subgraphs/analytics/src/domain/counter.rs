//! The counters of a day, typed: what a [`super::Contribution`] adds to and what a
//! [`super::Day`] holds. A name inside one (a specialization, a service or payment type) is
//! checked when the counter is made, so a day's keys are always well-formed.

use uuid::Uuid;

/// An appointment counter of a group. `Minutes` counts booked minutes not cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tally {
    Booked,
    Cancelled,
    CheckedIn,
    Completed,
    NoShows,
    Minutes,
}

/// A money counter, in cents: `Billed`, `Bills`, `Settled` and `Voided` count on a bill's
/// creation day, `Paid` on its payment day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MoneyTally {
    Billed,
    Bills,
    Paid,
    Settled,
    Voided,
}

/// The groups an appointment counts in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    All,
    Doctor(Uuid),
    Specialization(Name),
    ServiceType(Name),
    /// The hour it starts, 0 to 23.
    Hour(u8),
}

/// One counter of a day.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Counter {
    Appointments(Group, Tally),
    /// Appointments not cancelled, by start time (`HH:MM`): the no-show rate's denominator
    /// counts those whose start has passed.
    Active(StartTime),
    PatientsRegistered,
    Revenue(MoneyTally),
    RevenueByServiceType(Name, MoneyTally),
    RevenueByPaymentType(Name, MoneyTally),
}

/// An enum name from an event (`CARDIOLOGY`), usable as a key: letters, digits, `_`, `-`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Name(String);

impl Name {
    pub fn new(name: &str) -> Result<Self, String> {
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(format!("{name:?} is not a valid name"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A wall-clock start time, `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StartTime(String);

impl StartTime {
    pub fn new(time: &str) -> Result<Self, String> {
        if time.len() == 5 && chrono::NaiveTime::parse_from_str(time, "%H:%M").is_ok() {
            Ok(Self(time.to_owned()))
        } else {
            Err(format!("time {time:?} is not HH:MM"))
        }
    }

    /// The hour, 0 to 23.
    pub fn hour(&self) -> u8 {
        self.0[..2].parse().unwrap_or_default()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_times_are_checked_when_made() {
        assert!(Name::new("GENERAL_PRACTICE").is_ok());
        assert_eq!(
            Name::new("X.$inc").expect_err("a dot"),
            "\"X.$inc\" is not a valid name"
        );
        assert!(Name::new("").is_err());
        assert_eq!(StartTime::new("09:30").expect("valid").hour(), 9);
        assert_eq!(
            StartTime::new("9:30").expect_err("unpadded"),
            "time \"9:30\" is not HH:MM"
        );
        assert!(StartTime::new("24:00").is_err());
    }
}
