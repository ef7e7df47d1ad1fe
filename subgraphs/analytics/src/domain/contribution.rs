//! What one event adds to the per-day statistics: a set of counter increments, each on a
//! day (in the clinic's time zone) and a dotted path inside that day's document.
//!
//! Contributions depend on the event alone, never on what came before, so they can be
//! summed in any order: live consumption and a rebuild from the event store agree.
//!
//! Paths inside a day:
//! - `all.<counter>`, `doctor.<id>.<counter>`, `specialization.<name>.<counter>`,
//!   `serviceType.<name>.<counter>`, `hour.h<HH>.<counter>`, with counters `booked`,
//!   `cancelled`, `checkedIn`, `completed`, `noShows`, and `minutes` (minutes booked and not
//!   cancelled); all on the appointment's own date.
//! - `active.t<HH:MM>`: appointments not cancelled, by start time (the no-show rate's
//!   denominator counts those whose start has passed).
//! - `patients.registered`, on the registration date.
//! - `revenue.{billed,bills,settled,voided}` on the bill's creation date and `revenue.paid`
//!   on its payment date; `revenueByServiceType.<name>.{billed,paid}`,
//!   `revenueByPaymentType.<name>.paid`. Money is in cents.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use event_contract::{
    appointment::{Appointment, AppointmentChanged, Change},
    bill::{self, Bill, BillChanged},
    patient::{self, PatientChanged},
};
use kit::events::CloudEvent;
use rust_decimal::Decimal;

/// Increments by day, then by path. Zero increments are dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contribution(BTreeMap<NaiveDate, BTreeMap<String, i64>>);

impl Contribution {
    pub fn add(&mut self, day: NaiveDate, path: impl Into<String>, amount: i64) {
        if amount == 0 {
            return;
        }
        let counters = self.0.entry(day).or_default();
        let total = counters.entry(path.into()).or_default();
        *total += amount;
    }

    /// Adds every increment of `other`.
    pub fn merge(&mut self, other: &Contribution) {
        for (day, counters) in &other.0 {
            for (path, amount) in counters {
                self.add(*day, path.clone(), *amount);
            }
        }
    }

    /// Days with their non-zero increments.
    pub fn days(&self) -> impl Iterator<Item = (NaiveDate, Vec<(&str, i64)>)> {
        self.0.iter().filter_map(|(day, counters)| {
            let nonzero: Vec<(&str, i64)> = counters
                .iter()
                .filter(|(_, amount)| **amount != 0)
                .map(|(path, amount)| (path.as_str(), *amount))
                .collect();
            (!nonzero.is_empty()).then_some((*day, nonzero))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.days().next().is_none()
    }
}

/// How events are read: the clinic's zone (for instants such as a bill's creation) and its
/// currency (a bill in another one cannot be summed with the rest).
#[derive(Debug, Clone)]
pub struct Reading {
    pub zone: Tz,
    pub currency: String,
}

/// The statistics `event` adds; an error says why its data cannot be what its type
/// promises. Event types not counted here are stored and contribute nothing (a later
/// version can count them after a rebuild).
pub fn contribution(event: &CloudEvent, reading: &Reading) -> Result<Contribution, String> {
    let mut out = Contribution::default();
    let invalid = |reason: String| format!("{} data is not valid: {reason}", event.event_type);
    match event.event_type.as_str() {
        patient::CREATED => {
            let data: PatientChanged = event.data()?;
            out.add(data.patient.registration_date, "patients.registered", 1);
        }
        bill::CREATED => {
            let bill = event.data::<BillChanged>()?.bill;
            let cents = cents(&bill, reading)?;
            let created = local_date(bill.created_at, reading.zone);
            out.add(created, "revenue.billed", cents);
            out.add(created, "revenue.bills", 1);
            out.add(
                created,
                format!("revenueByServiceType.{}.billed", key(&bill.service_type)?),
                cents,
            );
        }
        bill::PAID => {
            let bill = event.data::<BillChanged>()?.bill;
            let cents = cents(&bill, reading)?;
            let paid_at = bill.paid_at.ok_or("a paid bill must carry `paidAt`")?;
            let payment = bill
                .payment_type
                .as_deref()
                .ok_or("a paid bill must carry `paymentType`")?;
            let paid = local_date(paid_at, reading.zone);
            out.add(paid, "revenue.paid", cents);
            out.add(
                paid,
                format!("revenueByServiceType.{}.paid", key(&bill.service_type)?),
                cents,
            );
            out.add(
                paid,
                format!("revenueByPaymentType.{}.paid", key(payment)?),
                cents,
            );
            out.add(
                local_date(bill.created_at, reading.zone),
                "revenue.settled",
                cents,
            );
        }
        bill::VOIDED => {
            let bill = event.data::<BillChanged>()?.bill;
            let cents = cents(&bill, reading)?;
            out.add(
                local_date(bill.created_at, reading.zone),
                "revenue.voided",
                cents,
            );
        }
        other => {
            if let Some(change) = Change::of(other) {
                let data: AppointmentChanged = event.data()?;
                let appointment = Counted::new(&data.appointment).map_err(invalid)?;
                let previous = data
                    .previous
                    .as_ref()
                    .map(Counted::new)
                    .transpose()
                    .map_err(invalid)?;
                appointment.contribute(change, previous, &mut out)?;
            }
        }
    }
    Ok(out)
}

fn local_date(instant: DateTime<Utc>, zone: Tz) -> NaiveDate {
    instant.with_timezone(&zone).date_naive()
}

/// A name used as a path segment: an enum name (`CARDIOLOGY`), never a dot or a `$`.
fn key(name: &str) -> Result<&str, String> {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Ok(name)
    } else {
        Err(format!("{name:?} is not a valid name"))
    }
}

/// An appointment as it counts: checked so that every path it yields is well-formed.
struct Counted<'a>(&'a Appointment);

impl<'a> Counted<'a> {
    fn new(appointment: &'a Appointment) -> Result<Self, String> {
        key(&appointment.doctor_specialization)?;
        key(&appointment.service_type)?;
        if appointment.time.len() != 5
            || chrono::NaiveTime::parse_from_str(&appointment.time, "%H:%M").is_err()
        {
            return Err(format!("time {:?} is not HH:MM", appointment.time));
        }
        if appointment.duration_minutes <= 0 {
            return Err(format!(
                "duration {} is not positive",
                appointment.duration_minutes
            ));
        }
        Ok(Self(appointment))
    }

    /// What `change` to this appointment (from `previous`, for a reschedule) adds.
    fn contribute(
        &self,
        change: Change,
        previous: Option<Counted<'_>>,
        out: &mut Contribution,
    ) -> Result<(), String> {
        match change {
            Change::Created => self.book(out, 1),
            Change::Rescheduled => {
                let previous = previous.ok_or("a rescheduled event must carry `previous`")?;
                previous.book(out, -1);
                self.book(out, 1);
            }
            Change::Cancelled => {
                self.count(out, "cancelled", 1);
                self.count(out, "minutes", -i64::from(self.0.duration_minutes));
                out.add(self.0.date, self.active_path(), -1);
            }
            Change::CheckedIn => self.count(out, "checkedIn", 1),
            Change::Completed => self.count(out, "completed", 1),
            Change::NoShow => self.count(out, "noShows", 1),
        }
        Ok(())
    }

    /// The groups an appointment counts in, as path prefixes.
    fn groups(&self) -> [String; 5] {
        let appointment = self.0;
        [
            "all".to_owned(),
            format!("doctor.{}", appointment.doctor_id),
            format!("specialization.{}", appointment.doctor_specialization),
            format!("serviceType.{}", appointment.service_type),
            format!("hour.h{}", &appointment.time[..2]),
        ]
    }

    fn count(&self, out: &mut Contribution, counter: &str, amount: i64) {
        for group in self.groups() {
            out.add(self.0.date, format!("{group}.{counter}"), amount);
        }
    }

    fn active_path(&self) -> String {
        format!("active.t{}", self.0.time)
    }

    /// A booking (`sign` 1) or its move away (`sign` -1).
    fn book(&self, out: &mut Contribution, sign: i64) {
        self.count(out, "booked", sign);
        self.count(out, "minutes", sign * i64::from(self.0.duration_minutes));
        out.add(self.0.date, self.active_path(), sign);
    }
}

/// A bill's amount in cents, if it is in the statistics' currency.
fn cents(bill: &Bill, reading: &Reading) -> Result<i64, String> {
    if bill.currency != reading.currency {
        return Err(format!(
            "bill in {} but statistics are kept in {}",
            bill.currency, reading.currency
        ));
    }
    let cents = (bill.amount * Decimal::ONE_HUNDRED).normalize();
    if cents.scale() > 0 {
        return Err(format!("amount {} has more than two decimals", bill.amount));
    }
    i64::try_from(cents).map_err(|_| format!("amount {} is out of range", bill.amount))
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn reading() -> Reading {
        Reading {
            zone: "America/New_York".parse().expect("zone"),
            currency: "EUR".to_owned(),
        }
    }

    fn appointment(date: &str, time: &str) -> Appointment {
        let at: DateTime<Utc> = format!("{date}T{time}:00Z").parse().expect("instant");
        Appointment {
            id: Uuid::nil(),
            patient_id: Uuid::nil(),
            doctor_id: Uuid::nil(),
            doctor_specialization: "CARDIOLOGY".to_owned(),
            service_type: "CONSULTATION".to_owned(),
            date: date.parse().expect("date"),
            time: time.to_owned(),
            duration_minutes: 30,
            starts_at: at,
            ends_at: at + chrono::Duration::minutes(30),
            status: "SCHEDULED".to_owned(),
            notes: None,
            cancellation_reason: None,
            created_at: at,
            updated_at: at,
        }
    }

    fn bill(amount: &str, currency: &str, created_at: &str) -> BillChanged {
        BillChanged {
            bill: Bill {
                id: Uuid::nil(),
                appointment_id: Uuid::nil(),
                patient_id: Uuid::nil(),
                service_type: "CONSULTATION".to_owned(),
                amount: amount.parse().expect("amount"),
                currency: currency.to_owned(),
                status: "UNPAID".to_owned(),
                payment_type: None,
                created_at: created_at.parse().expect("instant"),
                paid_at: None,
            },
        }
    }

    fn event(event_type: &str, data: &impl serde::Serialize) -> CloudEvent {
        CloudEvent::with_data("test", event_type, Uuid::nil(), data)
    }

    fn counters(contribution: &Contribution) -> Vec<(String, String, i64)> {
        contribution
            .days()
            .flat_map(|(day, counters)| {
                counters
                    .into_iter()
                    .map(move |(path, amount)| (day.to_string(), path.to_owned(), amount))
            })
            .collect()
    }

    #[test]
    fn a_reschedule_moves_the_booking_to_its_new_day_and_hour() {
        let moved = event(
            Change::Rescheduled.event_type(),
            &AppointmentChanged {
                appointment: appointment("2026-03-11", "14:00"),
                previous: Some(appointment("2026-03-10", "09:00")),
            },
        );
        let contribution = contribution(&moved, &reading()).expect("reads");
        let counters = counters(&contribution);
        let on = |day: &str, path: &str| {
            counters
                .iter()
                .find(|(d, p, _)| d == day && p == path)
                .map(|(_, _, amount)| *amount)
        };
        assert_eq!(on("2026-03-10", "all.booked"), Some(-1));
        assert_eq!(on("2026-03-10", "hour.h09.booked"), Some(-1));
        assert_eq!(on("2026-03-10", "active.t09:00"), Some(-1));
        assert_eq!(on("2026-03-11", "all.booked"), Some(1));
        assert_eq!(on("2026-03-11", "all.minutes"), Some(30));
        assert_eq!(on("2026-03-11", "hour.h14.booked"), Some(1));
        assert_eq!(on("2026-03-11", "active.t14:00"), Some(1));
    }

    #[test]
    fn a_bill_counts_on_its_local_date_in_cents() {
        let billed = event(bill::CREATED, &bill("80.50", "EUR", "2026-03-11T03:00:00Z"));
        let contribution = contribution(&billed, &reading()).expect("reads");
        // 03:00 UTC is 23:00 the day before in New York.
        assert!(counters(&contribution).contains(&(
            "2026-03-10".to_owned(),
            "revenue.billed".to_owned(),
            8050
        )));
    }

    #[test]
    fn data_that_cannot_be_counted_is_refused_with_the_reason() {
        let foreign = event(bill::CREATED, &bill("80.00", "USD", "2026-03-11T03:00:00Z"));
        assert_eq!(
            contribution(&foreign, &reading()).expect_err("foreign currency"),
            "bill in USD but statistics are kept in EUR"
        );
        let injected = event(
            Change::Created.event_type(),
            &AppointmentChanged {
                appointment: Appointment {
                    doctor_specialization: "X.$inc".to_owned(),
                    ..appointment("2026-03-10", "09:00")
                },
                previous: None,
            },
        );
        let reason = contribution(&injected, &reading()).expect_err("bad names");
        assert!(
            reason.starts_with("pms.appointment.created.v1 data is not valid")
                && reason.contains("is not a valid name"),
            "{reason}"
        );
        let unpadded = event(
            Change::Created.event_type(),
            &AppointmentChanged {
                appointment: Appointment {
                    time: "9:00".to_owned(),
                    ..appointment("2026-03-10", "09:00")
                },
                previous: None,
            },
        );
        let reason = contribution(&unpadded, &reading()).expect_err("bad time");
        assert!(reason.contains("is not HH:MM"), "{reason}");
        let unknown = event(patient::UPDATED, &serde_json::json!({}));
        assert!(
            contribution(&unknown, &reading())
                .expect("counted as nothing")
                .is_empty()
        );
    }
}
