//! Reading statistics: ranges checked, days fetched, figures derived.

use chrono::Utc;
use uuid::Uuid;

use crate::{
    domain::{
        AppointmentGrouping, Counts, Dashboard, DateRange, DoctorStats, Money, RevenueGrouping,
        stats,
    },
    error::AnalyticsError,
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

    pub async fn dashboard(&self, range: DateRange) -> Result<Dashboard, AnalyticsError> {
        let days = self.store.days(range, None).await?;
        let now = Utc::now()
            .with_timezone(&self.store.reading().zone)
            .naive_local();
        Ok(Dashboard::compute(&days, now))
    }

    pub async fn appointments(
        &self,
        range: DateRange,
        grouping: AppointmentGrouping,
    ) -> Result<Vec<(String, Counts)>, AnalyticsError> {
        let days = self.store.days(range, None).await?;
        Ok(stats::appointment_stats(range, &days, grouping))
    }

    pub async fn revenue(
        &self,
        range: DateRange,
        grouping: RevenueGrouping,
    ) -> Result<Vec<(String, Money)>, AnalyticsError> {
        let days = self.store.days(range, None).await?;
        Ok(stats::revenue_stats(range, &days, grouping))
    }

    pub async fn doctor(
        &self,
        range: DateRange,
        doctor: Uuid,
    ) -> Result<DoctorStats, AnalyticsError> {
        let doctor = doctor.to_string();
        let days = self.store.days(range, Some(&doctor)).await?;
        Ok(DoctorStats::compute(
            range,
            &days,
            &doctor,
            self.workday_minutes,
        ))
    }
}
