//! The [`Recorder`] extension: a [`Trail`] in every request, the fields each audited type
//! returned, and the request's records kept by the [`AuditLog`] before its response leaves.

use std::sync::Arc;

use async_graphql::{
    Response, ServerResult, Value,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest,
        NextResolve, ResolveInfo,
    },
};

use super::{
    log::{AuditLog, unavailable},
    trail::Trail,
};
use crate::context::RequestContext;

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
            self.trail.in_mutation();
        }
        let value = next.run(ctx, info).await?;
        if value.is_some()
            && AUDITED_TYPES.contains(&parent)
            && !matches!(name, "id" | "__typename")
        {
            self.trail.returned(parent, name);
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
