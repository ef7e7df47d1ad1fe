//! The GraphQL face of the analytics subgraph (Federation v2): statistics over date ranges
//! and `Doctor.stats`; the audit trail for administrators.

mod audit;
mod query;
mod types;

use async_graphql::{EmptyMutation, EmptySubscription, Schema};

pub use query::Query;

use crate::{audit::AuditStore, service::Statistics};

pub type AnalyticsSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// The schema with its resolvers' data. Without statistics it can only print its SDL.
pub fn schema(data: Option<(Statistics, AuditStore)>) -> AnalyticsSchema {
    let builder = kit::server::subgraph_schema(Query, EmptyMutation, EmptySubscription);
    match data {
        Some((statistics, trail)) => builder.data(statistics).data(trail).finish(),
        None => builder.finish(),
    }
}

/// The federation SDL committed as `schema/analytics.graphql`.
pub fn sdl() -> String {
    kit::server::federation_sdl(&schema(None))
}
