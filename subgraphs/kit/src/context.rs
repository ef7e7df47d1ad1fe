//! The typed caller context carried from the HTTP layer to resolvers and into events.
//!
//! Everyone is anonymous today; when the router starts validating JWTs (DESIGN.md §7) the
//! identity and scopes land here and nothing else has to change shape.

use axum::http::HeaderMap;

/// Who is calling and under which trace.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// `x-request-id` from the router, or one made here.
    pub request_id: String,
    /// W3C `traceparent`, propagated into produced events as a Kafka header.
    pub traceparent: Option<String>,
    pub caller: Caller,
}

/// The authenticated principal, if any.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// Subject of the token; `None` while authentication is not enforced.
    pub subject: Option<String>,
    pub scopes: Vec<String>,
}

impl RequestContext {
    /// The context of the request being resolved; anonymous when there is none (a schema
    /// executed directly, as in SDL export).
    pub fn of<'a>(ctx: &async_graphql::Context<'a>) -> &'a Self {
        static ANONYMOUS: std::sync::LazyLock<RequestContext> =
            std::sync::LazyLock::new(RequestContext::default);
        ctx.data_opt::<Self>().unwrap_or(&ANONYMOUS)
    }

    pub fn from_headers(headers: &HeaderMap) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        Self {
            request_id: header("x-request-id").unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
            traceparent: header("traceparent"),
            caller: Caller::default(),
        }
    }
}
