//! What a request touched: noted while it resolves ([`read`], [`denied`], [`check`]),
//! grouped into records when it finishes.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex},
};

use uuid::Uuid;

use super::{AuditRecord, Entity, Outcome};
use crate::context::RequestContext;

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
    fn accesses(&self) -> std::sync::MutexGuard<'_, Accesses> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The request is a mutation: its own records are written with its change.
    pub(super) fn in_mutation(&self) {
        self.accesses().mutation = true;
    }

    /// `field` of a record of GraphQL type `type_name` was returned.
    pub(super) fn returned(&self, type_name: &str, field: &str) {
        self.accesses()
            .fields
            .entry(type_name.to_owned())
            .or_default()
            .insert(field.to_owned());
    }

    fn note(
        &self,
        entity: Entity,
        action: &'static str,
        outcome: Outcome,
        id: Option<Uuid>,
        patient: Uuid,
    ) {
        let mut accesses = self.accesses();
        let group = accesses
            .groups
            .entry((entity, action, outcome))
            .or_default();
        group.ids.extend(id);
        group.patients.insert(patient);
    }

    /// The records of everything noted, for the caller of `context`.
    pub(super) fn records(&self, service: &str, context: &RequestContext) -> Vec<AuditRecord> {
        let accesses = self.accesses();
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

pub(super) fn trail<'a>(ctx: &async_graphql::Context<'a>) -> Option<&'a Arc<Trail>> {
    ctx.data_opt::<Arc<Trail>>()
}

/// Notes that the request read `entity` `id`, which is `patient`'s data. Ids are a
/// service's own id types or plain UUIDs.
pub fn read(
    ctx: &async_graphql::Context<'_>,
    entity: Entity,
    id: impl Into<Uuid>,
    patient: impl Into<Uuid>,
) {
    if let Some(trail) = trail(ctx) {
        trail.note(
            entity,
            READ,
            Outcome::Success,
            Some(id.into()),
            patient.into(),
        );
    }
}

/// Notes that the request was refused `action` on `entity` `id` (none for a record it
/// would have created) of `patient`'s.
pub fn denied(
    ctx: &async_graphql::Context<'_>,
    action: &'static str,
    entity: Entity,
    id: Option<Uuid>,
    patient: impl Into<Uuid>,
) {
    if let Some(trail) = trail(ctx) {
        trail.note(entity, action, Outcome::Denied, id, patient.into());
    }
}

/// Checks a record-level rule for `action` on `entity` `id` of `patient`'s, noting a
/// refusal.
pub fn check<E>(
    ctx: &async_graphql::Context<'_>,
    action: &'static str,
    entity: Entity,
    id: Option<Uuid>,
    patient: impl Into<Uuid>,
    rule: Result<(), E>,
) -> Result<(), E> {
    if rule.is_err() {
        denied(ctx, action, entity, id, patient);
    }
    rule
}

#[cfg(test)]
mod tests {
    use identity::{Grant, Role};

    use super::*;
    use crate::context::Caller;

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
