//! GraphQL types: the dashboard, grouped statistics, and the `Doctor` extension.

use async_graphql::{Context, Enum, ID, Object, Result};
use kit::{error::ToGraphql as _, scalars::Date};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::{
    domain::{AppointmentGrouping, Counts, Dashboard, DateRange, Money, RevenueGrouping},
    error::AnalyticsError,
    service::Statistics,
};

/// Checks a query's `from`/`to`.
pub fn range(from: Date, to: Date) -> Result<DateRange> {
    DateRange::new(from.0, to.0)
        .map_err(AnalyticsError::from)
        .to_graphql()
}

fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

pub struct DashboardView {
    pub from: Date,
    pub to: Date,
    pub dashboard: Dashboard,
    pub currency: String,
}

/// The clinic over a range. Appointments count on their own date; a booking later cancelled
/// counts as booked and as cancelled; a rescheduled one counts on its new date.
#[Object(name = "Dashboard")]
impl DashboardView {
    async fn from(&self) -> Date {
        self.from
    }

    async fn to(&self) -> Date {
        self.to
    }

    /// Patients whose registration date is in the range.
    async fn patients_registered(&self) -> i64 {
        self.dashboard.patients_registered
    }

    async fn appointments_booked(&self) -> i64 {
        self.dashboard.appointments.booked
    }

    async fn appointments_checked_in(&self) -> i64 {
        self.dashboard.appointments.checked_in
    }

    async fn appointments_completed(&self) -> i64 {
        self.dashboard.appointments.completed
    }

    async fn appointments_cancelled(&self) -> i64 {
        self.dashboard.appointments.cancelled
    }

    async fn no_shows(&self) -> i64 {
        self.dashboard.appointments.no_shows
    }

    /// No-shows / appointments not cancelled whose start time has passed (0 to 1); null
    /// while there is none.
    async fn no_show_rate(&self) -> Option<f64> {
        self.dashboard.no_show_rate
    }

    /// The amount of the bills created in the range.
    async fn revenue_billed(&self) -> Decimal {
        money(self.dashboard.revenue.billed)
    }

    /// Payments made in the range.
    async fn revenue_paid(&self) -> Decimal {
        money(self.dashboard.revenue.paid)
    }

    /// What is still owed of the bills created in the range (neither paid nor void).
    async fn revenue_outstanding(&self) -> Decimal {
        money(self.dashboard.outstanding())
    }

    /// The currency of every amount.
    async fn currency(&self) -> &str {
        &self.currency
    }
}

/// How `appointmentStats` groups.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentGroup {
    /// `key` is the date, `YYYY-MM-DD`.
    Day,
    /// `key` is the doctor's id; `doctor` resolves them.
    Doctor,
    /// `key` is a `Specialization` name.
    Specialization,
    /// `key` is a `ServiceType` name.
    ServiceType,
    /// `key` is the starting hour, `00` to `23`, in the clinic's time zone.
    HourOfDay,
}

impl From<AppointmentGroup> for AppointmentGrouping {
    fn from(group: AppointmentGroup) -> Self {
        match group {
            AppointmentGroup::Day => Self::Day,
            AppointmentGroup::Doctor => Self::Doctor,
            AppointmentGroup::Specialization => Self::Specialization,
            AppointmentGroup::ServiceType => Self::ServiceType,
            AppointmentGroup::HourOfDay => Self::HourOfDay,
        }
    }
}

pub struct AppointmentStat {
    pub key: String,
    pub counts: Counts,
    pub group_by: AppointmentGroup,
}

/// Appointments of one group.
#[Object]
impl AppointmentStat {
    async fn key(&self) -> &str {
        &self.key
    }

    /// Appointments booked (the same as `booked`).
    async fn count(&self) -> i64 {
        self.counts.booked
    }

    async fn booked(&self) -> i64 {
        self.counts.booked
    }

    async fn cancelled(&self) -> i64 {
        self.counts.cancelled
    }

    async fn completed(&self) -> i64 {
        self.counts.completed
    }

    async fn no_shows(&self) -> i64 {
        self.counts.no_shows
    }

    /// The doctor, when grouped by `DOCTOR`.
    async fn doctor(&self) -> Option<DoctorRef> {
        (self.group_by == AppointmentGroup::Doctor)
            .then(|| self.key.parse::<Uuid>().ok().map(DoctorRef))
            .flatten()
    }
}

/// How `revenueStats` groups.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum RevenueGroup {
    /// `key` is the date, `YYYY-MM-DD`.
    Day,
    /// `key` is a `PaymentType` name; only payments have one, so `billed` is null.
    PaymentType,
    /// `key` is a `ServiceType` name.
    ServiceType,
}

impl From<RevenueGroup> for RevenueGrouping {
    fn from(group: RevenueGroup) -> Self {
        match group {
            RevenueGroup::Day => Self::Day,
            RevenueGroup::PaymentType => Self::PaymentType,
            RevenueGroup::ServiceType => Self::ServiceType,
        }
    }
}

pub struct RevenueStat {
    pub key: String,
    pub money: Money,
    pub group_by: RevenueGroup,
    pub currency: String,
}

/// Money of one group.
#[Object]
impl RevenueStat {
    async fn key(&self) -> &str {
        &self.key
    }

    /// The amount of the bills created (null when grouped by payment type).
    async fn billed(&self) -> Option<Decimal> {
        (self.group_by != RevenueGroup::PaymentType).then(|| money(self.money.billed))
    }

    /// How many bills were created (null when grouped by payment type).
    async fn bills(&self) -> Option<i64> {
        (self.group_by == RevenueGroup::Day).then_some(self.money.bills)
    }

    /// Payments made.
    async fn paid(&self) -> Decimal {
        money(self.money.paid)
    }

    async fn currency(&self) -> &str {
        &self.currency
    }
}

/// A doctor (owned by the doctors subgraph), with their statistics.
pub struct DoctorRef(pub Uuid);

#[Object(name = "Doctor")]
impl DoctorRef {
    async fn id(&self) -> ID {
        ID(self.0.to_string())
    }

    /// The doctor's appointments over `from..=to` and how much of their time was booked.
    #[graphql(requires_scopes = "analytics:read")]
    async fn stats(&self, ctx: &Context<'_>, from: Date, to: Date) -> Result<DoctorStatsView> {
        let range = range(from, to)?;
        let statistics = ctx.data_unchecked::<Statistics>();
        Ok(DoctorStatsView(statistics.doctor(range, self.0)))
    }
}

pub struct DoctorStatsView(crate::domain::DoctorStats);

/// A doctor's appointments over a range.
#[Object(name = "DoctorStats")]
impl DoctorStatsView {
    async fn booked(&self) -> i64 {
        self.0.counts.booked
    }

    async fn completed(&self) -> i64 {
        self.0.counts.completed
    }

    async fn cancelled(&self) -> i64 {
        self.0.counts.cancelled
    }

    async fn no_shows(&self) -> i64 {
        self.0.counts.no_shows
    }

    /// Minutes of appointments booked and not cancelled.
    async fn booked_minutes(&self) -> i64 {
        self.0.counts.minutes
    }

    /// The doctor's working minutes over the range: their weekly hours, less time off, plus
    /// extra hours (from the doctors' schedule events). For a doctor whose hours analytics
    /// never saw: Monday-to-Friday days times `ANALYTICS_WORKDAY_MINUTES` (default 480).
    async fn capacity_minutes(&self) -> i64 {
        self.0.capacity_minutes
    }

    /// `bookedMinutes / capacityMinutes`: 0.5 is half the doctor's working time booked;
    /// above 1 means overbooked. Null when the range has no working time.
    async fn utilisation(&self) -> Option<f64> {
        self.0.utilisation()
    }
}
