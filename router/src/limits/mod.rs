//! What one operation may ask for, told to the caller in words.
//!
//! Hive Router enforces `limits` (depth, tokens, aliases, directives, body size) itself but
//! answers with its own codes and messages that do not say the limit ("Query depth limit
//! exceeded."). This plugin rewrites each such refusal as `LIMIT_EXCEEDED` with the limit's
//! configuration key and value in the message and in `extensions` (`limit`, `max`).
//!
//! A body announced larger than `max_request_body_size` is refused here, before Hive Router
//! reads it, and read to its end first (up to [`DRAIN_MAX_BYTES`]): Hive Router reads only
//! 64 KiB of it and closes, so a client still sending got a reset connection instead of the
//! answer.
//!
//! It also adds two bounds Hive Router has no key for:
//! - `max_nesting`: how deep brackets (`{`, `(`, `[`) may nest in the operation's text and
//!   in the request's JSON (its variables), checked by a scan before either is parsed.
//!   Deep nesting overflows a worker thread's stack: the GraphQL parser allows 50 levels
//!   but a debug build overflows at 49, and variables nested 20,000 deep (40 KB of `[`)
//!   overflow a release build too. ntex's SIGSEGV handler then tries to symbolise the
//!   overflowed stack from a 64 KiB signal stack, overflows again, and spins there for good
//!   (one core, gigabytes of memory, no worker left to answer). Refusing first keeps every
//!   parser shallow.
//! - `max_fields`: the number of fields an operation selects once its fragments are
//!   expanded. Fragments that spread each other (`fragment A { ...B ...B }`, `fragment B {
//!   ...C ...C }`, ...) double the work at every level in a handful of tokens; the count is
//!   memoised per fragment, so it costs one walk of the document, and a refused operation is
//!   never validated or planned.

mod measure;

use std::collections::HashMap;

use measure::percent_decoded;
pub use measure::{bracket_nesting, selected_fields, value_nesting};

use hive_router::{
    GraphQLError, async_trait,
    config::limits::LimitsConfig,
    http::StatusCode,
    plugins::{
        hooks::{
            on_graphql_error::{OnGraphQLErrorHookPayload, OnGraphQLErrorHookResult},
            on_graphql_params::{OnGraphQLParamsStartHookPayload, OnGraphQLParamsStartHookResult},
            on_graphql_parse::{OnGraphQLParseHookResult, OnGraphQLParseStartHookPayload},
            on_graphql_validation::{
                OnGraphQLValidationStartHookPayload, OnGraphQLValidationStartHookResult,
            },
            on_http_request::{OnHttpRequestHookFuture, OnHttpRequestHookPayload},
            on_plugin_init::{OnPluginInitPayload, OnPluginInitResult},
        },
        plugin_trait::{RouterPlugin, StartHookPayload as _},
    },
    sonic_rs,
};
use serde::Deserialize;

/// The code of every refusal by a limit.
pub const CODE: &str = "LIMIT_EXCEEDED";

/// Most bytes of an oversized body read (and dropped) so that its client gets the answer;
/// a client sending more gets a closed connection.
pub const DRAIN_MAX_BYTES: usize = 32 << 20;
/// Longest time spent reading an oversized body.
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(5);

/// Brackets the GraphQL parser of Hive Router lets nest (a fixed limit of its own).
const PARSER_NESTING: usize = 50;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsPluginConfig {
    /// Most levels brackets may nest in an operation's text (below the parser's 50).
    max_nesting: usize,
    /// Most fields an operation may select, fragments expanded.
    max_fields: usize,
}

pub struct Limits {
    max_nesting: usize,
    max_fields: usize,
    router: LimitsConfig,
}

#[async_trait]
impl RouterPlugin for Limits {
    type Config = LimitsPluginConfig;

    fn plugin_name() -> &'static str {
        "limits"
    }

    fn on_plugin_init(payload: OnPluginInitPayload<Self>) -> OnPluginInitResult<Self> {
        let config = payload.config()?;
        if config.max_nesting >= PARSER_NESTING {
            return Err(format!(
                "plugins.limits.config.max_nesting must be below the parser's own {PARSER_NESTING}"
            )
            .into());
        }
        let router = payload.router_config().limits.clone();
        payload.initialize_plugin(Self {
            max_nesting: config.max_nesting,
            max_fields: config.max_fields,
            router,
        })
    }

    fn on_http_request<'req>(
        &'req self,
        mut payload: OnHttpRequestHookPayload<'req>,
    ) -> OnHttpRequestHookFuture<'req> {
        Box::pin(async move {
            // A GET request's variables are read before any later hook sees them.
            let query_string = payload
                .router_http_request
                .uri()
                .query()
                .unwrap_or_default();
            if let Some(error) = self.nested_too_deep(percent_decoded(query_string)) {
                return payload.end_with_graphql_error(error, StatusCode::BAD_REQUEST);
            }
            let max =
                usize::try_from(self.router.max_request_body_size.to_bytes()).unwrap_or(usize::MAX);
            let announced = payload
                .router_http_request
                .headers()
                .get(hive_router::http::header::CONTENT_LENGTH)
                .and_then(|length| length.to_str().ok()?.parse::<usize>().ok());
            if announced.is_none_or(|length| length <= max) {
                return payload.proceed();
            }
            let mut body = payload.router_http_request.take_payload();
            let drain = async {
                let mut read = 0usize;
                while read < DRAIN_MAX_BYTES {
                    match body.recv().await {
                        Some(Ok(chunk)) if !chunk.is_empty() => read += chunk.len(),
                        _ => break,
                    }
                }
            };
            let _ = hive_router::ntex::time::timeout(DRAIN_TIME, drain).await;
            let message = format!("The request body is larger than {max} bytes");
            let error = refusal("max_request_body_size", max, message);
            payload.end_with_graphql_error(error, StatusCode::PAYLOAD_TOO_LARGE)
        })
    }

    /// The body's JSON, before it is decoded: nested variables (`[[[[...]]]]`, 20,000 deep
    /// in 40 KB) overflow a worker's stack in any build. A WebSocket `subscribe` comes
    /// decoded already (see [`crate::worker`]); its variables are measured as they are.
    async fn on_graphql_params<'exec>(
        &'exec self,
        payload: OnGraphQLParamsStartHookPayload<'exec>,
    ) -> OnGraphQLParamsStartHookResult<'exec> {
        let decoded = payload.graphql_params.iter().flat_map(|params| {
            params
                .variables
                .values()
                .chain(params.extensions.iter().flat_map(HashMap::values))
        });
        let too_deep = self.nested_too_deep(&payload.body).or_else(|| {
            (value_nesting(decoded) > self.max_nesting).then(|| self.nesting_refusal())
        });
        if let Some(error) = too_deep {
            return payload.end_with_graphql_error(error, StatusCode::BAD_REQUEST);
        }
        payload.proceed()
    }

    /// The operation's text, however it came (HTTP or WebSocket), before it is parsed.
    async fn on_graphql_parse<'exec>(
        &'exec self,
        payload: OnGraphQLParseStartHookPayload<'exec>,
    ) -> OnGraphQLParseHookResult<'exec> {
        let query = payload.graphql_params.query.as_deref().unwrap_or_default();
        if let Some(error) = self.nested_too_deep(query) {
            return payload.end_with_graphql_error(error, StatusCode::BAD_REQUEST);
        }
        payload.proceed()
    }

    async fn on_graphql_validation<'exec>(
        &'exec self,
        payload: OnGraphQLValidationStartHookPayload<'exec>,
    ) -> OnGraphQLValidationStartHookResult<'exec> {
        if selected_fields(&payload.document) > self.max_fields {
            let error = refusal(
                "max_fields",
                self.max_fields,
                format!(
                    "The operation selects more than {} fields once its fragments are expanded; select fewer fields or split it into several operations",
                    self.max_fields
                ),
            );
            return payload.end_with_graphql_error(error, StatusCode::BAD_REQUEST);
        }
        payload.proceed()
    }

    fn on_graphql_error<'req>(
        &'req self,
        mut payload: OnGraphQLErrorHookPayload<'req>,
    ) -> OnGraphQLErrorHookResult<'req> {
        if let Some(error) = self.reworded(&payload.error) {
            // Hive Router answers some of these 200 (a validation error to an
            // `application/json` client); every refusal by a limit is a 4xx here, as ours are.
            if error.extensions.code.as_deref() == Some(CODE) && payload.status_code.is_success() {
                payload.status_code = StatusCode::BAD_REQUEST;
            }
            payload.error = error;
        }
        payload.proceed()
    }
}

impl Limits {
    /// The refusal of `text` (an operation or a request's JSON) if its brackets nest too deep.
    fn nested_too_deep(&self, text: impl AsRef<[u8]>) -> Option<GraphQLError> {
        (bracket_nesting(text) > self.max_nesting).then(|| self.nesting_refusal())
    }

    fn nesting_refusal(&self) -> GraphQLError {
        refusal(
            "max_nesting",
            self.max_nesting,
            format!(
                "The operation or its variables nest brackets ({{, ( and [) more than {} levels deep",
                self.max_nesting
            ),
        )
    }

    /// The refusal in words for an error Hive Router raised because of a limit or of the
    /// deployment's introspection switch, if it is one.
    fn reworded(&self, error: &GraphQLError) -> Option<GraphQLError> {
        let limits = &self.router;
        let code = error.extensions.code.as_deref().unwrap_or_default();
        let (key, max, message) = match code {
            "INTROSPECTION_DISABLED" => {
                return Some(GraphQLError::from_message_and_code(
                    "Introspection is off in this deployment (GRAPHQL_INTROSPECTION); the schema is in the repository's schema/supergraph.graphql",
                    "FORBIDDEN",
                ));
            }
            "MAX_DEPTH_EXCEEDED" => {
                let max = limits.max_depth.as_ref().map_or(0, |rule| rule.n);
                let message = format!(
                    "The operation nests fields more than {max} levels deep; ask for less in one operation"
                );
                ("max_depth", max, message)
            }
            "MAX_ALIASES_EXCEEDED" => {
                let max = limits.max_aliases.as_ref().map_or(0, |rule| rule.n);
                let message = format!("The operation uses more than {max} aliases");
                ("max_aliases", max, message)
            }
            "MAX_DIRECTIVES_EXCEEDED" => {
                let max = limits.max_directives.as_ref().map_or(0, |rule| rule.n);
                let message = format!("The operation uses more than {max} directives");
                ("max_directives", max, message)
            }
            "TOKEN_LIMIT_EXCEEDED" => {
                let max = limits.max_tokens.as_ref().map_or(0, |rule| rule.n);
                let message = format!(
                    "The operation has more than {max} tokens (names, punctuation, values); send a smaller operation and pass values as variables"
                );
                ("max_tokens", max, message)
            }
            "GRAPHQL_PARSE_FAILED" if error.message.contains("Recursion limit exceeded") => {
                let message = format!(
                    "The operation nests brackets ({{, ( and [) more than {PARSER_NESTING} levels deep"
                );
                ("max_nesting", PARSER_NESTING, message)
            }
            code if code.starts_with("PAYLOAD_TOO_LARGE") => {
                let max = usize::try_from(limits.max_request_body_size.to_bytes()).ok()?;
                let message = format!("The request body is larger than {max} bytes");
                ("max_request_body_size", max, message)
            }
            _ => return None,
        };
        Some(refusal(key, max, message))
    }
}

/// A `LIMIT_EXCEEDED` error naming the limit (`limit`: its configuration key) and its value.
fn refusal(key: &str, max: usize, message: String) -> GraphQLError {
    let mut error =
        GraphQLError::from_message_and_code(format!("{message} (limit `{key}`: {max})."), CODE);
    error
        .extensions
        .set("limit".to_owned(), sonic_rs::json!(key));
    error.extensions.set("max".to_owned(), sonic_rs::json!(max));
    error
}

#[cfg(test)]
mod tests {
    use super::LimitsPluginConfig;

    /// Hive Router ignores keys it does not know under `limits` (no `deny_unknown_fields`
    /// there): a misspelt limit would silently be no limit. Each one is read back here as
    /// Hive Router reads it.
    #[test]
    fn the_committed_configuration_sets_every_limit() {
        use std::time::Duration;

        use hive_router::config::{load_config, traffic_shaping::DurationOrExpression};

        let config = load_config(Some(crate::identity::tests::committed_config_with_keys()))
            .expect("the configuration loads");
        let limits = &config.limits;
        assert_eq!(limits.max_depth.as_ref().map(|rule| rule.n), Some(12));
        assert_eq!(limits.max_tokens.as_ref().map(|rule| rule.n), Some(2000));
        assert_eq!(limits.max_aliases.as_ref().map(|rule| rule.n), Some(30));
        assert_eq!(limits.max_directives.as_ref().map(|rule| rule.n), Some(30));
        assert_eq!(limits.max_request_body_size.to_bytes(), 64 * 1024);
        let shaping = &config.traffic_shaping;
        assert!(matches!(
            shaping.all.request_timeout,
            DurationOrExpression::Duration(timeout) if timeout == Duration::from_secs(10)
        ));
        assert_eq!(shaping.router.request_timeout, Duration::from_secs(15));
        assert_eq!(shaping.router.max_long_lived_clients, 512);
        assert!(
            config.introspection.is_some(),
            "introspection follows the switch"
        );

        let plugin = |name: &str| {
            let plugin = &config.plugins[name];
            assert!(plugin.enabled, "{name} is enabled");
            plugin.config.clone()
        };
        let limits: LimitsPluginConfig =
            serde_json::from_value(plugin("limits")).expect("the limits plugin's config");
        assert_eq!((limits.max_nesting, limits.max_fields), (32, 2000));
        let rates: crate::rate_limit::RateLimitConfig =
            serde_json::from_value(plugin("rate_limit")).expect("the rate limit's config");
        assert_eq!((rates.per_second, rates.burst), (200, 400));
    }
}
