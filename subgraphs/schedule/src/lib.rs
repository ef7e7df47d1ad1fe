//! Doctors' working hours as values, shared by the service that owns them (doctors) and the
//! ones that book and measure against them (appointments, analytics). No I/O.
//!
//! - [`clock`]: wall-clock times of day (`HH:MM`, `24:00` as an end) and spans within a day.
//! - [`hours`]: a weekly pattern valid from a date, and the exceptions on a date (time off,
//!   extra hours), each validated when built.
//! - [`calendar`]: a doctor's whole schedule in the clinic's time zone: the working spans of
//!   a date, why an appointment falls outside them, and the free slots of a date range.
//! - [`wire`]: the same as data between services (events, GraphQL answers).
//!
//! Daylight-saving rule, everywhere: a wall-clock time that happens twice (clocks go back)
//! means its first occurrence; one that does not exist (clocks go forward) ends or starts a
//! span at the moment the clocks resume, and is never offered as a slot.

pub mod calendar;
pub mod clock;
pub mod hours;
pub mod wire;

pub use calendar::{FreeSlot, Schedule, SlotQuery, Unavailable};
pub use clock::{ClockTime, Span};
pub use hours::{Exception, ExceptionKind, WEEK, WeeklyHours, WeeklyInterval};

/// A rule an input broke, naming the input field (`intervals[2].ends`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ScheduleError {
    pub field: String,
    pub message: String,
}

impl ScheduleError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}
