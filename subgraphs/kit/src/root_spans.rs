//! A span for each root field a request resolves (`patient`, `_entities`,
//! `createAppointment`, ...), around the spans of the services and stores it calls: a trace
//! then shows which field of a slow request took the time, and where inside it. Nested
//! fields get none: a span for every field would cost more than most fields do.

use std::sync::Arc;

use async_graphql::{
    ServerResult, Value,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo},
};
use tracing::Instrument as _;

/// The extension; [`crate::server::subgraph_schema`] adds it to every subgraph.
pub struct RootFieldSpans;

impl ExtensionFactory for RootFieldSpans {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RootFieldSpansExtension)
    }
}

struct RootFieldSpansExtension;

#[async_trait::async_trait]
impl Extension for RootFieldSpansExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.path_node.parent.is_some() || info.is_for_introspection {
            return next.run(ctx, info).await;
        }
        let span = tracing::info_span!("resolve", operation = info.parent_type, field = info.name);
        next.run(ctx, info).instrument(span).await
    }
}
