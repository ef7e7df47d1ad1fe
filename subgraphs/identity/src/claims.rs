//! What a token says about its bearer.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Role;

/// The audience every token for this API names (`aud`).
pub const AUDIENCE: &str = "pms-api";

/// A token's payload: the registered claims (RFC 7519) the router checks, and ours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Who issued it; the router accepts only the configured issuers.
    pub iss: String,
    /// Whom it is for; the router accepts only the configured audiences.
    pub aud: String,
    /// Who the bearer is: `patient:<id>`, `doctor:<id>`, or a staff member's name.
    pub sub: String,
    /// Issued at, not valid before, expires at: seconds since the epoch.
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    /// The role's scopes, space-delimited (what `@requiresScopes` reads).
    pub scope: String,
    pub role: Role,
    /// The patient a patient's token is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<Uuid>,
    /// The doctor a doctor's token is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doctor_id: Option<Uuid>,
}

/// What a token is to grant: a role, and the person where the role is one.
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    pub role: Role,
    /// The patient (role `patient`) or doctor (role `doctor`) the bearer is.
    pub person: Option<Uuid>,
    /// The subject for staff roles (defaults to `<role>@development`).
    pub subject: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum GrantError {
    #[error("a {0} token names the {0} it is for: give their id")]
    PersonMissing(Role),
    #[error("a {0} token is not for one person: give no id")]
    PersonNotExpected(Role),
}

impl Grant {
    pub fn new(role: Role, person: Option<Uuid>) -> Result<Self, GrantError> {
        match (role.needs_person(), person) {
            (true, None) => Err(GrantError::PersonMissing(role)),
            (false, Some(_)) => Err(GrantError::PersonNotExpected(role)),
            _ => Ok(Self {
                role,
                person,
                subject: None,
            }),
        }
    }

    /// A staff role's grant (not a patient or a doctor).
    pub fn staff(role: Role) -> Self {
        Self {
            role,
            person: None,
            subject: None,
        }
    }

    /// The claims of a token for this grant from `issuer`, valid from `now` (seconds since
    /// the epoch) for `lifetime_seconds`.
    pub fn claims(&self, issuer: &str, now: u64, lifetime_seconds: u64) -> Claims {
        let (patient_id, doctor_id) = match self.role {
            Role::Patient => (self.person, None),
            Role::Doctor => (None, self.person),
            _ => (None, None),
        };
        let sub = match (&self.subject, self.person) {
            (Some(subject), _) => subject.clone(),
            (None, Some(person)) => format!("{}:{person}", self.role),
            (None, None) => format!("{}@development", self.role),
        };
        Claims {
            iss: issuer.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub,
            iat: now,
            nbf: now,
            exp: now + lifetime_seconds,
            scope: self.role.scopes().join(" "),
            role: self.role,
            patient_id,
            doctor_id,
        }
    }
}

/// Whether `token` says it is not valid before a time later than `now` + `leeway` (seconds
/// since the epoch). Read without verifying the signature, so it may only ever refuse: the
/// router verifies the token, but Hive Router does not check `nbf`.
pub fn not_yet_valid(token: &str, now: u64, leeway: u64) -> bool {
    #[derive(Deserialize)]
    struct NotBefore {
        nbf: Option<u64>,
    }
    jsonwebtoken::dangerous::insecure_decode_claims::<NotBefore>(token)
        .ok()
        .and_then(|claims| claims.nbf)
        .is_some_and(|nbf| nbf > now + leeway)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_valid_only_later_is_told_apart() {
        let issuer = crate::DevIssuer::generate().expect("key pair");
        let mut claims = Grant::staff(Role::FrontDesk).claims("issuer", 1_000, 60);
        let now = issuer.sign(&claims);
        claims.nbf = 2_000;
        let later = issuer.sign(&claims);
        assert!(!not_yet_valid(&now, 1_000, 60));
        assert!(not_yet_valid(&later, 1_000, 60));
        assert!(!not_yet_valid(&later, 1_950, 60), "within the leeway");
        assert!(!not_yet_valid("not a token", 0, 0));
    }

    #[test]
    fn a_patient_token_names_the_patient_and_a_staff_token_no_one() {
        let id = Uuid::now_v7();
        let claims = Grant::new(Role::Patient, Some(id))
            .expect("grant")
            .claims("issuer", 100, 60);
        assert_eq!(claims.patient_id, Some(id));
        assert_eq!(claims.doctor_id, None);
        assert_eq!(claims.sub, format!("patient:{id}"));
        assert_eq!((claims.nbf, claims.exp), (100, 160));
        assert!(
            claims
                .scope
                .split(' ')
                .any(|scope| scope == "appointments:book")
        );

        assert_eq!(
            Grant::new(Role::Doctor, None),
            Err(GrantError::PersonMissing(Role::Doctor))
        );
        assert_eq!(
            Grant::new(Role::FrontDesk, Some(id)),
            Err(GrantError::PersonNotExpected(Role::FrontDesk))
        );
        let staff = Grant::staff(Role::FrontDesk).claims("issuer", 0, 1);
        assert_eq!(staff.sub, "front-desk@development");
        assert_eq!((staff.patient_id, staff.doctor_id), (None, None));
    }
}
