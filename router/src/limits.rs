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

use std::collections::HashMap;

use hive_router::{
    GraphQLError, async_trait,
    config::limits::LimitsConfig,
    graphql_tools::static_graphql::query::{Definition, Document, Selection, SelectionSet},
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

/// `text` with its `%XX` escapes and `+` decoded (a URL's query string).
fn percent_decoded(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = (bytes[at] == b'%')
            .then(|| bytes.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match (escaped, bytes[at]) {
            (Some(byte), _) => {
                decoded.push(byte);
                at += 3;
            }
            (None, b'+') => {
                decoded.push(b' ');
                at += 1;
            }
            (None, byte) => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    decoded
}

/// How deep `{`, `(` and `[` nest in GraphQL text or JSON, outside strings and comments.
pub fn bracket_nesting(text: impl AsRef<[u8]>) -> usize {
    let bytes = text.as_ref();
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0);
    while at < bytes.len() {
        match bytes[at] {
            b'{' | b'(' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            b'"' if bytes[at..].starts_with(b"\"\"\"") => {
                at += 3;
                while at < bytes.len() && !bytes[at..].starts_with(b"\"\"\"") {
                    // `\"\"\"` is an escaped delimiter inside a block string.
                    at += if bytes[at..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                at += 2;
            }
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        at += 1;
    }
    deepest
}

/// How deep decoded variables nest, counted as their JSON text would be: the variables
/// object is the first level, each array or object in it one more. Walked without recursion.
pub fn value_nesting<'a>(values: impl IntoIterator<Item = &'a sonic_rs::Value>) -> usize {
    use sonic_rs::JsonContainerTrait as _;

    let mut pending: Vec<(&sonic_rs::Value, usize)> =
        values.into_iter().map(|value| (value, 2)).collect();
    let mut deepest = usize::from(!pending.is_empty());
    while let Some((value, depth)) = pending.pop() {
        if let Some(array) = value.as_array() {
            deepest = deepest.max(depth);
            pending.extend(array.iter().map(|item| (item, depth + 1)));
        } else if let Some(object) = value.as_object() {
            deepest = deepest.max(depth);
            pending.extend(object.iter().map(|(_, item)| (item, depth + 1)));
        }
    }
    deepest
}

/// Fields the document's operations select, every fragment spread counted as the fields of
/// its fragment (saturating: a count past `usize::MAX` is still too many).
pub fn selected_fields(document: &Document) -> usize {
    let fragments: HashMap<&str, &SelectionSet> = document
        .definitions
        .iter()
        .filter_map(|definition| match definition {
            Definition::Fragment(fragment) => {
                Some((fragment.name.as_str(), &fragment.selection_set))
            }
            Definition::Operation(_) => None,
        })
        .collect();
    let mut counter = FieldCounter {
        fragments,
        counted: HashMap::new(),
    };
    document
        .definitions
        .iter()
        .filter_map(|definition| match definition {
            Definition::Operation(operation) => Some(operation_selection(operation)),
            Definition::Fragment(_) => None,
        })
        .fold(0, |total, set| total.saturating_add(counter.count(set)))
}

fn operation_selection(
    operation: &hive_router::graphql_tools::static_graphql::query::OperationDefinition,
) -> &SelectionSet {
    use hive_router::graphql_tools::static_graphql::query::OperationDefinition;
    match operation {
        OperationDefinition::SelectionSet(set) => set,
        OperationDefinition::Query(query) => &query.selection_set,
        OperationDefinition::Mutation(mutation) => &mutation.selection_set,
        OperationDefinition::Subscription(subscription) => &subscription.selection_set,
    }
}

struct FieldCounter<'doc> {
    fragments: HashMap<&'doc str, &'doc SelectionSet>,
    /// Fields per fragment once counted; `None` while being counted (a cycle, which
    /// validation refuses, counts nothing more here).
    counted: HashMap<&'doc str, Option<usize>>,
}

impl<'doc> FieldCounter<'doc> {
    fn count(&mut self, set: &'doc SelectionSet) -> usize {
        set.items.iter().fold(0, |total, selection| {
            let more = match selection {
                Selection::Field(field) => 1usize.saturating_add(self.count(&field.selection_set)),
                Selection::InlineFragment(inline) => self.count(&inline.selection_set),
                Selection::FragmentSpread(spread) => self.fragment(&spread.fragment_name),
            };
            total.saturating_add(more)
        })
    }

    fn fragment(&mut self, name: &'doc str) -> usize {
        if let Some(known) = self.counted.get(name) {
            return known.unwrap_or(0);
        }
        let Some(set) = self.fragments.get(name).copied() else {
            return 0;
        };
        self.counted.insert(name, None);
        let fields = self.count(set);
        self.counted.insert(name, Some(fields));
        fields
    }
}

#[cfg(test)]
mod tests {
    use hive_router::graphql_tools::parser::parse_query;

    use super::{
        HashMap, LimitsPluginConfig, bracket_nesting, selected_fields, sonic_rs, value_nesting,
    };

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

    #[test]
    fn decoded_variables_nest_as_their_text_does() {
        let text = r#"{"a": 1, "b": [[{"c": [2]}]], "d": {}}"#;
        let variables: HashMap<String, sonic_rs::Value> =
            sonic_rs::from_str(text).expect("variables");
        assert_eq!(value_nesting(variables.values()), bracket_nesting(text));
        assert_eq!(value_nesting(variables.values()), 5);
        assert_eq!(value_nesting([]), 0);
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_nest() {
        assert_eq!(bracket_nesting("{ a(x: [1, {y: 2}]) { b } }"), 4);
        assert_eq!(bracket_nesting(r#"{ a(s: "{{{[[[((") }"#), 2);
        assert_eq!(bracket_nesting(r#"{ a(s: "\"{{{") }"#), 2);
        assert_eq!(bracket_nesting("{ a # {{{{{{\n b }"), 1);
        assert_eq!(bracket_nesting(r#"{ a(s: """ {{{ \""" {{{ """) }"#), 2);
        assert_eq!(bracket_nesting("{".repeat(100)), 100);
        assert_eq!(
            bracket_nesting(br#"{"query": "{ a { b } }", "variables": {"v": [[1]]}}"#),
            4
        );
    }

    #[test]
    fn a_query_string_is_read_decoded() {
        assert_eq!(
            super::percent_decoded("a=%5B%5b+x%7D&b=%zz"),
            b"a=[[ x}&b=%zz"
        );
    }

    fn fields(query: &str) -> usize {
        selected_fields(&parse_query::<String>(query).expect("parses").into_static())
    }

    #[test]
    fn fields_are_counted_with_their_fragments_expanded() {
        assert_eq!(fields("{ a b { c d } }"), 4);
        assert_eq!(fields("{ ...F x { ...F } } fragment F on Query { a b }"), 5);
        assert_eq!(fields("{ ... on Query { a } }"), 1);
    }

    #[test]
    fn fragments_that_multiply_are_counted_without_expanding_them() {
        let mut query = String::from("{ ...F0 }");
        for level in 0..60 {
            let next = level + 1;
            query.push_str(&format!(
                " fragment F{level} on Query {{ ...F{next} ...F{next} }}"
            ));
        }
        query.push_str(" fragment F60 on Query { a }");
        assert_eq!(fields(&query), 1 << 60);
        let mut deeper = query.replace("F60 on Query { a }", "F60 on Query { ...F61 ...F61 }");
        for level in 61..70 {
            let next = level + 1;
            deeper.push_str(&format!(
                " fragment F{level} on Query {{ ...F{next} ...F{next} }}"
            ));
        }
        deeper.push_str(" fragment F70 on Query { a }");
        assert_eq!(fields(&deeper), usize::MAX, "saturates");
    }

    #[test]
    fn a_fragment_cycle_ends_the_count() {
        assert_eq!(
            fields("{ ...A } fragment A on Query { a ...B } fragment B on Query { b ...A }"),
            2
        );
    }
}
