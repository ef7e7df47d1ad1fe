//! Reading statistics: figures derived from the read model's days (see `store`).

use chrono::Utc;
use uuid::Uuid;

use crate::{
    domain::{
        AppointmentGrouping, Counts, Dashboard, DateRange, DoctorStats, Money, RevenueGrouping,
        stats,
    },
    store::StatsStore,
};

#[derive(Clone)]
pub struct Statistics {
    store: StatsStore,
    workday_minutes: i64,
}

impl Statistics {
    pub fn new(store: StatsStore, workday_minutes: i64) -> Self {
        Self {
            store,
            workday_minutes,
        }
    }

    pub fn currency(&self) -> &str {
        &self.store.reading().currency
    }

    pub fn dashboard(&self, range: DateRange) -> Dashboard {
        let now = Utc::now()
            .with_timezone(&self.store.reading().zone)
            .naive_local();
        self.store
            .with_days(range, |days| Dashboard::compute(days, now))
    }

    pub fn appointments(
        &self,
        range: DateRange,
        grouping: AppointmentGrouping,
    ) -> Vec<(String, Counts)> {
        self.store.with_days(range, |days| {
            stats::appointment_stats(range, days, grouping)
        })
    }

    pub fn revenue(&self, range: DateRange, grouping: RevenueGrouping) -> Vec<(String, Money)> {
        self.store
            .with_days(range, |days| stats::revenue_stats(range, days, grouping))
    }

    /// One doctor's figures, measured against the working time their hours give over
    /// `range`, or (no hours seen for them) `workday_minutes` per Monday-to-Friday day.
    pub fn doctor(&self, range: DateRange, doctor: Uuid) -> DoctorStats {
        let capacity_minutes = self
            .store
            .working_minutes(doctor, range)
            .unwrap_or_else(|| range.working_days() * self.workday_minutes);
        let doctor = doctor.to_string();
        self.store.with_days(range, |days| {
            DoctorStats::compute(days, &doctor, capacity_minutes)
        })
    }
}
