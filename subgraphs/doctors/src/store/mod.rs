//! Rows in MySQL/MariaDB: the only module that writes SQL. [`doctor`]: the doctors
//! themselves; [`schedule`]: their weekly hours and the exceptions to them.

mod doctor;
mod schedule;

pub use doctor::{DoctorFilter, DoctorStore};
