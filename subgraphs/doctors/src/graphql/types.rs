//! GraphQL object, enum and input types.

use async_graphql::{Enum, ID, InputObject, Object};
use chrono::{DateTime, Utc};

use crate::domain;

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
