//! Appointments the doctors' working hours no longer cover: time off or new hours recorded
//! after they were booked (or a booking made outside hours on purpose). Nothing is
//! cancelled; the front desk calls these patients.

use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
};

use kit::context::RequestContext;
use uuid::Uuid;

use crate::{
    domain::Appointment, error::AppointmentError, references::Doctors, service::AppointmentService,
    store::AppointmentFilter,
};

/// The most days one question covers.
pub const MAX_DAYS: i64 = 31;
/// The most appointments one question looks at.
const MAX_APPOINTMENTS: i64 = 10_000;

/// An appointment outside its doctor's hours, and why.
#[derive(Debug, Clone)]
pub struct OutsideHours {
    pub appointment: Appointment,
    /// "doctor … is off 13:00-18:00 on Wednesday 2027-01-06 (congress)".
    pub reason: String,
}

impl AppointmentService {
    /// The scheduled and checked-in appointments matching `filter` (its `from` and `to`
    /// required, at most 31 days) that their doctor's hours do not cover, by start time.
    #[tracing::instrument(skip_all)]
    pub async fn outside_working_hours(
        &self,
        filter: &AppointmentFilter,
        context: &RequestContext,
    ) -> Result<Vec<OutsideHours>, AppointmentError> {
        let (Some(from), Some(to)) = (filter.from, filter.to) else {
            return Err(AppointmentError::Invalid {
                field: "from".into(),
                message: "give `from` and `to`".into(),
            });
        };
        let days = (to - from).num_days() + 1;
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(AppointmentError::Invalid {
                field: "to".into(),
                message: format!(
                    "a question covers 1 to {MAX_DAYS} days from `from`; {from} to {to} is {days}"
                ),
            });
        }
        let appointments = self.store.active(filter, MAX_APPOINTMENTS).await?;
        if appointments.is_empty() {
            return Ok(Vec::new());
        }
        let doctors: Vec<Uuid> = appointments
            .iter()
            .map(|appointment| appointment.doctor_id().uuid())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        // An appointment may run past midnight: the day after `to` counts too.
        let until = to.succ_opt().unwrap_or(to);
        let schedules: HashMap<Uuid, Arc<schedule::Schedule>> = self
            .references
            .schedules(Doctors::Many(&doctors), from, until, context)
            .await?
            .into_iter()
            .collect();
        Ok(appointments
            .into_iter()
            .filter_map(|appointment| {
                let schedule = schedules.get(&appointment.doctor_id().uuid())?;
                let why = schedule
                    .check(appointment.slot().starts_at(), appointment.slot().ends_at())
                    .err()?;
                Some(OutsideHours {
                    reason: format!("doctor {} {why}", appointment.doctor_id()),
                    appointment,
                })
            })
            .collect())
    }
}
