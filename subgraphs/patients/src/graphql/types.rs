//! GraphQL object and input types.

use async_graphql::{ID, InputObject, MaybeUndefined, Object};
use chrono::{DateTime, Utc};
use kit::scalars::Date;

use crate::domain;

/// A registered patient.
pub struct Patient(pub domain::Patient);

#[Object]
impl Patient {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    #[graphql(requires_scopes = "patients:contact")]
    async fn email(&self) -> &str {
        &self.0.email
    }

    #[graphql(requires_scopes = "patients:contact")]
    async fn phone(&self) -> &str {
        &self.0.phone
    }

    /// The day the patient was registered (set by the server).
    async fn registration_date(&self) -> Date {
        Date(self.0.registration_date)
    }

    #[graphql(requires_scopes = "patients:contact")]
    async fn date_of_birth(&self) -> Option<Date> {
        self.0.date_of_birth.map(Date)
    }

    #[graphql(requires_scopes = "patients:contact")]
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
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
pub struct CreatePatientInput {
    pub name: String,
    pub email: String,
    /// Digits with optional leading `+`, spaces, `-` and parentheses; 7 to 20 digits.
    pub phone: String,
    pub date_of_birth: Option<Date>,
    pub address: Option<String>,
}

/// Fields left out stay as they are; `dateOfBirth: null` or `address: null` clears them.
#[derive(InputObject)]
pub struct UpdatePatientInput {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub date_of_birth: MaybeUndefined<Date>,
    pub address: MaybeUndefined<String>,
}
