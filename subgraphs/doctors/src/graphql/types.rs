//! GraphQL object, enum and input types.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, dataloader::DataLoader};
use chrono::{DateTime, Utc};
use kit::{error::ToGraphql as _, scalars::Date};
use schedule::Schedule;

use super::{
    loader::{ScheduleKey, ScheduleLoader},
    schedule::{DoctorSchedule, WeeklyIntervalInput, schedule_range},
};
use crate::{domain, error::DoctorError, service::DoctorService};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Specialization", remote = "crate::domain::Specialization")]
pub enum Specialization {
    GeneralPractice,
    Cardiology,
    Dermatology,
    Neurology,
    Pediatrics,
    Orthopedics,
    Psychiatry,
    Radiology,
    Oncology,
    Gynecology,
    Ophthalmology,
    Urology,
    Ent,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Gender", remote = "crate::domain::Gender")]
pub enum Gender {
    Male,
    Female,
    Other,
}

/// A doctor who can be booked while `available` and not archived.
pub struct Doctor(pub domain::Doctor);

#[Object]
impl Doctor {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn specialization(&self) -> Specialization {
        self.0.specialization.into()
    }

    async fn phone_number(&self) -> &str {
        &self.0.phone_number
    }

    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Whether the doctor takes new appointments.
    async fn available(&self) -> bool {
        self.0.available
    }

    async fn gender(&self) -> Gender {
        self.0.gender.into()
    }

    /// True once deleted: the record still resolves, but leaves listings and cannot be booked.
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }

    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }

    /// Moves with every change of the doctor's working hours: a subgraph keeping a copy of
    /// `schedule` (appointments) reads it with the doctor and fetches the hours again only
    /// when it moved. Not part of the public API (`@inaccessible`).
    #[graphql(inaccessible)]
    async fn schedule_version(&self) -> i64 {
        self.0.schedule_version
    }

    /// Working hours from `from` to `to` (inclusive, at most 92 days) in the clinic's time
    /// zone: the weekly patterns in force, time off, extra hours, and each day's hours.
    async fn schedule(&self, ctx: &Context<'_>, from: Date, to: Date) -> Result<DoctorSchedule> {
        let (from, to) = schedule_range(from, to).to_graphql()?;
        let key = ScheduleKey {
            doctor_id: self.0.id,
            from,
            to,
        };
        let schedule = ctx
            .data_unchecked::<DataLoader<ScheduleLoader>>()
            .load_one(key)
            .await
            .map_err(|error| {
                DoctorError::Unexpected(anyhow::Error::new(error).context("loading schedules"))
            })
            .to_graphql()?
            .unwrap_or_else(|| Arc::new(Schedule::new(ctx_zone(ctx), Vec::new(), Vec::new())));
        Ok(DoctorSchedule {
            doctor_id: self.0.id,
            from,
            to,
            schedule,
        })
    }
}

fn ctx_zone(ctx: &Context<'_>) -> chrono_tz::Tz {
    ctx.data_unchecked::<DoctorService>().zone()
}

#[derive(InputObject)]
pub struct CreateDoctorInput {
    pub name: String,
    pub specialization: Specialization,
    /// Digits with optional leading `+`, spaces, `-` and parentheses; 7 to 20 digits.
    pub phone_number: String,
    pub email: String,
    pub gender: Gender,
    /// Whether the doctor takes appointments from the start (default true).
    #[graphql(default = true)]
    pub available: bool,
    /// The hours worked every week from today; left out, Monday to Friday 08:00-18:00.
    pub weekly_hours: Option<Vec<WeeklyIntervalInput>>,
}

/// Fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateDoctorInput {
    pub name: Option<String>,
    pub specialization: Option<Specialization>,
    pub phone_number: Option<String>,
    pub email: Option<String>,
    pub gender: Option<Gender>,
}
