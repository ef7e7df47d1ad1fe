//! The HTTP face of every subgraph: axum + async-graphql.
//!
//! - `POST /graphql`: GraphQL over HTTP; each request carries a [`RequestContext`].
//! - `GET /graphql`: GraphiQL for this subgraph (subscriptions pointed at `/ws`).
//! - `GET /ws`: subscriptions over WebSocket (`graphql-transport-ws`).
//! - `GET /health`: the process is alive.
//! - `GET /ready`: every dependency answers (503 with the failing ones otherwise).

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use async_graphql::{ObjectType, Schema, SubscriptionType, http::GraphiQLSource};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse, GraphQLSubscription};
use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{Html, IntoResponse},
    routing::get,
};
use futures::future::BoxFuture;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{context::RequestContext, error::ErrorCode};

/// How long in-flight requests may take to finish after shutdown starts.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A named dependency check for `/ready`; `Err` carries a short, non-secret reason.
pub type Probe = Arc<dyn Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// Builds the router for `schema` with the given readiness probes.
pub fn router<Q, M, S>(schema: Schema<Q, M, S>, probes: Vec<(&'static str, Probe)>) -> Router
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let probes = Arc::new(probes);
    Router::new()
        .route("/graphql", get(graphiql).post(graphql::<Q, M, S>))
        .route_service("/ws", GraphQLSubscription::new(schema.clone()))
        .route(
            "/health",
            get(|| async { Json(serde_json::json!({ "status": "ok" })) }),
        )
        .route("/ready", get(move || ready(Arc::clone(&probes))))
        .with_state(schema)
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// A Federation v2 schema builder with the kit's extensions (the parsed-document cache).
pub fn subgraph_schema<Q, M, S>(
    query: Q,
    mutation: M,
    subscription: S,
) -> async_graphql::SchemaBuilder<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    Schema::build(query, mutation, subscription)
        .enable_federation()
        .extension(crate::parse_cache::ParseCache::default())
}

/// The federation SDL of `schema`, as committed under `schema/<name>.graphql`.
pub fn federation_sdl<Q, M, S>(schema: &Schema<Q, M, S>) -> String
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    schema.sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .federation()
            .compose_directive(),
    )
}

/// Serves `app` on `listener` until `shutdown` is cancelled, then lets in-flight requests
/// finish for at most [`SHUTDOWN_GRACE`].
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let stopping = shutdown.clone();
    let server = axum::serve(listener, app)
        .with_graceful_shutdown(async move { stopping.cancelled().await });
    let mut server = std::pin::pin!(server.into_future());
    tokio::select! {
        result = &mut server => result,
        () = async { shutdown.cancelled().await; tokio::time::sleep(SHUTDOWN_GRACE).await } => {
            tracing::warn!("in-flight requests did not finish within the grace period; closing");
            Ok(())
        }
    }
}

async fn graphql<Q, M, S>(
    State(schema): State<Schema<Q, M, S>>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let context = RequestContext::from_headers(&headers);
    let mut response = schema.execute(request.into_inner().data(context)).await;
    label_request_errors(&mut response);
    response.into()
}

/// Errors async-graphql raises itself (syntax, validation, unparsable arguments) carry no
/// code; every error our resolvers raise does. Give the former the contract's
/// `BAD_USER_INPUT`, and the argument they name as `field` (`input.name`).
fn label_request_errors(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_some() {
            continue;
        }
        extensions.set("code", ErrorCode::BadUserInput.as_str());
        if let Some(field) = field_named_in(&error.message) {
            extensions.set("field", field);
        }
    }
}

/// `input.name` from `Invalid value for argument "input", field "name" ...`,
/// `input.name` from `Invalid value for argument "input.name", ...`, `id` from
/// `Field "patient" argument "id" ...`.
fn field_named_in(message: &str) -> Option<String> {
    let argument = quoted_after(message, "argument \"")?;
    Some(match quoted_after(message, "\", field \"") {
        Some(field) => format!("{argument}.{field}"),
        None => argument.to_owned(),
    })
}

fn quoted_after<'a>(message: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &message[message.find(marker)? + marker.len()..];
    rest.find('"').map(|end| &rest[..end])
}

async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/ws")
            .finish(),
    )
}

async fn ready(probes: Arc<Vec<(&'static str, Probe)>>) -> impl IntoResponse {
    let results = futures::future::join_all(probes.iter().map(|(name, probe)| async move {
        let outcome = tokio::time::timeout(Duration::from_secs(2), probe())
            .await
            .unwrap_or_else(|_| Err("no answer within 2 s".to_owned()));
        (*name, outcome)
    }))
    .await;
    let all_up = results.iter().all(|(_, outcome)| outcome.is_ok());
    let checks: BTreeMap<&str, String> = results
        .into_iter()
        .map(|(name, outcome)| {
            (
                name,
                outcome.map_or_else(|reason| format!("down: {reason}"), |()| "up".to_owned()),
            )
        })
        .collect();
    let status = if all_up {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({ "status": if all_up { "ready" } else { "not ready" }, "checks": checks });
    (status, Json(body))
}

#[cfg(test)]
mod tests {
    use super::field_named_in;

    #[test]
    fn names_the_argument_async_graphql_complains_about() {
        let cases = [
            (
                r#"Invalid value for argument "input", field "name" of type "String!" is required but not provided"#,
                Some("input.name"),
            ),
            (
                r#"Invalid value for argument "input.specialization", enumeration type "Specialization" does not contain the value "X""#,
                Some("input.specialization"),
            ),
            (
                r#"Field "patient" argument "id" of type "Query" is required but not provided"#,
                Some("id"),
            ),
            (r#"Unknown field "nope" on type "Query"."#, None),
        ];
        for (message, field) in cases {
            assert_eq!(field_named_in(message).as_deref(), field, "{message}");
        }
    }
}
