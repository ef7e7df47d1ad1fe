//! The GraphQL face of the doctors subgraph (Federation v2).

mod loader;
mod mutation;
mod query;
mod schedule;
mod types;

use async_graphql::{EmptySubscription, MergedObject, Schema, dataloader::DataLoader};

pub use loader::{DoctorLoader, ScheduleLoader};
pub use query::Query;

/// Doctors' registration and their working hours.
#[derive(MergedObject, Default)]
pub struct Mutation(mutation::DoctorMutation, schedule::ScheduleMutation);

use crate::service::DoctorService;

pub type DoctorsSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema with its resolvers' data. Without a service it can only print its SDL.
pub fn schema(service: Option<DoctorService>) -> DoctorsSchema {
    let builder = kit::server::subgraph_schema(Query, Mutation::default(), EmptySubscription);
    match service {
        Some(service) => builder
            .data(kit::loader::batched(service.store().clone()))
            .data(DataLoader::new(
                ScheduleLoader::new(service.store().clone(), service.zone()),
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
