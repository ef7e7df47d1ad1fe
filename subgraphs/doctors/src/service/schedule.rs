//! Working hours use cases. Every change locks the doctor's row first, so two receptionists
//! editing one doctor's hours at once are applied one after the other.

use chrono::{Days, NaiveDate};
use kit::context::RequestContext;
use schedule::{Exception, Span, WEEK, WeeklyHours, WeeklyInterval};
use uuid::Uuid;

use super::{DoctorService, lock};
use crate::{error::DoctorError, events, store::DoctorStore};

/// How far back time off and extra hours may be recorded (sick leave after the fact).
const PAST_DAYS: u64 = 366;
/// How far ahead anything can be planned.
const FUTURE_DAYS: u64 = 2 * 366;

/// The clinic's default week for a doctor registered without hours: Monday to Friday,
/// 08:00-18:00, from `valid_from`.
pub fn default_week(valid_from: NaiveDate) -> WeeklyHours {
    let span = Span::parse("default", "08:00", "18:00").expect("08:00-18:00 is a valid span");
    let intervals = WEEK[..5]
        .iter()
        .map(|&weekday| WeeklyInterval { weekday, span })
        .collect();
    WeeklyHours::new("default", valid_from, intervals).expect("one span a weekday is a valid week")
}

impl DoctorService {
    /// The doctor works `week` from its `valid_from` (today or later) until a later pattern
    /// starts; a pattern starting on the same date is replaced.
    #[tracing::instrument(skip_all, fields(%doctor_id, valid_from = %week.valid_from()))]
    pub async fn set_weekly_hours(
        &self,
        doctor_id: Uuid,
        week: WeeklyHours,
        context: &RequestContext,
    ) -> Result<WeeklyHours, DoctorError> {
        let today = self.today();
        if week.valid_from() < today {
            return Err(DoctorError::Invalid {
                field: "validFrom".into(),
                message: format!(
                    "{} is in the past in {}: new hours start today ({today}) or later, so the past stays as it was",
                    week.valid_from(),
                    self.zone
                ),
            });
        }
        self.within_planning_horizon("validFrom", week.valid_from())?;
        let mut tx = self.store.pool().begin().await?;
        lock(&mut tx, (doctor_id, "doctorId"), false).await?;
        DoctorStore::put_weekly_hours(&mut tx, doctor_id, &week).await?;
        DoctorStore::schedule_changed(&mut tx, doctor_id).await?;
        let event = events::weekly_hours_event(doctor_id, &week);
        self.outbox.record(&mut *tx, &event, context).await?;
        self.outbox.commit(tx).await?;
        Ok(week)
    }

    /// Records time off or extra hours; one overlapping another of its kind on that date is
    /// `CONFLICT` (remove the other first).
    #[tracing::instrument(skip_all, fields(%doctor_id, date = %exception.date, kind = exception.kind.as_str()))]
    pub async fn add_exception(
        &self,
        doctor_id: Uuid,
        exception: Exception,
        context: &RequestContext,
    ) -> Result<Exception, DoctorError> {
        self.within_planning_horizon("input.date", exception.date)?;
        let mut tx = self.store.pool().begin().await?;
        lock(&mut tx, (doctor_id, "doctorId"), false).await?;
        let existing = DoctorStore::exceptions_on(&mut tx, doctor_id, exception.date).await?;
        if let Some(clash) = existing
            .into_iter()
            .find(|other| other.clashes_with(&exception))
        {
            return Err(DoctorError::ScheduleClash(Box::new(clash)));
        }
        DoctorStore::insert_exception(&mut tx, doctor_id, &exception).await?;
        DoctorStore::schedule_changed(&mut tx, doctor_id).await?;
        let event = events::exception_event(events::EXCEPTION_ADDED, doctor_id, &exception);
        self.outbox.record(&mut *tx, &event, context).await?;
        self.outbox.commit(tx).await?;
        Ok(exception)
    }

    /// Removes time off or extra hours; returns what was removed and whose it was.
    #[tracing::instrument(skip_all, fields(exception_id = %id))]
    pub async fn remove_exception(
        &self,
        id: Uuid,
        context: &RequestContext,
    ) -> Result<(Uuid, Exception), DoctorError> {
        let mut tx = self.store.pool().begin().await?;
        let (doctor_id, _) = DoctorStore::find_exception(&mut tx, id)
            .await?
            .ok_or(DoctorError::ExceptionNotFound(id))?;
        lock(&mut tx, (doctor_id, "id"), true).await?;
        // Read again under the doctor's lock: a concurrent removal may have won.
        let (_, exception) = DoctorStore::find_exception(&mut tx, id)
            .await?
            .ok_or(DoctorError::ExceptionNotFound(id))?;
        DoctorStore::delete_exception(&mut tx, id).await?;
        DoctorStore::schedule_changed(&mut tx, doctor_id).await?;
        let event = events::exception_event(events::EXCEPTION_REMOVED, doctor_id, &exception);
        self.outbox.record(&mut *tx, &event, context).await?;
        self.outbox.commit(tx).await?;
        Ok((doctor_id, exception))
    }

    fn within_planning_horizon(&self, field: &str, date: NaiveDate) -> Result<(), DoctorError> {
        let today = self.today();
        let earliest = today
            .checked_sub_days(Days::new(PAST_DAYS))
            .unwrap_or(today);
        let latest = today
            .checked_add_days(Days::new(FUTURE_DAYS))
            .unwrap_or(today);
        if (earliest..=latest).contains(&date) {
            return Ok(());
        }
        Err(DoctorError::Invalid {
            field: field.into(),
            message: format!("{date} is outside the planning range {earliest} to {latest}"),
        })
    }
}
