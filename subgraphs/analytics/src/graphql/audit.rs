//! The audit trail, for administrators: who accessed a patient's data, and what an actor did.

use async_graphql::{
    Context, ID, Result, SimpleObject,
    connection::{Connection, EmptyFields},
};
use chrono::{DateTime, Utc};
use kit::{
    audit::{Entity, Outcome},
    error::{InputError, ToGraphql as _},
    pagination::{Page, connection},
};

use crate::{
    audit::{AuditStore, StoredRecord, Whose},
    error::AnalyticsError,
};

/// The longest actor a search takes (token subjects are far shorter).
pub const MAX_ACTOR_CHARS: usize = 255;

pub type AuditPage = Connection<String, AuditEntry, EmptyFields, EmptyFields>;

/// One access to patients' data: a read, a change, or a refusal.
#[derive(SimpleObject)]
#[graphql(name = "AuditRecord")]
pub struct AuditEntry {
    pub id: ID,
    pub time: DateTime<Utc>,
    /// The subgraph that served (or refused) the access.
    pub service: String,
    /// The token's subject, or `service:<name>` for a call from inside the system.
    pub actor: String,
    /// The token's role, or `internal`.
    pub role: String,
    /// `read`, or the change: `create`, `update`, `archive`, `reschedule`, `cancel`,
    /// `check-in`, `complete`, `no-show`, `pay`, `void`.
    pub action: String,
    pub entity: Entity,
    /// The records accessed (none for a refused booking, which made none).
    pub entity_ids: Vec<ID>,
    /// The patients whose data it was.
    pub patient_ids: Vec<ID>,
    /// The fields returned (reads) or changed (writes).
    pub fields: Vec<String>,
    pub outcome: Outcome,
    /// The W3C trace id of the request, when it carried a `traceparent`.
    pub trace_id: Option<String>,
    pub request_id: String,
}

impl From<StoredRecord> for AuditEntry {
    fn from(record: StoredRecord) -> Self {
        let ids = |ids: Vec<uuid::Uuid>| ids.into_iter().map(|id| ID(id.to_string())).collect();
        Self {
            id: ID(record.id.to_string()),
            time: record.time,
            service: record.service,
            actor: record.actor,
            role: record.role,
            action: record.action,
            entity: record.entity,
            entity_ids: ids(record.ids),
            patient_ids: ids(record.patients),
            fields: record.fields,
            outcome: record.outcome,
            trace_id: record.trace_id,
            request_id: record.request_id,
        }
    }
}

/// A page of `whose` records in `from..to`.
pub async fn page(
    ctx: &Context<'_>,
    whose: Whose,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    first: Option<i32>,
    after: Option<String>,
) -> Result<AuditPage> {
    if from >= to {
        return Err(AnalyticsError::from(InputError::new(
            "to",
            format!("`to` ({to}) must be after `from` ({from})"),
        )))
        .to_graphql();
    }
    let page = Page::parse(first, after.as_deref()).to_graphql()?;
    let rows = ctx
        .data_unchecked::<AuditStore>()
        .find(&whose, from, to, page)
        .await
        .map_err(AnalyticsError::from)
        .to_graphql()?;
    Ok(connection(
        page,
        rows,
        |stored| stored.id,
        AuditEntry::from,
        EmptyFields,
    ))
}
