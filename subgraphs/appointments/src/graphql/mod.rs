//! The GraphQL face of the appointments subgraph (Federation v2, with subscriptions).

mod arguments;
mod loader;
mod mutation;
mod query;
mod slots;
mod subscription;
mod types;

use async_graphql::{Schema, dataloader::DataLoader};
use kit::audit::{self, AuditLog};

pub use loader::AppointmentLoader;
pub use mutation::Mutation;
pub use query::Query;
pub use subscription::Subscription;

use crate::{live::LiveUpdates, service::AppointmentService};

pub type AppointmentsSchema = Schema<Query, Mutation, Subscription>;

/// The schema with its resolvers' data and its audit trail's recorder of reads. Without a
/// service it can only print its SDL.
pub fn schema(service: Option<(AppointmentService, LiveUpdates, AuditLog)>) -> AppointmentsSchema {
    let builder = kit::server::subgraph_schema(Query, Mutation, Subscription)
        .enable_subscription_in_federation();
    match service {
        Some((service, live, audit)) => audit::recorded(builder, audit)
            .data(DataLoader::new(
                AppointmentLoader::new(service.store().clone()),
                tokio::spawn,
            ))
            .data(service)
            .data(live)
            .finish(),
        None => builder.finish(),
    }
}

/// The federation SDL committed as `schema/appointments.graphql`.
pub fn sdl() -> String {
    kit::server::federation_sdl(&schema(None))
}
