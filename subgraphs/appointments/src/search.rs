//! The free-slot search: the doctors' working hours, read from the doctors subgraph at
//! search time, less the doctors' active appointments here. Computed in memory for at most
//! 31 days, then paged.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use kit::context::RequestContext;
use schedule::{
    FreeSlot, SlotQuery, Span,
    calendar::{Range, instant},
};
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

/// How much of a search to compute.
#[derive(Debug, Clone, Copy)]
pub enum Wanted {
    /// Every slot of the range (to count them).
    All,
    /// The first `count` slots after `after` (and the rest of the days searched with
    /// them): enough for a page and to tell whether another follows.
    After {
        after: Option<(DateTime<Utc>, Uuid)>,
        count: usize,
    },
}

/// Days searched first when only a page is wanted (most pages fill on the first working
/// day); each further step covers twice as many, up to [`MAX_DAYS_PER_STEP`].
const FIRST_STEP_DAYS: u64 = 1;
const MAX_DAYS_PER_STEP: u64 = 8;

impl AppointmentService {
    /// The free slots the search finds (all, or as `wanted`), ordered by start and then
    /// doctor: inside the doctor's working hours, outside time off, overlapping none of the
    /// doctor's scheduled or checked-in appointments, and not in the past.
    #[tracing::instrument(skip_all, fields(from = %search.from, to = %search.to))]
    pub async fn free_slots(
        &self,
        search: &SlotSearch<'_>,
        wanted: Wanted,
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
        let (mut from, mut step, after, count) = match wanted {
            Wanted::All => (search.from, u64::MAX, None, usize::MAX),
            Wanted::After { after, count } => {
                // Days before the cursor's hold nothing after it.
                let resume = after.map(|(starts_at, _)| {
                    starts_at.with_timezone(&self.zone).date_naive() - Days::new(1)
                });
                let from = resume
                    .filter(|day| *day > search.from)
                    .unwrap_or(search.from);
                (from, FIRST_STEP_DAYS, after, count)
            }
        };
        let now = Utc::now();
        let mut found = Vec::new();
        while from <= search.to && found.len() < count {
            let to = from
                .checked_add_days(Days::new(step.saturating_sub(1).min(366)))
                .map_or(search.to, |end| end.min(search.to));
            let mut slots = self
                .slots_between(search, &schedules, &ids, (from, to), now)
                .await?;
            slots.retain(|slot| after.is_none_or(|position| slot.key() > position));
            found.extend(slots);
            from = to + Days::new(1);
            if step < MAX_DAYS_PER_STEP {
                step = (step * 2).min(MAX_DAYS_PER_STEP);
            }
        }
        Ok(found)
    }

    /// The slots of the dates `from` to `to`, in order.
    async fn slots_between(
        &self,
        search: &SlotSearch<'_>,
        schedules: &[(Uuid, Arc<schedule::Schedule>)],
        ids: &[Uuid],
        (from, to): (NaiveDate, NaiveDate),
        now: DateTime<Utc>,
    ) -> Result<Vec<DoctorSlot>, AppointmentError> {
        // From the first date's midnight to the midnight after the last, in the clinic's zone.
        let since = instant(self.zone, from.and_time(NaiveTime::MIN));
        let until = instant(self.zone, (to + Days::new(1)).and_time(NaiveTime::MIN));
        let mut busy: HashMap<Uuid, Vec<Range>> = HashMap::new();
        for (doctor_id, range) in self.store.busy(ids, since, until).await? {
            busy.entry(doctor_id).or_default().push(range);
        }
        let query = SlotQuery {
            from,
            to,
            duration_minutes: search.duration_minutes,
            step_minutes: search.step_minutes,
            window: search.window,
            not_before: now,
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
