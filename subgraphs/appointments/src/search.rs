//! The free-slot search: the doctors' working hours, read from the doctors subgraph at
//! search time, less the doctors' active appointments here. Computed in memory for at most
//! 31 days, then paged.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use kit::context::RequestContext;
use schedule::{FreeSlot, SlotQuery, Span, calendar::Range};
use uuid::Uuid;

use crate::{error::AppointmentError, references::Doctors, service::AppointmentService};

/// The most days one search covers.
pub const MAX_SEARCH_DAYS: i64 = 31;
/// Candidate starts are this many minutes apart unless asked otherwise.
pub const DEFAULT_STEP_MINUTES: u16 = 15;

/// A validated search.
#[derive(Debug, Clone, Copy)]
pub struct SlotSearch<'a> {
    pub doctors: Doctors<'a>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub duration_minutes: u16,
    pub step_minutes: u16,
    pub window: Option<Span>,
}

/// A free slot and whose it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoctorSlot {
    pub doctor_id: Uuid,
    pub slot: FreeSlot,
}

impl DoctorSlot {
    /// Where a page ends: slots are ordered by start, then doctor.
    pub fn cursor(&self) -> String {
        format!(
            "{}~{}",
            self.slot.starts_at.timestamp_millis(),
            self.doctor_id
        )
    }

    fn key(&self) -> (DateTime<Utc>, Uuid) {
        (self.slot.starts_at, self.doctor_id)
    }
}

/// The position a [`DoctorSlot::cursor`] names.
pub fn parse_cursor(cursor: &str) -> Result<(DateTime<Utc>, Uuid), AppointmentError> {
    cursor
        .split_once('~')
        .and_then(|(millis, doctor)| {
            let starts = DateTime::from_timestamp_millis(millis.parse().ok()?)?;
            Some((starts, doctor.parse().ok()?))
        })
        .ok_or_else(|| AppointmentError::Invalid {
            field: "after".into(),
            message: "`after` is not a cursor returned by this search".into(),
        })
}

impl SlotSearch<'_> {
    /// Checks the dates (`from` to `to`, 1 to 31 days), the duration (5 to 480 minutes) and
    /// the step (5 to 60 minutes).
    pub fn validate(&self) -> Result<(), AppointmentError> {
        let invalid = |field: &str, message: String| AppointmentError::Invalid {
            field: field.into(),
            message,
        };
        let days = (self.to - self.from).num_days() + 1;
        if !(1..=MAX_SEARCH_DAYS).contains(&days) {
            return Err(invalid(
                "to",
                format!(
                    "a search covers 1 to {MAX_SEARCH_DAYS} days from `from`; {} to {} is {days}",
                    self.from, self.to
                ),
            ));
        }
        if !(5..=480).contains(&self.duration_minutes) {
            return Err(invalid(
                "durationMinutes",
                format!(
                    "an appointment lasts 5 to 480 minutes, got {}",
                    self.duration_minutes
                ),
            ));
        }
        if !(5..=60).contains(&self.step_minutes) {
            return Err(invalid(
                "stepMinutes",
                format!("slots are 5 to 60 minutes apart, got {}", self.step_minutes),
            ));
        }
        Ok(())
    }
}

impl AppointmentService {
    /// Every free slot the search finds, ordered by start and then doctor: inside the
    /// doctor's working hours, outside time off, overlapping none of the doctor's scheduled
    /// or checked-in appointments, and not in the past.
    #[tracing::instrument(skip_all, fields(from = %search.from, to = %search.to))]
    pub async fn free_slots(
        &self,
        search: &SlotSearch<'_>,
        context: &RequestContext,
    ) -> Result<Vec<DoctorSlot>, AppointmentError> {
        search.validate()?;
        let schedules = self
            .references
            .schedules(search.doctors, search.from, search.to, context)
            .await?;
        if schedules.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = schedules.iter().map(|(id, _)| *id).collect();
        // Every instant the dates can cover, with room for any zone's offset.
        let since = search.from.and_time(NaiveTime::MIN).and_utc() - Duration::days(2);
        let until = search.to.and_time(NaiveTime::MIN).and_utc() + Duration::days(3);
        let mut busy: HashMap<Uuid, Vec<Range>> = HashMap::new();
        for (doctor_id, range) in self.store.busy(&ids, since, until).await? {
            busy.entry(doctor_id).or_default().push(range);
        }
        let query = SlotQuery {
            from: search.from,
            to: search.to,
            duration_minutes: search.duration_minutes,
            step_minutes: search.step_minutes,
            window: search.window,
            not_before: Utc::now(),
        };
        let mut slots: Vec<DoctorSlot> = schedules
            .iter()
            .flat_map(|(doctor_id, schedule)| {
                let taken = busy.get(doctor_id).map_or(&[][..], Vec::as_slice);
                schedule
                    .free_slots(&query, taken)
                    .into_iter()
                    .map(|slot| DoctorSlot {
                        doctor_id: *doctor_id,
                        slot,
                    })
            })
            .collect();
        slots.sort_by_key(DoctorSlot::key);
        Ok(slots)
    }
}

/// The slots after `after` (a cursor's position), `first` of them, and whether more follow.
pub fn page(
    slots: &[DoctorSlot],
    after: Option<(DateTime<Utc>, Uuid)>,
    first: usize,
) -> (&[DoctorSlot], bool) {
    let start = after.map_or(0, |position| {
        slots.partition_point(|slot| slot.key() <= position)
    });
    let rest = &slots[start..];
    let end = first.min(rest.len());
    (&rest[..end], rest.len() > end)
}
