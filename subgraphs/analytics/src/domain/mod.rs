//! Statistics without I/O: what each event contributes (to typed counters of a day),
//! doctors' working hours, date ranges, and the figures derived from per-day documents.

pub mod contribution;
pub mod counter;
pub mod hours;
pub mod range;
pub mod stats;

pub use contribution::{Contribution, Reading, contribution};
pub use counter::Counter;
pub use hours::{DoctorHours, HoursChange, hours_change};
pub use range::DateRange;
pub use stats::{AppointmentGrouping, Counts, Dashboard, Day, DoctorStats, Money, RevenueGrouping};
