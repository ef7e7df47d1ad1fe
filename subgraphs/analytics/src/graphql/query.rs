//! Reads: the dashboard, grouped statistics, and the `Doctor` entity.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use kit::{
    error::{ToGraphql as _, bounded_text, parse_id},
    scalars::Date,
};

use super::audit::{self, AuditPage};
use super::types::{
    AppointmentGroup, AppointmentStat, DashboardView, DoctorRef, RevenueGroup, RevenueStat, range,
};
use crate::{audit::Whose, service::Statistics};

pub struct Query;

#[Object]
impl Query {
    /// The clinic at a glance over `from..=to` (dates in the clinic's time zone, at most 366
    /// days): registrations, appointments by outcome, the no-show rate and money.
    #[graphql(requires_scopes = "analytics:read")]
    async fn dashboard(&self, ctx: &Context<'_>, from: Date, to: Date) -> Result<DashboardView> {
        let range = range(from, to)?;
        let statistics = ctx.data_unchecked::<Statistics>();
        let dashboard = statistics.dashboard(range);
        Ok(DashboardView {
            from,
            to,
            dashboard,
            currency: statistics.currency().to_owned(),
        })
    }

    /// Appointments over `from..=to`, grouped. Days and hours come in order (every day of
    /// the range, zeros included); other groups by bookings, most first.
    #[graphql(requires_scopes = "analytics:read")]
    async fn appointment_stats(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
        group_by: AppointmentGroup,
    ) -> Result<Vec<AppointmentStat>> {
        let range = range(from, to)?;
        let statistics = ctx.data_unchecked::<Statistics>();
        let groups = statistics.appointments(range, group_by.into());
        Ok(groups
            .into_iter()
            .map(|(key, counts)| AppointmentStat {
                key,
                counts,
                group_by,
            })
            .collect())
    }

    /// Money over `from..=to`, grouped: bills by the day they were created, payments by the
    /// day they were made. Days come in order; other groups by amount paid, most first.
    #[graphql(requires_scopes = "analytics:read")]
    async fn revenue_stats(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
        group_by: RevenueGroup,
    ) -> Result<Vec<RevenueStat>> {
        let range = range(from, to)?;
        let statistics = ctx.data_unchecked::<Statistics>();
        let groups = statistics.revenue(range, group_by.into());
        Ok(groups
            .into_iter()
            .map(|(key, money)| RevenueStat {
                key,
                money,
                group_by,
                currency: statistics.currency().to_owned(),
            })
            .collect())
    }

    /// Who accessed this patient's data (record, appointments, bills, balance) with
    /// `from <= time < to`, including refused attempts: oldest first.
    #[graphql(requires_scopes = "audit:read")]
    async fn audit_trail(
        &self,
        ctx: &Context<'_>,
        patient_id: ID,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<AuditPage> {
        let patient = parse_id("patientId", &patient_id).to_graphql()?;
        audit::page(ctx, Whose::Patient(patient), (from, to), first, after).await
    }

    /// What an actor (a token's subject, or `service:<name>`) did to patients' data with
    /// `from <= time < to`: oldest first.
    #[graphql(requires_scopes = "audit:read")]
    async fn audit_by_actor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most 255 characters.")] actor: String,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<AuditPage> {
        let actor = bounded_text("actor", Some(actor), audit::MAX_ACTOR_CHARS)
            .to_graphql()?
            .unwrap_or_default();
        audit::page(ctx, Whose::Actor(actor), (from, to), first, after).await
    }

    /// Federation: a doctor known to the router, to resolve `Doctor.stats`.
    #[graphql(entity)]
    async fn find_doctor_by_id(&self, id: ID) -> Result<DoctorRef> {
        Ok(DoctorRef(parse_id("id", &id).to_graphql()?))
    }
}
