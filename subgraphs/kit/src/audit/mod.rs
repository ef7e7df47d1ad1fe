//! The audit trail: a record of every read and every write of a patient's data.
//!
//! A record says who (the token's subject and role, or the service inside the system), did
//! what (`read`, or the change: `create`, `update`, `cancel`, ...), to which records (entity
//! type and ids, and the patients they belong to), with which fields, with which outcome
//! (served or refused), under which trace and request. Records travel like events: rows in
//! the service's outbox, published by its relay to the audit topic, kept by analytics.
//!
//! - **Writes** record in the transaction of the change ([`crate::outbox::Outbox::record_access`]):
//!   no change without its record, no record of a change that was rolled back.
//! - **Reads** are noted while a request resolves ([`read`], [`denied`]; the fields each
//!   record returned are noted by the [`Recorder`] extension) and kept when it finishes,
//!   through the [`AuditLog`], which writes the records of concurrent requests with one
//!   statement. The response leaves only after its records are committed: if they cannot be
//!   kept, the caller gets `AUDIT_UNAVAILABLE` and no data (fail closed).
//!
//! Kafka being down delays records (they wait in the outbox) but never loses them or
//! refuses a read; the database being down refuses the read, as it would anyway.
//!
//! Here: the record and its event; `trail`: what a request touched; `log`: keeping reads'
//! records; `recorder`: the extension that ties them to each request.

mod log;
mod recorder;
mod trail;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    context::{Caller, RequestContext},
    events::CloudEvent,
    outbox::OutboxRow,
};

pub use log::{AuditLog, unavailable};
pub use recorder::{Recorder, recorded};
pub use trail::{READ, Trail, check, denied, read};

/// The CloudEvents type of an audit record.
pub use event_contract::audit::RECORDED;

/// The `extensions.code` of a read refused because its record could not be kept.
pub const UNAVAILABLE_CODE: &str = "AUDIT_UNAVAILABLE";

/// The kind of record accessed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    async_graphql::Enum,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "AuditEntity")]
pub enum Entity {
    Patient,
    Appointment,
    Bill,
    /// A patient's balance (their bills summed); its id is the patient's.
    Balance,
}

impl Entity {
    /// The GraphQL type whose returned fields the record lists.
    const fn type_name(self) -> &'static str {
        match self {
            Self::Patient => "Patient",
            Self::Appointment => "Appointment",
            Self::Bill => "Bill",
            // `Patient.balance`, beside `Patient.bills`, in billing.
            Self::Balance => "Patient",
        }
    }
}

/// Whether the access was served.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    async_graphql::Enum,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "AuditOutcome")]
pub enum Outcome {
    Success,
    /// Refused by a record-level rule (someone else's record).
    Denied,
}

/// One audit record; a [`RECORDED`] event carries some ([`Records`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    /// UUIDv7, made with the record: redeliveries of it are recognised by it.
    pub id: Uuid,
    pub time: DateTime<Utc>,
    /// The service that served the access.
    pub service: String,
    /// The token's subject, or `service:<name>` for a call from inside the system.
    pub actor: String,
    /// The token's role, or `internal`.
    pub role: String,
    /// `read`, or the change (`create`, `update`, `archive`, `cancel`, `pay`, ...).
    pub action: String,
    pub entity: Entity,
    pub ids: Vec<Uuid>,
    /// The patients whose data it was.
    pub patients: Vec<Uuid>,
    /// The fields returned (reads) or changed (writes), by their GraphQL names.
    pub fields: Vec<String>,
    pub outcome: Outcome,
    /// The W3C trace id of the request (from its `traceparent`), if it had one.
    pub trace_id: Option<String>,
    pub request_id: String,
}

impl AuditRecord {
    /// A record of `action` on `entity` by the caller of `context`, now.
    pub fn new(
        service: &str,
        context: &RequestContext,
        action: &str,
        entity: Entity,
        outcome: Outcome,
    ) -> Self {
        let (actor, role) = match &context.caller {
            Caller::Person(claims) => (claims.sub.clone(), claims.role.to_string()),
            Caller::Internal => (
                format!("service:{}", context.via.as_deref().unwrap_or("unknown")),
                "internal".to_owned(),
            ),
        };
        Self {
            id: Uuid::now_v7(),
            time: Utc::now(),
            service: service.to_owned(),
            actor,
            role,
            action: action.to_owned(),
            entity,
            ids: Vec::new(),
            patients: Vec::new(),
            fields: Vec::new(),
            outcome,
            trace_id: context
                .traceparent
                .as_deref()
                .and_then(|traceparent| traceparent.split('-').nth(1))
                .map(str::to_owned),
            request_id: context.request_id.clone(),
        }
    }

    /// The record of a change to one record of `patient`'s, with the `fields` it changed.
    pub fn write(
        service: &str,
        context: &RequestContext,
        action: &str,
        entity: Entity,
        id: impl Into<Uuid>,
        patient: impl Into<Uuid>,
        fields: &[&str],
    ) -> Self {
        Self {
            ids: vec![id.into()],
            patients: vec![patient.into()],
            fields: fields.iter().map(|&field| field.to_owned()).collect(),
            ..Self::new(service, context, action, entity, Outcome::Success)
        }
    }

    /// The outbox row carrying this record of a change to `topic`, keyed by its patient so
    /// that a patient's changes stay in order, stamped with the caller of `context`.
    pub fn row(&self, topic: &str, context: &RequestContext) -> serde_json::Result<OutboxRow> {
        let key = self.patients.first().or(self.ids.first()).copied();
        let event = Records::event(
            &self.service,
            key.unwrap_or_default(),
            std::slice::from_ref(self),
        )?;
        OutboxRow::new(topic, &event, context)
    }
}

/// The `data` of a [`RECORDED`] event: one record (a change's, written with it) or the
/// records of every read kept by one write of the [`AuditLog`] (many requests, many
/// callers: each record names its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Records {
    pub records: Vec<AuditRecord>,
}

impl Records {
    fn event(
        service: &str,
        subject: impl ToString,
        records: &[AuditRecord],
    ) -> serde_json::Result<CloudEvent> {
        Ok(CloudEvent::new(
            service,
            RECORDED,
            subject,
            serde_json::json!({ "records": records }),
        ))
    }
}
