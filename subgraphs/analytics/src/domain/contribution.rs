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
use kit::events::CloudEvent;
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

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

/// Event types this service counts; any other type is stored and contributes nothing (a
/// later version can count it after a rebuild).
pub mod types {
    pub const PATIENT_CREATED: &str = "pms.patient.created.v1";
    pub const APPOINTMENT_CREATED: &str = "pms.appointment.created.v1";
    pub const APPOINTMENT_RESCHEDULED: &str = "pms.appointment.rescheduled.v1";
    pub const APPOINTMENT_CANCELLED: &str = "pms.appointment.cancelled.v1";
    pub const APPOINTMENT_CHECKED_IN: &str = "pms.appointment.checked_in.v1";
    pub const APPOINTMENT_COMPLETED: &str = "pms.appointment.completed.v1";
    pub const APPOINTMENT_NO_SHOW: &str = "pms.appointment.no_show.v1";
    pub const BILL_CREATED: &str = "pms.bill.created.v1";
    pub const BILL_PAID: &str = "pms.bill.paid.v1";
    pub const BILL_VOIDED: &str = "pms.bill.voided.v1";
}

/// The statistics `event` adds; an error says why its data cannot be what its type promises.
pub fn contribution(event: &CloudEvent, reading: &Reading) -> Result<Contribution, String> {
    use types::*;

    let mut out = Contribution::default();
    match event.event_type.as_str() {
        PATIENT_CREATED => {
            let data: PatientData = parse(event)?;
            out.add(data.patient.registration_date, "patients.registered", 1);
        }
        APPOINTMENT_CREATED => {
            let data: AppointmentData = parse(event)?;
            data.appointment.book(&mut out, 1);
        }
        APPOINTMENT_RESCHEDULED => {
            let data: AppointmentData = parse(event)?;
            let previous = data
                .previous
                .ok_or("a rescheduled event must carry `previous`")?;
            previous.book(&mut out, -1);
            data.appointment.book(&mut out, 1);
        }
        APPOINTMENT_CANCELLED => {
            let data: AppointmentData = parse(event)?;
            let appointment = &data.appointment;
            appointment.count(&mut out, "cancelled", 1);
            appointment.count(
                &mut out,
                "minutes",
                -i64::from(appointment.duration_minutes),
            );
            out.add(appointment.date, appointment.active_path(), -1);
        }
        APPOINTMENT_CHECKED_IN => {
            let data: AppointmentData = parse(event)?;
            data.appointment.count(&mut out, "checkedIn", 1);
        }
        APPOINTMENT_COMPLETED => {
            let data: AppointmentData = parse(event)?;
            data.appointment.count(&mut out, "completed", 1);
        }
        APPOINTMENT_NO_SHOW => {
            let data: AppointmentData = parse(event)?;
            data.appointment.count(&mut out, "noShows", 1);
        }
        BILL_CREATED => {
            let bill = parse::<BillData>(event)?.bill;
            let cents = bill.cents(reading)?;
            let created = local_date(bill.created_at, reading.zone);
            out.add(created, "revenue.billed", cents);
            out.add(created, "revenue.bills", 1);
            out.add(
                created,
                format!("revenueByServiceType.{}.billed", key(&bill.service_type)?),
                cents,
            );
        }
        BILL_PAID => {
            let bill = parse::<BillData>(event)?.bill;
            let cents = bill.cents(reading)?;
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
        BILL_VOIDED => {
            let bill = parse::<BillData>(event)?.bill;
            let cents = bill.cents(reading)?;
            out.add(
                local_date(bill.created_at, reading.zone),
                "revenue.voided",
                cents,
            );
        }
        _ => {}
    }
    Ok(out)
}

fn parse<'a, T: Deserialize<'a>>(event: &'a CloudEvent) -> Result<T, String> {
    T::deserialize(&event.data)
        .map_err(|error| format!("{} data is not valid: {error}", event.event_type))
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

#[derive(Deserialize)]
struct PatientData {
    patient: PatientFacts,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatientFacts {
    registration_date: NaiveDate,
}

/// An appointment event's data, checked so that every path it yields is well-formed.
struct AppointmentData {
    appointment: AppointmentFacts,
    previous: Option<AppointmentFacts>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AppointmentFacts {
    doctor_id: Uuid,
    doctor_specialization: String,
    service_type: String,
    date: NaiveDate,
    time: String,
    duration_minutes: i32,
}

impl AppointmentFacts {
    /// The groups an appointment counts in, as path prefixes.
    fn groups(&self) -> [String; 5] {
        [
            "all".to_owned(),
            format!("doctor.{}", self.doctor_id),
            format!("specialization.{}", self.doctor_specialization),
            format!("serviceType.{}", self.service_type),
            format!("hour.h{}", &self.time[..2]),
        ]
    }

    fn count(&self, out: &mut Contribution, counter: &str, amount: i64) {
        for group in self.groups() {
            out.add(self.date, format!("{group}.{counter}"), amount);
        }
    }

    fn active_path(&self) -> String {
        format!("active.t{}", self.time)
    }

    /// A booking (`sign` 1) or its move away (`sign` -1).
    fn book(&self, out: &mut Contribution, sign: i64) {
        self.count(out, "booked", sign);
        self.count(out, "minutes", sign * i64::from(self.duration_minutes));
        out.add(self.date, self.active_path(), sign);
    }

    fn validate(&self) -> Result<(), String> {
        key(&self.doctor_specialization)?;
        key(&self.service_type)?;
        if self.time.len() != 5 || chrono::NaiveTime::parse_from_str(&self.time, "%H:%M").is_err() {
            return Err(format!("time {:?} is not HH:MM", self.time));
        }
        if self.duration_minutes <= 0 {
            return Err(format!(
                "duration {} is not positive",
                self.duration_minutes
            ));
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct BillData {
    bill: BillFacts,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BillFacts {
    service_type: String,
    amount: Decimal,
    currency: String,
    payment_type: Option<String>,
    created_at: DateTime<Utc>,
    paid_at: Option<DateTime<Utc>>,
}

impl BillFacts {
    fn cents(&self, reading: &Reading) -> Result<i64, String> {
        if self.currency != reading.currency {
            return Err(format!(
                "bill in {} but statistics are kept in {}",
                self.currency, reading.currency
            ));
        }
        let cents = (self.amount * Decimal::ONE_HUNDRED).normalize();
        if cents.scale() > 0 {
            return Err(format!("amount {} has more than two decimals", self.amount));
        }
        i64::try_from(cents).map_err(|_| format!("amount {} is out of range", self.amount))
    }
}

impl<'de> Deserialize<'de> for AppointmentData {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            appointment: AppointmentFacts,
            previous: Option<AppointmentFacts>,
        }
        let raw = Raw::deserialize(deserializer)?;
        for facts in std::iter::once(&raw.appointment).chain(raw.previous.as_ref()) {
            facts.validate().map_err(serde::de::Error::custom)?;
        }
        Ok(Self {
            appointment: raw.appointment,
            previous: raw.previous,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading() -> Reading {
        Reading {
            zone: "America/New_York".parse().expect("zone"),
            currency: "EUR".to_owned(),
        }
    }

    fn appointment(date: &str, time: &str) -> serde_json::Value {
        serde_json::json!({
            "id": Uuid::nil(), "doctorId": Uuid::nil(), "doctorSpecialization": "CARDIOLOGY",
            "serviceType": "CONSULTATION", "date": date, "time": time, "durationMinutes": 30,
        })
    }

    fn event(event_type: &str, data: serde_json::Value) -> CloudEvent {
        CloudEvent::new("test", event_type, Uuid::nil(), data)
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
            types::APPOINTMENT_RESCHEDULED,
            serde_json::json!({
                "appointment": appointment("2026-03-11", "14:00"),
                "previous": appointment("2026-03-10", "09:00"),
            }),
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
        let bill = event(
            types::BILL_CREATED,
            serde_json::json!({ "bill": {
                "serviceType": "CONSULTATION", "amount": "80.50", "currency": "EUR",
                "paymentType": null, "createdAt": "2026-03-11T03:00:00Z", "paidAt": null,
            }}),
        );
        let contribution = contribution(&bill, &reading()).expect("reads");
        // 03:00 UTC is 23:00 the day before in New York.
        assert!(counters(&contribution).contains(&(
            "2026-03-10".to_owned(),
            "revenue.billed".to_owned(),
            8050
        )));
    }

    #[test]
    fn data_that_cannot_be_counted_is_refused_with_the_reason() {
        let foreign = event(
            types::BILL_CREATED,
            serde_json::json!({ "bill": {
                "serviceType": "CONSULTATION", "amount": "80.00", "currency": "USD",
                "createdAt": "2026-03-11T03:00:00Z",
            }}),
        );
        assert_eq!(
            contribution(&foreign, &reading()).expect_err("foreign currency"),
            "bill in USD but statistics are kept in EUR"
        );
        let injected = event(
            types::APPOINTMENT_CREATED,
            serde_json::json!({ "appointment": {
                "id": Uuid::nil(), "doctorId": Uuid::nil(), "doctorSpecialization": "X.$inc",
                "serviceType": "CONSULTATION", "date": "2026-03-10", "time": "9:00",
                "durationMinutes": 30,
            }}),
        );
        let reason = contribution(&injected, &reading()).expect_err("bad names");
        assert!(reason.contains("is not a valid name"), "{reason}");
        let unknown = event("pms.patient.updated.v1", serde_json::json!({}));
        assert!(
            contribution(&unknown, &reading())
                .expect("counted as nothing")
                .is_empty()
        );
    }
}
