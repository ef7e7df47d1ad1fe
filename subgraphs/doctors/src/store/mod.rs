//! Rows in MySQL/MariaDB: the only module that writes SQL. [`doctor`]: the doctors
//! themselves; [`schedule`]: their weekly hours and the exceptions to them.

mod doctor;
mod schedule;

pub use doctor::{DoctorFilter, DoctorStore};

/// `id, id, ...` as bound parameters, for an `IN (...)` list.
fn push_ids(query: &mut sqlx::QueryBuilder<'_, sqlx::MySql>, ids: &[uuid::Uuid]) {
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
}
