//! The typed caller context carried from the HTTP layer to resolvers and into events.
//!
//! The caller comes from the forwarded token, verified here again ([`crate::tokens`]); a
//! request with no token comes from inside (another subgraph, or the router's own entity
//! fetches made for a verified caller), admitted by the router's credential
//! ([`crate::trust`]).

use axum::http::HeaderMap;
use uuid::Uuid;

use crate::error::Forbidden;

/// Who is calling and under which trace.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// `x-request-id` from the router, or one made here.
    pub request_id: String,
    /// W3C `traceparent`, propagated into produced events (their `traceparent` attribute
    /// and a Kafka header).
    pub traceparent: Option<String>,
    pub caller: Caller,
    /// For a call from inside the system, the calling service (`x-pms-caller`), as the
    /// audit trail names it; never a basis for access, which the credential decides.
    pub via: Option<String>,
}

/// Who is calling.
#[derive(Debug, Clone, Default)]
pub enum Caller {
    /// No token: a service inside the system, or a subgraph whose deployment verifies no
    /// tokens (on loopback, with neither `JWKS_FILE` nor `JWKS_URL`).
    #[default]
    Internal,
    /// A person, by their verified token.
    Person(identity::Claims),
}

impl Caller {
    /// A caller from verified `claims`; a patient's or doctor's token must name who they are.
    pub fn from_claims(claims: identity::Claims) -> Result<Self, String> {
        match claims.role {
            identity::Role::Patient if claims.patient_id.is_none() => {
                Err("a patient's token names the patient (`patient_id`)".to_owned())
            }
            identity::Role::Doctor if claims.doctor_id.is_none() => {
                Err("a doctor's token names the doctor (`doctor_id`)".to_owned())
            }
            _ => Ok(Self::Person(claims)),
        }
    }

    /// The one patient whose records this caller may see, when it is narrowed to one.
    pub fn own_patient(&self) -> Option<Uuid> {
        match self {
            Self::Person(claims) if claims.role == identity::Role::Patient => claims.patient_id,
            _ => None,
        }
    }

    /// The one doctor whose calendar this caller is narrowed to, when it is a doctor.
    pub fn own_doctor(&self) -> Option<Uuid> {
        match self {
            Self::Person(claims) if claims.role == identity::Role::Doctor => claims.doctor_id,
            _ => None,
        }
    }

    /// The patient a query about patients' records is narrowed to: the caller's own when
    /// it is a patient (asking for another's is refused), else what was `asked`.
    pub fn narrow_patient<Id: Copy + Into<Uuid> + From<Uuid>>(
        &self,
        asked: Option<Id>,
    ) -> Result<Option<Id>, Forbidden> {
        narrow(
            self.own_patient(),
            asked,
            "A patient sees only their own records",
        )
    }

    /// The doctor a query about appointments is narrowed to: the caller's own when it is a
    /// doctor (asking for another's is refused), else what was `asked`.
    pub fn narrow_doctor<Id: Copy + Into<Uuid> + From<Uuid>>(
        &self,
        asked: Option<Id>,
    ) -> Result<Option<Id>, Forbidden> {
        narrow(
            self.own_doctor(),
            asked,
            "A doctor sees only their own appointments",
        )
    }

    /// `Ok` when the caller may see or act on `patient`'s records.
    pub fn may_see_patient(&self, patient: impl Into<Uuid>) -> Result<(), Forbidden> {
        match self.own_patient() {
            Some(own) if own != patient.into() => Err(Forbidden(
                "A patient sees and changes only their own records",
            )),
            _ => Ok(()),
        }
    }

    /// `Ok` when the caller's token grants `scope`, for what the schema cannot require by
    /// itself (an argument's value). A call from inside the system, or a deployment that
    /// verifies no tokens, is not narrowed by scopes.
    pub fn grants(&self, scope: &str, refusal: &'static str) -> Result<(), Forbidden> {
        match self {
            Self::Person(claims) if !claims.scope.split_whitespace().any(|own| own == scope) => {
                Err(Forbidden(refusal))
            }
            _ => Ok(()),
        }
    }

    /// `Ok` when the caller may see or act on an appointment of `patient` with `doctor`.
    pub fn may_see_appointment(
        &self,
        patient: impl Into<Uuid>,
        doctor: impl Into<Uuid>,
    ) -> Result<(), Forbidden> {
        self.may_see_patient(patient)?;
        match self.own_doctor() {
            Some(own) if own != doctor.into() => Err(Forbidden(
                "A doctor sees and changes only their own appointments",
            )),
            _ => Ok(()),
        }
    }
}

fn narrow<Id: Copy + Into<Uuid> + From<Uuid>>(
    own: Option<Uuid>,
    asked: Option<Id>,
    refusal: &'static str,
) -> Result<Option<Id>, Forbidden> {
    match (own, asked) {
        (Some(own), Some(asked)) if own != asked.into() => Err(Forbidden(refusal)),
        (Some(own), _) => Ok(Some(Id::from(own))),
        (None, asked) => Ok(asked),
    }
}

impl RequestContext {
    /// The context of the request being resolved; anonymous when there is none (a schema
    /// executed directly, as in SDL export).
    pub fn of<'a>(ctx: &async_graphql::Context<'a>) -> &'a Self {
        static ANONYMOUS: std::sync::LazyLock<RequestContext> =
            std::sync::LazyLock::new(RequestContext::default);
        ctx.data_opt::<Self>().unwrap_or(&ANONYMOUS)
    }

    /// The context of a request with these headers, made by `caller`.
    pub fn from_headers(headers: &HeaderMap, caller: Caller) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        Self {
            request_id: header("x-request-id").unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
            traceparent: header("traceparent"),
            via: header(crate::trust::CALLER_HEADER),
            caller,
        }
    }

    /// The caller of the request being resolved.
    pub fn caller<'a>(ctx: &async_graphql::Context<'a>) -> &'a Caller {
        &Self::of(ctx).caller
    }
}

#[cfg(test)]
mod tests {
    use identity::{Grant, Role};

    use super::*;

    fn person(role: Role, id: Option<Uuid>) -> Caller {
        let claims = match id {
            Some(id) => Grant::new(role, Some(id)).expect("grant"),
            None => Grant::staff(role),
        }
        .claims("issuer", 0, 60);
        Caller::from_claims(claims).expect("a caller")
    }

    #[test]
    fn a_patient_is_narrowed_to_themself_and_staff_to_nothing() {
        let (own, other) = (Uuid::now_v7(), Uuid::now_v7());
        let patient = person(Role::Patient, Some(own));
        assert_eq!(patient.narrow_patient(None).expect("own"), Some(own));
        assert_eq!(patient.narrow_patient(Some(own)).expect("own"), Some(own));
        assert!(patient.narrow_patient(Some(other)).is_err());
        assert!(patient.may_see_appointment(other, Uuid::now_v7()).is_err());
        assert_eq!(
            patient.narrow_doctor(Some(other)).expect("any doctor"),
            Some(other)
        );

        let doctor = person(Role::Doctor, Some(own));
        assert!(doctor.may_see_appointment(other, own).is_ok());
        assert!(doctor.may_see_appointment(other, other).is_err());

        let desk = person(Role::FrontDesk, None);
        assert_eq!(desk.narrow_patient::<Uuid>(None).expect("all"), None);
        assert!(desk.may_see_appointment(other, other).is_ok());
        assert!(Caller::Internal.may_see_patient(other).is_ok());
    }

    #[test]
    fn a_patients_token_without_the_patient_is_refused() {
        let mut claims = Grant::staff(Role::FrontDesk).claims("issuer", 0, 60);
        claims.role = Role::Patient;
        assert!(Caller::from_claims(claims).is_err());
    }
}
