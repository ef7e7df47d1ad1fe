//! What one event adds to the per-day statistics: a set of counter increments, each on a
//! day (in the clinic's time zone) and a [`Counter`] of that day.
//!
//! Contributions depend on the event alone, never on what came before, so they can be
//! summed in any order: live consumption and a rebuild from the event store agree.
//!
//! What counts where:
//! - an appointment in every group it belongs to (all, its doctor, specialization, service
//!   type, start hour): booked, cancelled, checked in, completed, no-shows, and minutes
//!   booked and not cancelled, all on its own date; and as active at its start time until
//!   cancelled;
//! - a patient as registered on the registration date;
//! - a bill as billed (and counted), settled when paid, or voided on its creation date, as
//!   paid on its payment date; by service type (billed, paid) and payment type (paid).
//!   Money is in cents.

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

use super::counter::{Counter, Group, MoneyTally, Name, StartTime, Tally};

/// Increments by day, then by counter. Zero increments are dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contribution(BTreeMap<NaiveDate, BTreeMap<Counter, i64>>);

impl Contribution {
    pub fn add(&mut self, day: NaiveDate, counter: Counter, amount: i64) {
        if amount == 0 {
            return;
        }
        let counters = self.0.entry(day).or_default();
        *counters.entry(counter).or_default() += amount;
    }

    /// Adds every increment of `other`.
    pub fn merge(&mut self, other: &Contribution) {
        for (day, counters) in &other.0 {
            for (counter, amount) in counters {
                self.add(*day, counter.clone(), *amount);
            }
        }
    }

    /// Days with their non-zero increments.
    pub fn days(&self) -> impl Iterator<Item = (NaiveDate, Vec<(&Counter, i64)>)> {
        self.0.iter().filter_map(|(day, counters)| {
            let nonzero: Vec<(&Counter, i64)> = counters
                .iter()
                .filter(|(_, amount)| **amount != 0)
                .map(|(counter, amount)| (counter, *amount))
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
            out.add(
                data.patient.registration_date,
                Counter::PatientsRegistered,
                1,
            );
        }
        bill::CREATED => {
            let bill = event.data::<BillChanged>()?.bill;
            let cents = cents(&bill, reading)?;
            let created = local_date(bill.created_at, reading.zone);
            let service = Name::new(&bill.service_type)?;
            out.add(created, Counter::Revenue(MoneyTally::Billed), cents);
            out.add(created, Counter::Revenue(MoneyTally::Bills), 1);
            out.add(
                created,
                Counter::RevenueByServiceType(service, MoneyTally::Billed),
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
            let (service, payment) = (Name::new(&bill.service_type)?, Name::new(payment)?);
            out.add(paid, Counter::Revenue(MoneyTally::Paid), cents);
            out.add(
                paid,
                Counter::RevenueByServiceType(service, MoneyTally::Paid),
                cents,
            );
            out.add(
                paid,
                Counter::RevenueByPaymentType(payment, MoneyTally::Paid),
                cents,
            );
            out.add(
                local_date(bill.created_at, reading.zone),
                Counter::Revenue(MoneyTally::Settled),
                cents,
            );
        }
        bill::VOIDED => {
            let bill = event.data::<BillChanged>()?.bill;
            let cents = cents(&bill, reading)?;
            out.add(
                local_date(bill.created_at, reading.zone),
                Counter::Revenue(MoneyTally::Voided),
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

/// An appointment as it counts: its groups and start time, checked.
struct Counted {
    date: NaiveDate,
    groups: [Group; 5],
    start: StartTime,
    minutes: i64,
}

impl Counted {
    fn new(appointment: &Appointment) -> Result<Self, String> {
        let start = StartTime::new(&appointment.time)?;
        if appointment.duration_minutes <= 0 {
            return Err(format!(
                "duration {} is not positive",
                appointment.duration_minutes
            ));
        }
        Ok(Self {
            date: appointment.date,
            groups: [
                Group::All,
                Group::Doctor(appointment.doctor_id),
                Group::Specialization(Name::new(&appointment.doctor_specialization)?),
                Group::ServiceType(Name::new(&appointment.service_type)?),
                Group::Hour(start.hour()),
            ],
            start,
            minutes: i64::from(appointment.duration_minutes),
        })
    }

    /// What `change` to this appointment (from `previous`, for a reschedule) adds.
    fn contribute(
        &self,
        change: Change,
        previous: Option<Counted>,
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
                self.count(out, Tally::Cancelled, 1);
                self.count(out, Tally::Minutes, -self.minutes);
                out.add(self.date, Counter::Active(self.start.clone()), -1);
            }
            Change::CheckedIn => self.count(out, Tally::CheckedIn, 1),
            Change::Completed => self.count(out, Tally::Completed, 1),
            Change::NoShow => self.count(out, Tally::NoShows, 1),
        }
        Ok(())
    }

    /// Adds `amount` to `tally` in every group.
    fn count(&self, out: &mut Contribution, tally: Tally, amount: i64) {
        for group in &self.groups {
            out.add(
                self.date,
                Counter::Appointments(group.clone(), tally),
                amount,
            );
        }
    }

    /// A booking (`sign` 1) or its move away (`sign` -1).
    fn book(&self, out: &mut Contribution, sign: i64) {
        self.count(out, Tally::Booked, sign);
        self.count(out, Tally::Minutes, sign * self.minutes);
        out.add(self.date, Counter::Active(self.start.clone()), sign);
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

    /// The increment of `counter` on `day`, if any.
    fn on(contribution: &Contribution, day: &str, counter: &Counter) -> Option<i64> {
        let day: NaiveDate = day.parse().expect("date");
        contribution
            .days()
            .filter(|(date, _)| *date == day)
            .flat_map(|(_, counters)| counters)
            .find(|(found, _)| *found == counter)
            .map(|(_, amount)| amount)
    }

    fn all(tally: Tally) -> Counter {
        Counter::Appointments(Group::All, tally)
    }

    fn at(time: &str) -> Counter {
        Counter::Active(StartTime::new(time).expect("time"))
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
        let moved = contribution(&moved, &reading()).expect("reads");
        let hour = |hour| Counter::Appointments(Group::Hour(hour), Tally::Booked);
        assert_eq!(on(&moved, "2026-03-10", &all(Tally::Booked)), Some(-1));
        assert_eq!(on(&moved, "2026-03-10", &hour(9)), Some(-1));
        assert_eq!(on(&moved, "2026-03-10", &at("09:00")), Some(-1));
        assert_eq!(on(&moved, "2026-03-11", &all(Tally::Booked)), Some(1));
        assert_eq!(on(&moved, "2026-03-11", &all(Tally::Minutes)), Some(30));
        assert_eq!(on(&moved, "2026-03-11", &hour(14)), Some(1));
        assert_eq!(on(&moved, "2026-03-11", &at("14:00")), Some(1));
    }

    #[test]
    fn a_bill_counts_on_its_local_date_in_cents() {
        let billed = event(bill::CREATED, &bill("80.50", "EUR", "2026-03-11T03:00:00Z"));
        let billed = contribution(&billed, &reading()).expect("reads");
        // 03:00 UTC is 23:00 the day before in New York.
        let revenue = Counter::Revenue(MoneyTally::Billed);
        assert_eq!(on(&billed, "2026-03-10", &revenue), Some(8050));
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
