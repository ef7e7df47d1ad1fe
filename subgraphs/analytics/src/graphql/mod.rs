//! The GraphQL face of the analytics subgraph (Federation v2): statistics over date ranges
//! and `Doctor.stats`.

mod query;
mod types;

use async_graphql::{EmptyMutation, EmptySubscription, Schema};

pub use query::Query;

use crate::service::Statistics;

pub type AnalyticsSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// The schema with its resolvers' data. Without statistics it can only print its SDL.
pub fn schema(statistics: Option<Statistics>) -> AnalyticsSchema {
    let builder = kit::server::subgraph_schema(Query, EmptyMutation, EmptySubscription);
    match statistics {
        Some(statistics) => builder.data(statistics).finish(),
        None => builder.finish(),
    }
}

/// The federation SDL committed as `schema/analytics.graphql`.
pub fn sdl() -> String {
    kit::server::federation_sdl(&schema(None))
}
