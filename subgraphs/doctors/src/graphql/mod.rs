//! The GraphQL face of the doctors subgraph (Federation v2).

mod loader;
mod mutation;
mod query;
mod types;

use async_graphql::{EmptySubscription, Schema, dataloader::DataLoader};

pub use loader::DoctorLoader;
pub use mutation::Mutation;
pub use query::Query;

use crate::service::DoctorService;

pub type DoctorsSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema with its resolvers' data. Without a service it can only print its SDL.
pub fn schema(service: Option<DoctorService>) -> DoctorsSchema {
    let builder = kit::server::subgraph_schema(Query, Mutation, EmptySubscription);
    match service {
        Some(service) => builder
            .data(DataLoader::new(
                DoctorLoader::new(service.store().clone()),
                tokio::spawn,
            ))
            .data(service)
            .finish(),
        None => builder.finish(),
    }
}

/// The federation SDL committed as `schema/doctors.graphql`.
pub fn sdl() -> String {
    kit::server::federation_sdl(&schema(None))
}
