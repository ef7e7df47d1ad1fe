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

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex},
};

use async_graphql::{
    Response, ServerError, ServerResult, Value,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest,
        NextResolve, ResolveInfo,
    },
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::{
    context::{Caller, RequestContext},
    events::CloudEvent,
    outbox::{Outbox, OutboxRow, OutboxStore},
};

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
        id: Uuid,
        patient: Uuid,
        fields: &[&str],
    ) -> Self {
        Self {
            ids: vec![id],
            patients: vec![patient],
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

/// What one request touched, grouped into records when it finishes.
#[derive(Debug, Default)]
struct Accesses {
    groups: BTreeMap<(Entity, &'static str, Outcome), Group>,
    /// Fields returned, by GraphQL type name.
    fields: BTreeMap<String, BTreeSet<String>>,
    /// A mutation's own records are written with its change; its reads are not recorded.
    mutation: bool,
}

#[derive(Debug, Default)]
struct Group {
    ids: BTreeSet<Uuid>,
    patients: BTreeSet<Uuid>,
}

/// The accesses of the request being resolved; the [`Recorder`] puts one in each request.
#[derive(Debug, Default)]
pub struct Trail(Mutex<Accesses>);

impl Trail {
    fn note(
        &self,
        entity: Entity,
        action: &'static str,
        outcome: Outcome,
        id: Option<Uuid>,
        patient: Uuid,
    ) {
        let mut accesses = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let group = accesses
            .groups
            .entry((entity, action, outcome))
            .or_default();
        group.ids.extend(id);
        group.patients.insert(patient);
    }

    /// The records of everything noted, for the caller of `context`.
    fn records(&self, service: &str, context: &RequestContext) -> Vec<AuditRecord> {
        let accesses = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        accesses
            .groups
            .iter()
            .filter(|((_, action, outcome), _)| {
                !(accesses.mutation && *action == READ && *outcome == Outcome::Success)
            })
            .map(|(&(entity, action, outcome), group)| {
                let fields = match outcome {
                    Outcome::Success => accesses
                        .fields
                        .get(entity.type_name())
                        .map(|fields| fields.iter().cloned().collect())
                        .unwrap_or_default(),
                    Outcome::Denied => Vec::new(),
                };
                AuditRecord {
                    ids: group.ids.iter().copied().collect(),
                    patients: group.patients.iter().copied().collect(),
                    fields,
                    ..AuditRecord::new(service, context, action, entity, outcome)
                }
            })
            .collect()
    }
}

/// The action of a read.
pub const READ: &str = "read";

fn trail<'a>(ctx: &async_graphql::Context<'a>) -> Option<&'a Arc<Trail>> {
    ctx.data_opt::<Arc<Trail>>()
}

/// Notes that the request read `entity` `id`, which is `patient`'s data.
pub fn read(ctx: &async_graphql::Context<'_>, entity: Entity, id: Uuid, patient: Uuid) {
    if let Some(trail) = trail(ctx) {
        trail.note(entity, READ, Outcome::Success, Some(id), patient);
    }
}

/// Notes that the request was refused `action` on `entity` `id` (none for a record it
/// would have created) of `patient`'s.
pub fn denied(
    ctx: &async_graphql::Context<'_>,
    action: &'static str,
    entity: Entity,
    id: Option<Uuid>,
    patient: Uuid,
) {
    if let Some(trail) = trail(ctx) {
        trail.note(entity, action, Outcome::Denied, id, patient);
    }
}

/// Checks a record-level rule for `action` on `entity` `id` of `patient`'s, noting a
/// refusal.
pub fn check<E>(
    ctx: &async_graphql::Context<'_>,
    action: &'static str,
    entity: Entity,
    id: Option<Uuid>,
    patient: Uuid,
    rule: Result<(), E>,
) -> Result<(), E> {
    if rule.is_err() {
        denied(ctx, action, entity, id, patient);
    }
    rule
}

/// Keeps reads' audit records: writes the records of the requests waiting at that moment
/// into the outbox as one row (one event), and answers each request once they are
/// committed. One row for many records is what makes recording cheap: the database, the
/// relay and Kafka handle one message where they would handle one per request.
#[derive(Clone, Debug)]
pub struct AuditLog {
    service: Arc<str>,
    queue: mpsc::Sender<Job>,
    reads: bool,
}

#[derive(Debug)]
struct Job {
    records: Vec<AuditRecord>,
    kept: oneshot::Sender<bool>,
}

/// The most requests whose records one write keeps (one outbox row, one Kafka message of
/// at most a few hundred kilobytes).
const MAX_REQUESTS_PER_WRITE: usize = 256;
/// Writes in flight at once. One: each write then takes every request that came while the
/// last one ran, and fewer, larger rows cost the database, the relay and Kafka far less
/// than more, smaller ones (measured: three writers made rows half as large and reads a
/// third slower).
const WRITERS: usize = 1;
/// Requests waiting for their records to be written, at most; more wait to be queued.
const QUEUE: usize = 4_096;

impl AuditLog {
    /// Starts the writer of `service`'s records into `store`'s outbox; it stops when the
    /// last handle is dropped. It does not wake the relay: reads' records go out with its
    /// next sweep (`OUTBOX_SWEEP_MS`), many rows at a time, or with the next change's events.
    pub fn start<S: OutboxStore>(service: &str, store: S, outbox: Outbox) -> Self {
        let (queue, mut jobs) = mpsc::channel::<Job>(QUEUE);
        let topic = outbox.audit_topic();
        let writer = (service.to_owned(), Arc::clone(&topic));
        tokio::spawn(async move {
            let (service, topic): (Arc<str>, Arc<str>) = (writer.0.into(), writer.1);
            let writers = Arc::new(tokio::sync::Semaphore::new(WRITERS));
            loop {
                // While every writer is busy, requests queue up and the next write takes
                // them all.
                let Ok(permit) = Arc::clone(&writers).acquire_owned().await else {
                    break;
                };
                let mut batch = Vec::new();
                if jobs.recv_many(&mut batch, MAX_REQUESTS_PER_WRITE).await == 0 {
                    break;
                }
                let store = store.clone();
                let (service, topic) = (Arc::clone(&service), Arc::clone(&topic));
                tokio::spawn(async move {
                    let records: Vec<AuditRecord> = batch
                        .iter()
                        .flat_map(|job| job.records.iter().cloned())
                        .collect();
                    let kept = match write(&store, (&service, &topic), &records).await {
                        Ok(()) => true,
                        Err(error) => {
                            tracing::error!(error = %error, records = records.len(), "cannot keep audit records; the reads are refused");
                            false
                        }
                    };
                    drop(permit);
                    for job in batch {
                        job.kept.send(kept).ok();
                    }
                });
            }
        });
        Self {
            service: service.into(),
            queue,
            reads: true,
        }
    }

    /// Records reads (the default), or not: `false` only to measure what recording costs
    /// (`PMS_AUDIT_READS=off`, never in production). Changes are recorded regardless.
    #[must_use]
    pub fn recording_reads(mut self, reads: bool) -> Self {
        self.reads = reads;
        self
    }

    pub fn records_reads(&self) -> bool {
        self.reads
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Writes `records` and returns once they are committed; `false` when they could not be.
    /// Reads' records are dropped when reads are not recorded.
    pub async fn keep(&self, records: Vec<AuditRecord>) -> bool {
        if records.is_empty() || !self.reads {
            return true;
        }
        let (kept, answer) = oneshot::channel();
        if self.queue.send(Job { records, kept }).await.is_err() {
            return false;
        }
        answer.await.unwrap_or(false)
    }
}

/// Writes `records` of `service` as one outbox row for `topic`, made inside the system: the
/// records name their callers and traces themselves.
async fn write<S: OutboxStore>(
    store: &S,
    (service, topic): (&str, &str),
    records: &[AuditRecord],
) -> anyhow::Result<()> {
    let event = Records::event(service, service, records)?;
    let row = OutboxRow::new(topic, &event, &RequestContext::default())?;
    store.insert_rows(&[&row]).await?;
    Ok(())
}

/// The error a caller gets instead of data that could not be recorded.
pub fn unavailable() -> ServerError {
    let mut error = ServerError::new(
        "The audit trail cannot record this access right now, so nothing was served; retry shortly",
        None,
    );
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", UNAVAILABLE_CODE);
    error.extensions = Some(extensions);
    error
}

/// The extension that records a request's reads: it gives each request a [`Trail`], notes
/// the fields returned of the audited types, and keeps the records before the response
/// leaves. Add it to a schema with [`recorded`].
pub struct Recorder(AuditLog);

/// `builder` with the [`Recorder`] of `log`'s reads, and `log` for the resolvers that
/// record on their own (a subscription's updates); without the recorder when reads are
/// not recorded.
pub fn recorded<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
    log: AuditLog,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    let builder = builder.data(log.clone());
    if log.records_reads() {
        builder.extension(Recorder(log))
    } else {
        builder
    }
}

impl ExtensionFactory for Recorder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RecorderExtension {
            log: self.0.clone(),
            trail: Arc::default(),
        })
    }
}

struct RecorderExtension {
    log: AuditLog,
    trail: Arc<Trail>,
}

const AUDITED_TYPES: [&str; 3] = ["Patient", "Appointment", "Bill"];

#[async_trait::async_trait]
impl Extension for RecorderExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        next.run(ctx, request.data(Arc::clone(&self.trail))).await
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let (parent, name) = (info.parent_type, info.name);
        if parent == "Mutation" {
            self.trail
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .mutation = true;
        }
        let value = next.run(ctx, info).await?;
        if value.is_some()
            && AUDITED_TYPES.contains(&parent)
            && !matches!(name, "id" | "__typename")
        {
            self.trail
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .fields
                .entry(parent.to_owned())
                .or_default()
                .insert(name.to_owned());
        }
        Ok(value)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        let context = ctx
            .data_opt::<RequestContext>()
            .cloned()
            .unwrap_or_default();
        let records = self.trail.records(self.log.service(), &context);
        if self.log.keep(records).await {
            response
        } else {
            Response::from_errors(vec![unavailable()])
        }
    }
}

#[cfg(test)]
mod tests {
    use identity::{Grant, Role};

    use super::*;

    fn context(caller: Caller) -> RequestContext {
        RequestContext {
            request_id: "r-1".to_owned(),
            traceparent: Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned()),
            caller,
            via: None,
        }
    }

    #[test]
    fn a_requests_reads_become_one_record_per_entity_and_outcome() {
        let trail = Trail::default();
        let (own, other) = (Uuid::now_v7(), Uuid::now_v7());
        trail.note(Entity::Patient, READ, Outcome::Success, Some(own), own);
        trail.note(Entity::Patient, READ, Outcome::Success, Some(own), own);
        trail.note(Entity::Patient, READ, Outcome::Denied, Some(other), other);
        {
            let mut accesses = trail.0.lock().expect("lock");
            accesses
                .fields
                .entry("Patient".to_owned())
                .or_default()
                .insert("email".to_owned());
        }
        let claims = Grant::new(Role::Patient, Some(own))
            .expect("grant")
            .claims("i", 0, 60);
        let caller = Caller::from_claims(claims.clone()).expect("caller");
        let records = trail.records("patients", &context(caller));
        assert_eq!(records.len(), 2, "{records:?}");
        let served = &records[0];
        assert_eq!(
            (served.outcome, served.ids.clone(), served.fields.clone()),
            (Outcome::Success, vec![own], vec!["email".to_owned()])
        );
        assert_eq!(
            (served.actor.as_str(), served.role.as_str()),
            (claims.sub.as_str(), "patient")
        );
        assert_eq!(
            served.trace_id.as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        let refused = &records[1];
        assert_eq!(
            (refused.outcome, refused.ids.clone()),
            (Outcome::Denied, vec![other])
        );
        assert!(refused.fields.is_empty(), "a refusal returned nothing");
    }

    #[test]
    fn a_mutation_records_its_refusals_but_not_the_reads_of_what_it_wrote() {
        let trail = Trail::default();
        let id = Uuid::now_v7();
        trail.note(Entity::Appointment, READ, Outcome::Success, Some(id), id);
        trail.note(Entity::Appointment, "cancel", Outcome::Denied, Some(id), id);
        trail.0.lock().expect("lock").mutation = true;
        let records = trail.records("appointments", &context(Caller::Internal));
        assert_eq!(records.len(), 1, "{records:?}");
        assert_eq!(
            (records[0].action.as_str(), records[0].outcome),
            ("cancel", Outcome::Denied)
        );
        assert_eq!(
            (records[0].actor.as_str(), records[0].role.as_str()),
            ("service:unknown", "internal")
        );
    }
}
