//! The GraphQL face of the patients subgraph (Federation v2).

mod loader;
mod mutation;
mod query;
mod types;

use async_graphql::{EmptySubscription, Schema};
use kit::audit::{self, AuditLog};

pub use loader::PatientLoader;
pub use mutation::Mutation;
pub use query::Query;

use crate::service::PatientService;

pub type PatientsSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema with its resolvers' data and its audit trail's recorder of reads.
/// Without a service it can only print its SDL.
pub fn schema(service: Option<(PatientService, AuditLog)>) -> PatientsSchema {
    let builder = kit::server::subgraph_schema(Query, Mutation, EmptySubscription);
    match service {
        Some((service, audit)) => audit::recorded(builder, audit)
            .data(kit::loader::batched(service.store().clone()))
            .data(service)
            .finish(),
        None => builder.finish(),
    }
}

/// The federation SDL committed as `schema/patients.graphql`.
pub fn sdl() -> String {
    kit::server::federation_sdl(&schema(None))
}
