//! A scripted week at the clinic, built with the producers' own event functions, and the
//! figures it must give (computed by hand in the comments).
//!
//! The week is 2025-03-03 (Monday) to 2025-03-09, clinic zone Europe/Berlin (UTC+1).
//! - Patients p1 (registered 03-03), p2 (03-04), p3 (02-28, before the week).
//! - Doctors d1 (CARDIOLOGY), d2 (PEDIATRICS). d1 works Monday to Friday 09:00-12:00 and
//!   13:00-17:00 (420 minutes) from 2025-01-06, then from 03-06 (Thursday) 08:00-12:00
//!   (240) and Saturday 09:00-13:00 (240); time off all of 03-04 and 03-05 14:00-17:00
//!   (and 03-03 13:00-17:00, removed again); extra hours 03-09 (Sunday) 10:00-12:00. Over
//!   the week: 420 + 0 + 240 + 240 + 240 + 240 + 120 = 1,500 minutes. d2's hours were never
//!   published: 5 x 480.
//! - a1: d1/p1, 03-03 09:00, 30 min, CONSULTATION -> completed.
//! - a2: d1/p2, 03-03 10:00, 60 min, CHECKUP -> cancelled.
//! - a3: d2/p1, 03-04 09:30, 30 min, CONSULTATION -> no-show.
//! - a4: d2/p2, 03-05 14:00, 45 min, VACCINATION -> rescheduled to 03-06 11:00 -> checked
//!   in -> completed.
//! - a5: d1/p3, 03-10 09:00 (after the week), CONSULTATION.
//! - Bills: b1 (a1) 80.00 created 03-03 08:00Z, paid CASH 03-05 10:00Z; b2 (a2) 45.50
//!   created 03-03 09:00Z, voided; b3 (a3) 80.00 created 03-03 23:30Z (03-04 00:30 in
//!   Berlin), unpaid; b4 (a4) 25.00 created 03-05 12:00Z, paid INSURANCE 03-06 12:00Z.

use appointments::{
    domain::{Appointment, AppointmentStatus, Slot, Transition},
    events::{appointment_event, change_of},
};
use billing::domain::{Bill, BillStatus, PaymentType};
use chrono::{DateTime, NaiveDate, Utc, Weekday};
use doctors::events::{EXCEPTION_ADDED, EXCEPTION_REMOVED, exception_event};
use event_contract::appointment::{self as contract, Change};
use kit::events::CloudEvent;
use rust_decimal::Decimal;
use schedule::{Exception, Span, WeeklyHours, WeeklyInterval};
use uuid::Uuid;

pub const FROM: &str = "2025-03-03";
pub const TO: &str = "2025-03-09";

pub struct Script {
    pub d1: Uuid,
    pub d2: Uuid,
    /// `(topic kind, event)` in publication order.
    pub events: Vec<(Topic, CloudEvent)>,
}

#[derive(Debug, Clone, Copy)]
pub enum Topic {
    Patients,
    Doctors,
    Appointments,
    Billing,
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

fn instant(text: &str) -> DateTime<Utc> {
    text.parse().expect("instant")
}

fn patient(registered: &str) -> CloudEvent {
    let patient = patients::domain::Patient {
        id: Uuid::now_v7(),
        name: "Ada Lovelace".to_owned(),
        email: format!("{}@example.org", Uuid::now_v7().simple()),
        phone: "+44 20 7946 0000".to_owned(),
        registration_date: date(registered),
        date_of_birth: None,
        address: None,
        archived_at: None,
    };
    patients::events::patient_event(patients::events::CREATED, &patient, &[])
}

/// A weekly pattern from `valid_from`: `(weekday, starts, ends)`.
fn weekly_hours(doctor: Uuid, valid_from: &str, intervals: &[(Weekday, &str, &str)]) -> CloudEvent {
    let intervals = intervals
        .iter()
        .map(|(weekday, starts, ends)| WeeklyInterval {
            weekday: *weekday,
            span: span(starts, ends),
        })
        .collect();
    let week = WeeklyHours::new("intervals", date(valid_from), intervals).expect("hours");
    doctors::events::weekly_hours_event(doctor, &week)
}

fn span(starts: &str, ends: &str) -> Span {
    Span::parse("span", starts, ends).expect("span")
}

fn time_off(day: &str, span: Option<Span>) -> Exception {
    Exception::time_off(Uuid::now_v7(), date(day), span, None).expect("time off")
}

/// An appointment whose events are made by the appointments subgraph's producer.
pub struct Booking {
    appointment: Appointment,
}

impl Booking {
    pub fn new(
        doctor: Uuid,
        specialization: &str,
        day: &str,
        time: &str,
        minutes: i32,
        service: &str,
    ) -> Self {
        let starts_at = instant(&format!("{day}T{time}:00Z"));
        let data = contract::Appointment {
            id: Uuid::now_v7(),
            patient_id: Uuid::now_v7(),
            doctor_id: doctor,
            doctor_specialization: specialization.to_owned(),
            service_type: service.to_owned(),
            date: date(day),
            time: time.to_owned(),
            duration_minutes: minutes,
            starts_at,
            ends_at: starts_at + chrono::Duration::minutes(i64::from(minutes)),
            status: "SCHEDULED".to_owned(),
            notes: None,
            cancellation_reason: None,
            created_at: starts_at,
            updated_at: starts_at,
        };
        Self {
            appointment: Appointment::try_from(data).expect("appointment"),
        }
    }

    pub fn created(&self) -> CloudEvent {
        appointment_event(Change::Created, &self.appointment, None)
    }

    fn moved(
        &mut self,
        transition: appointments::domain::Transition,
        status: AppointmentStatus,
    ) -> CloudEvent {
        let moved = self.appointment.apply(transition, Utc::now());
        moved.expect("a move the workflow allows");
        assert_eq!(self.appointment.status(), status);
        appointment_event(change_of(transition), &self.appointment, None)
    }

    fn rescheduled(&mut self, day: &str, time: &str) -> CloudEvent {
        let previous = self.appointment.clone();
        let minutes = self.appointment.slot().duration_minutes();
        let starts_at = instant(&format!("{day}T{time}:00Z"));
        let slot = Slot::restore(
            date(day),
            time.parse().expect("time"),
            minutes,
            starts_at,
            starts_at + chrono::Duration::minutes(i64::from(minutes)),
        )
        .expect("a slot");
        let moved = self.appointment.apply(Transition::Reschedule, Utc::now());
        moved.expect("a scheduled appointment moves");
        self.appointment.move_to(slot);
        appointment_event(Change::Rescheduled, &self.appointment, Some(&previous))
    }
}

struct Billed {
    bill: Bill,
}

impl Billed {
    fn new(booking: &Booking, amount: &str, created: &str) -> Self {
        Self {
            bill: Bill {
                id: Uuid::now_v7(),
                appointment_id: booking.appointment.id().uuid(),
                patient_id: booking.appointment.patient_id().uuid(),
                service_type: booking.appointment.service_type().as_str().to_owned(),
                amount: amount.parse::<Decimal>().expect("amount"),
                currency: "EUR".to_owned(),
                status: BillStatus::Unpaid,
                payment_type: None,
                created_at: instant(created),
                paid_at: None,
            },
        }
    }

    fn created(&self) -> CloudEvent {
        billing::events::bill_event(event_contract::bill::CREATED, &self.bill)
    }

    fn paid(&mut self, payment: PaymentType, at: &str) -> CloudEvent {
        self.bill.status = BillStatus::Paid;
        self.bill.payment_type = Some(payment);
        self.bill.paid_at = Some(instant(at));
        billing::events::bill_event(event_contract::bill::PAID, &self.bill)
    }

    fn voided(&mut self) -> CloudEvent {
        self.bill.status = BillStatus::Void;
        billing::events::bill_event(event_contract::bill::VOIDED, &self.bill)
    }
}

pub fn week() -> Script {
    use AppointmentStatus as S;
    use Topic::*;
    use appointments::domain::Transition as T;

    let (d1, d2) = (Uuid::now_v7(), Uuid::now_v7());
    let mut a1 = Booking::new(d1, "CARDIOLOGY", "2025-03-03", "09:00", 30, "CONSULTATION");
    let mut a2 = Booking::new(d1, "CARDIOLOGY", "2025-03-03", "10:00", 60, "CHECKUP");
    let mut a3 = Booking::new(d2, "PEDIATRICS", "2025-03-04", "09:30", 30, "CONSULTATION");
    let mut a4 = Booking::new(d2, "PEDIATRICS", "2025-03-05", "14:00", 45, "VACCINATION");
    let a5 = Booking::new(d1, "CARDIOLOGY", "2025-03-10", "09:00", 30, "CONSULTATION");
    let mut b1 = Billed::new(&a1, "80.00", "2025-03-03T08:00:00Z");
    let mut b2 = Billed::new(&a2, "45.50", "2025-03-03T09:00:00Z");
    let b3 = Billed::new(&a3, "80.00", "2025-03-03T23:30:00Z");
    let mut b4 = Billed::new(&a4, "25.00", "2025-03-05T12:00:00Z");

    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    let before: Vec<_> = weekdays
        .iter()
        .flat_map(|day| [(*day, "09:00", "12:00"), (*day, "13:00", "17:00")])
        .collect();
    let mut after: Vec<_> = weekdays
        .iter()
        .map(|day| (*day, "08:00", "12:00"))
        .collect();
    after.push((Weekday::Sat, "09:00", "13:00"));
    let off_tuesday = time_off("2025-03-04", None);
    let off_wednesday = time_off("2025-03-05", Some(span("14:00", "17:00")));
    let off_monday = time_off("2025-03-03", Some(span("13:00", "17:00")));
    let extra_sunday = Exception::extra_hours(
        Uuid::now_v7(),
        date("2025-03-09"),
        span("10:00", "12:00"),
        Some("vaccination day"),
    )
    .expect("extra hours");
    let exception = |event_type, exception| exception_event(event_type, d1, exception);

    let events = vec![
        (Doctors, weekly_hours(d1, "2025-01-06", &before)),
        (Doctors, exception(EXCEPTION_ADDED, &off_monday)),
        (Doctors, weekly_hours(d1, "2025-03-06", &after)),
        (Doctors, exception(EXCEPTION_ADDED, &off_tuesday)),
        (Doctors, exception(EXCEPTION_ADDED, &off_wednesday)),
        (Doctors, exception(EXCEPTION_ADDED, &extra_sunday)),
        (Doctors, exception(EXCEPTION_REMOVED, &off_monday)),
        (Patients, patient("2025-03-03")),
        (Patients, patient("2025-03-04")),
        (Patients, patient("2025-02-28")),
        (Appointments, a1.created()),
        (Appointments, a2.created()),
        (Appointments, a3.created()),
        (Appointments, a4.created()),
        (Appointments, a5.created()),
        (Billing, b1.created()),
        (Billing, b2.created()),
        (Billing, b3.created()),
        (Billing, b4.created()),
        (Appointments, a1.moved(T::CheckIn, S::CheckedIn)),
        (Appointments, a1.moved(T::Complete, S::Completed)),
        (Appointments, a2.moved(T::Cancel, S::Cancelled)),
        (Billing, b2.voided()),
        (Appointments, a3.moved(T::MarkNoShow, S::NoShow)),
        (Appointments, a4.rescheduled("2025-03-06", "11:00")),
        (Appointments, a4.moved(T::CheckIn, S::CheckedIn)),
        (Appointments, a4.moved(T::Complete, S::Completed)),
        (Billing, b1.paid(PaymentType::Cash, "2025-03-05T10:00:00Z")),
        (
            Billing,
            b4.paid(PaymentType::Insurance, "2025-03-06T12:00:00Z"),
        ),
    ];
    Script { d1, d2, events }
}
