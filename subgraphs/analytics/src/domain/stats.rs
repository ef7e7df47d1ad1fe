//! Per-day documents as stored, and the figures the API derives from a range of them.

use std::{collections::BTreeMap, ops::AddAssign};

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::{
    DateRange,
    counter::{Counter, Group, MoneyTally, Tally},
};

/// Appointment counters of one group on one day. `minutes` counts booked minutes that were
/// not cancelled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Counts {
    pub booked: i64,
    pub cancelled: i64,
    pub checked_in: i64,
    pub completed: i64,
    pub no_shows: i64,
    pub minutes: i64,
}

impl Counts {
    pub fn add(&mut self, tally: Tally, amount: i64) {
        *match tally {
            Tally::Booked => &mut self.booked,
            Tally::Cancelled => &mut self.cancelled,
            Tally::CheckedIn => &mut self.checked_in,
            Tally::Completed => &mut self.completed,
            Tally::NoShows => &mut self.no_shows,
            Tally::Minutes => &mut self.minutes,
        } += amount;
    }
}

impl AddAssign<&Counts> for Counts {
    fn add_assign(&mut self, other: &Counts) {
        self.booked += other.booked;
        self.cancelled += other.cancelled;
        self.checked_in += other.checked_in;
        self.completed += other.completed;
        self.no_shows += other.no_shows;
        self.minutes += other.minutes;
    }
}

/// Money counters in cents: `billed`/`bills`/`settled`/`voided` on the bills' creation day,
/// `paid` on the payment day. `settled` is what was later paid of the bills created that
/// day, so `billed - settled - voided` is what is still owed of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Money {
    pub billed: i64,
    pub bills: i64,
    pub paid: i64,
    pub settled: i64,
    pub voided: i64,
}

impl Money {
    pub fn add(&mut self, tally: MoneyTally, amount: i64) {
        *match tally {
            MoneyTally::Billed => &mut self.billed,
            MoneyTally::Bills => &mut self.bills,
            MoneyTally::Paid => &mut self.paid,
            MoneyTally::Settled => &mut self.settled,
            MoneyTally::Voided => &mut self.voided,
        } += amount;
    }
}

impl AddAssign<&Money> for Money {
    fn add_assign(&mut self, other: &Money) {
        self.billed += other.billed;
        self.bills += other.bills;
        self.paid += other.paid;
        self.settled += other.settled;
        self.voided += other.voided;
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Patients {
    pub registered: i64,
}

/// One day's statistics (see `contribution` for how each part is fed). Groups' keys keep
/// the letter prefix of their paths (`h09`, `t14:30`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Day {
    #[serde(rename = "_id")]
    pub date: String,
    /// The batches whose counts the day holds and that are not finished yet (see `store`).
    pub batches: Vec<String>,
    pub all: Counts,
    pub active: BTreeMap<String, i64>,
    pub doctor: BTreeMap<String, Counts>,
    pub specialization: BTreeMap<String, Counts>,
    pub service_type: BTreeMap<String, Counts>,
    pub hour: BTreeMap<String, Counts>,
    pub patients: Patients,
    pub revenue: Money,
    pub revenue_by_service_type: BTreeMap<String, Money>,
    pub revenue_by_payment_type: BTreeMap<String, Money>,
}

impl Day {
    pub fn new(date: NaiveDate) -> Self {
        Self {
            date: date.to_string(),
            ..Self::default()
        }
    }

    /// Adds `amount` to `counter`.
    pub fn add(&mut self, counter: &Counter, amount: i64) {
        match counter {
            Counter::Appointments(group, tally) => {
                let counts = match group {
                    Group::All => &mut self.all,
                    Group::Doctor(id) => entry(&mut self.doctor, &id.to_string()),
                    Group::Specialization(name) => entry(&mut self.specialization, name.as_str()),
                    Group::ServiceType(name) => entry(&mut self.service_type, name.as_str()),
                    Group::Hour(hour) => entry(&mut self.hour, &format!("h{hour:02}")),
                };
                counts.add(*tally, amount);
            }
            Counter::Active(start) => {
                *entry(&mut self.active, &format!("t{}", start.as_str())) += amount;
            }
            Counter::PatientsRegistered => self.patients.registered += amount,
            Counter::Revenue(tally) => self.revenue.add(*tally, amount),
            Counter::RevenueByServiceType(name, tally) => {
                entry(&mut self.revenue_by_service_type, name.as_str()).add(*tally, amount);
            }
            Counter::RevenueByPaymentType(name, tally) => {
                entry(&mut self.revenue_by_payment_type, name.as_str()).add(*tally, amount);
            }
        }
    }
}

fn entry<'a, T: Default>(map: &'a mut BTreeMap<String, T>, key: &str) -> &'a mut T {
    map.entry(key.to_owned()).or_default()
}

/// The dashboard's figures over a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub patients_registered: i64,
    pub appointments: Counts,
    /// No-shows / appointments not cancelled whose start time has passed; `None` while no
    /// such appointment exists.
    pub no_show_rate: Option<f64>,
    pub revenue: Money,
}

impl Dashboard {
    /// `now` is the clinic's local time: it decides which appointments have started.
    pub fn compute(days: &[&Day], now: NaiveDateTime) -> Self {
        let mut dashboard = Self {
            patients_registered: 0,
            appointments: Counts::default(),
            no_show_rate: None,
            revenue: Money::default(),
        };
        let mut started = 0;
        let today = now.date();
        let time_now = now.format("t%H:%M").to_string();
        for day in days {
            dashboard.patients_registered += day.patients.registered;
            dashboard.appointments += &day.all;
            dashboard.revenue += &day.revenue;
            let Ok(date) = day.date.parse::<NaiveDate>() else {
                continue;
            };
            if date <= today {
                started += day
                    .active
                    .iter()
                    .filter(|(time, _)| date < today || **time <= time_now)
                    .map(|(_, count)| count)
                    .sum::<i64>();
            }
        }
        if started > 0 {
            dashboard.no_show_rate = Some(dashboard.appointments.no_shows as f64 / started as f64);
        }
        dashboard
    }

    /// What is still owed of the bills created in the range.
    pub fn outstanding(&self) -> i64 {
        self.revenue.billed - self.revenue.settled - self.revenue.voided
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentGrouping {
    Day,
    Doctor,
    Specialization,
    ServiceType,
    HourOfDay,
}

/// Appointment counters grouped: days in order (every day of the range, zeros included),
/// hours in order, other groups by bookings, most first.
pub fn appointment_stats(
    range: DateRange,
    days: &[&Day],
    grouping: AppointmentGrouping,
) -> Vec<(String, Counts)> {
    let pick: fn(&Day) -> &BTreeMap<String, Counts> = match grouping {
        AppointmentGrouping::Day => {
            return per_day(range, days, |day| day.all);
        }
        AppointmentGrouping::Doctor => |day| &day.doctor,
        AppointmentGrouping::Specialization => |day| &day.specialization,
        AppointmentGrouping::ServiceType => |day| &day.service_type,
        AppointmentGrouping::HourOfDay => |day| &day.hour,
    };
    // Groups whose every counter came back to zero (a booking moved away) are left out.
    let groups = merged(days, pick)
        .into_iter()
        .filter(|(_, counts)| *counts != Counts::default());
    if grouping == AppointmentGrouping::HourOfDay {
        return groups
            .map(|(key, counts)| (key.trim_start_matches('h').to_owned(), counts))
            .collect();
    }
    let mut sorted: Vec<_> = groups.collect();
    sorted.sort_by(|(a_key, a), (b_key, b)| b.booked.cmp(&a.booked).then(a_key.cmp(b_key)));
    sorted
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevenueGrouping {
    Day,
    PaymentType,
    ServiceType,
}

/// Money grouped: days in order (zeros included), other groups by amount paid, most first.
pub fn revenue_stats(
    range: DateRange,
    days: &[&Day],
    grouping: RevenueGrouping,
) -> Vec<(String, Money)> {
    let pick: fn(&Day) -> &BTreeMap<String, Money> = match grouping {
        RevenueGrouping::Day => return per_day(range, days, |day| day.revenue),
        RevenueGrouping::PaymentType => |day| &day.revenue_by_payment_type,
        RevenueGrouping::ServiceType => |day| &day.revenue_by_service_type,
    };
    let mut sorted: Vec<_> = merged(days, pick)
        .into_iter()
        .filter(|(_, money)| *money != Money::default())
        .collect();
    sorted.sort_by(|(a_key, a), (b_key, b)| {
        (b.paid, b.billed)
            .cmp(&(a.paid, a.billed))
            .then(a_key.cmp(b_key))
    });
    sorted
}

/// One doctor's counters over a range and how much of their working time was booked.
#[derive(Debug, Clone, PartialEq)]
pub struct DoctorStats {
    pub counts: Counts,
    /// The doctor's working minutes over the range.
    pub capacity_minutes: i64,
}

impl DoctorStats {
    pub fn compute(days: &[&Day], doctor: &str, capacity_minutes: i64) -> Self {
        let mut counts = Counts::default();
        for day in days {
            if let Some(day_counts) = day.doctor.get(doctor) {
                counts += day_counts;
            }
        }
        Self {
            counts,
            capacity_minutes,
        }
    }

    /// Minutes booked and not cancelled / capacity; `None` when the range has no working day.
    pub fn utilisation(&self) -> Option<f64> {
        (self.capacity_minutes > 0)
            .then(|| self.counts.minutes as f64 / self.capacity_minutes as f64)
    }
}

fn per_day<T: Default + Copy>(
    range: DateRange,
    days: &[&Day],
    pick: fn(&Day) -> T,
) -> Vec<(String, T)> {
    let by_date: BTreeMap<&str, &Day> = days.iter().map(|day| (day.date.as_str(), *day)).collect();
    range
        .days()
        .map(|date| {
            let key = date.to_string();
            let value = by_date
                .get(key.as_str())
                .map(|day| pick(day))
                .unwrap_or_default();
            (key, value)
        })
        .collect()
}

fn merged<T: Default + Clone + for<'a> AddAssign<&'a T>>(
    days: &[&Day],
    pick: fn(&Day) -> &BTreeMap<String, T>,
) -> BTreeMap<String, T> {
    let mut groups: BTreeMap<String, T> = BTreeMap::new();
    for day in days {
        for (key, value) in pick(day) {
            *groups.entry(key.clone()).or_default() += value;
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, booked: i64, no_shows: i64, active: &[(&str, i64)]) -> Day {
        Day {
            date: date.to_owned(),
            all: Counts {
                booked,
                no_shows,
                ..Counts::default()
            },
            active: active
                .iter()
                .map(|(time, count)| (format!("t{time}"), *count))
                .collect(),
            ..Day::default()
        }
    }

    #[test]
    fn the_no_show_rate_counts_only_appointments_that_have_started() {
        let days = [
            // Yesterday: three kept appointments (one a no-show).
            day("2026-03-09", 3, 1, &[("09:00", 2), ("15:00", 1)]),
            // Today at 12:00: the 09:00 one has started, the 14:00 ones have not.
            day("2026-03-10", 3, 0, &[("09:00", 1), ("14:00", 2)]),
            // Tomorrow: nothing has started.
            day("2026-03-11", 5, 0, &[("09:00", 5)]),
        ];
        let now = NaiveDateTime::parse_from_str("2026-03-10 12:00", "%Y-%m-%d %H:%M").expect("now");
        let days: Vec<&Day> = days.iter().collect();
        let dashboard = Dashboard::compute(&days, now);
        assert_eq!(dashboard.appointments.booked, 11);
        assert_eq!(dashboard.no_show_rate, Some(1.0 / 4.0));
        let nothing_started = Dashboard::compute(&days[2..], now);
        assert_eq!(nothing_started.no_show_rate, None);
    }

    #[test]
    fn outstanding_is_billed_less_settled_and_void() {
        let dashboard = Dashboard {
            patients_registered: 0,
            appointments: Counts::default(),
            no_show_rate: None,
            revenue: Money {
                billed: 10_000,
                bills: 3,
                paid: 9_999,
                settled: 4_000,
                voided: 2_500,
            },
        };
        assert_eq!(dashboard.outstanding(), 3_500);
    }
}
