//! The HTTP face of every subgraph: axum + async-graphql.
//!
//! - `POST /graphql`: GraphQL over HTTP; each request carries a [`RequestContext`]. A body
//!   over `MAX_REQUEST_BODY_BYTES` is refused with 413, a request still running after
//!   `REQUEST_TIMEOUT_MS` is stopped, and its client gone, its work stops with it (the
//!   request's future is dropped).
//! - `GET /graphql`: GraphiQL for this subgraph (subscriptions pointed at `/ws`), and
//!   introspection, only where `GRAPHQL_INTROSPECTION` allows.
//! - `GET /ws`: subscriptions over WebSocket (`graphql-transport-ws`).
//! - Both answer only callers presenting the router's credential ([`trust`]).
//! - `GET /health`: the process is worth running (added by [`crate::app::Service`], which
//!   knows its watchdogs).
//! - `GET /ready`: every dependency answers (503 with the failing ones otherwise).

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use async_graphql::{
    ObjectType, Schema, ServerError, SubscriptionType,
    http::{GraphiQLSource, MultipartOptions},
};
use async_graphql_axum::{GraphQLProtocol, GraphQLResponse, GraphQLWebSocket};
use axum::{
    Json, Router,
    extract::{Request, State, WebSocketUpgrade},
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use futures::future::BoxFuture;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    context::{Caller, RequestContext},
    error::{ErrorCode, request_error},
    limits,
    settings::HttpSettings,
    tokens::TokenVerifier,
    trust,
};

/// How long in-flight requests may take to finish after shutdown starts.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A named dependency check for `/ready`; `Err` carries a short, non-secret reason.
pub type Probe = Arc<dyn Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// What every GraphQL request is served with: the schema and the deployment's limits.
struct Served<Q, M, S> {
    schema: Schema<Q, M, S>,
    tokens: Option<Arc<TokenVerifier>>,
    introspection: bool,
    request_timeout: Duration,
    max_body_bytes: usize,
}

impl<Q, M, S> Clone for Served<Q, M, S> {
    fn clone(&self) -> Self {
        Self {
            schema: self.schema.clone(),
            tokens: self.tokens.clone(),
            introspection: self.introspection,
            request_timeout: self.request_timeout,
            max_body_bytes: self.max_body_bytes,
        }
    }
}

/// Builds the router for `schema` with the given readiness probes and `http`'s limits.
pub fn router<Q, M, S>(
    schema: Schema<Q, M, S>,
    probes: Vec<(&'static str, Probe)>,
    http: &HttpSettings,
) -> Router
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let probes = Arc::new(probes);
    let graphql_route = if http.introspection {
        get(graphiql).post(graphql::<Q, M, S>)
    } else {
        post(graphql::<Q, M, S>)
    };
    let served = Served {
        schema: schema.clone(),
        tokens: http.tokens.clone(),
        introspection: http.introspection,
        request_timeout: http.request_timeout,
        max_body_bytes: http.max_body_bytes,
    };
    let credential = http.credential.clone();
    let tokens = http.tokens.clone();
    let guarded = Router::new()
        .route("/graphql", graphql_route)
        .with_state(served)
        .layer(axum::middleware::from_fn_with_state(
            credential.clone(),
            trust::require,
        ));
    Router::new()
        .merge(guarded)
        .route(
            "/ws",
            get(
                move |protocol: GraphQLProtocol,
                      upgrade: WebSocketUpgrade,
                      headers: axum::http::HeaderMap| {
                    subscriptions(
                        schema.clone(),
                        (credential.clone(), tokens.clone()),
                        protocol,
                        upgrade,
                        headers,
                    )
                },
            ),
        )
        .route("/ready", get(move || ready(Arc::clone(&probes))))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// A Federation v2 schema builder with the kit's limits ([`limits`]) and extensions (the
/// parsed-document cache).
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
        .limit_depth(limits::MAX_DEPTH)
        .limit_complexity(limits::MAX_COMPLEXITY)
        .limit_directives(limits::MAX_DIRECTIVES)
        .extension(limits::RequestLimits)
        .extension(crate::parse_cache::ParseCache::default())
        .extension(crate::root_spans::RootFieldSpans)
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

async fn graphql<Q, M, S>(State(served): State<Served<Q, M, S>>, request: Request) -> Response
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let (parts, body) = request.into_parts();
    let request = match read_request(&parts.headers, body, served.max_body_bytes).await {
        Ok(request) => request,
        Err(refused) => return refused,
    };
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let caller = match caller(authorization, served.tokens.as_deref()).await {
        Ok(caller) => caller,
        Err(why) => {
            let refusal = request_error(why, ErrorCode::Unauthenticated);
            return error_response(StatusCode::UNAUTHORIZED, refusal);
        }
    };
    let mut request = request.data(RequestContext::from_headers(&parts.headers, caller));
    if !served.introspection {
        request = request
            .disable_introspection()
            .data(limits::IntrospectionOff);
    }
    let execution = served.schema.execute(request);
    let mut response = match tokio::time::timeout(served.request_timeout, execution).await {
        Ok(response) => response,
        Err(_) => {
            let millis = served.request_timeout.as_millis();
            tracing::warn!(
                timeout_ms = millis as u64,
                "request stopped at its time limit"
            );
            let refusal = limits::refusal(
                format!(
                    "The request did not finish within {millis} ms and was stopped; nothing it had not committed was kept. Retry, or ask for less"
                ),
                "request_timeout_ms",
                usize::try_from(millis).unwrap_or(usize::MAX),
            );
            return error_response(StatusCode::SERVICE_UNAVAILABLE, refusal);
        }
    };
    crate::error::label_request_errors(&mut response);
    GraphQLResponse::from(response).into_response()
}

/// `GET /ws`: subscriptions for a caller presenting the credential in the upgrade's headers
/// or, as Hive Router sends it, in the `connection_init` payload (closed if not).
async fn subscriptions<Q, M, S>(
    schema: Schema<Q, M, S>,
    (credential, tokens): (trust::Credential, Option<Arc<TokenVerifier>>),
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
    headers: axum::http::HeaderMap,
) -> Response
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let presented = headers.get(trust::HEADER).map(|value| value.as_bytes());
    let admitted = presented.is_some() && credential.admits(presented);
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    if !(admitted || credential.admits_payload(&payload)) {
                        return Err(trust::refusal().message.into());
                    }
                    let authorization = trust::payload_header(&payload, "authorization");
                    let caller = caller(authorization, tokens.as_deref()).await?;
                    let context =
                        RequestContext::from_headers(&axum::http::HeaderMap::new(), caller);
                    let mut data = async_graphql::Data::default();
                    data.insert(context);
                    Ok(data)
                })
                .serve()
        })
}

/// Who sends `authorization` (the header's value): a person when it carries a token that
/// verifies, inside the system when it carries none (or when this deployment verifies
/// none); the reason in words when the token does not verify.
async fn caller(
    authorization: Option<&str>,
    tokens: Option<&TokenVerifier>,
) -> Result<Caller, String> {
    let (Some(authorization), Some(tokens)) = (authorization, tokens) else {
        return Ok(Caller::Internal);
    };
    let token = authorization
        .strip_prefix("Bearer ")
        .ok_or("The Authorization header is not `Bearer <token>`")?;
    let claims = tokens.verify(token).await.map_err(|problem| {
        tracing::warn!(%problem, "a forwarded token was refused");
        format!("The token is refused here: {problem}")
    })?;
    Caller::from_claims(claims).map_err(|why| format!("The token is refused here: {why}"))
}

/// The GraphQL request in `body`, read up to `max_bytes`; or the answer refusing it.
async fn read_request(
    headers: &axum::http::HeaderMap,
    body: axum::body::Body,
    max_bytes: usize,
) -> Result<async_graphql::Request, Response> {
    let Ok(body) = axum::body::to_bytes(body, max_bytes).await else {
        let refusal = limits::refusal(
            format!("The request body is larger than {max_bytes} bytes, or was cut off"),
            "max_request_body_size",
            max_bytes,
        );
        return Err(error_response(StatusCode::PAYLOAD_TOO_LARGE, refusal));
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = futures::io::Cursor::new(body);
    async_graphql::http::receive_body(content_type, body, MultipartOptions::default())
        .await
        .map_err(|error| {
            let message = format!("The request is not GraphQL over HTTP: {error}");
            error_response(
                StatusCode::BAD_REQUEST,
                request_error(message, ErrorCode::BadUserInput),
            )
        })
}

/// A GraphQL response with only `error`, sent with `status`.
pub(crate) fn error_response(status: StatusCode, error: ServerError) -> Response {
    let body = async_graphql::Response::from_errors(vec![error]);
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
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
