//! What one request to a subgraph may ask for, the same for every subgraph.
//!
//! The router refuses oversized operations before they reach a subgraph; these bounds make
//! each subgraph safe on its own as well (a caller that reaches it directly, or a router
//! plan gone wrong), and are set well above what the router's own plans need: its batched
//! `_entities` for a page of 100 carries 100 representations, its deepest plan nests a few
//! levels more than the client's operation. Every refusal is `LIMIT_EXCEEDED` with the
//! limit's name (`extensions.limit`) and value (`extensions.max`).

use std::sync::Arc;

use async_graphql::{
    ServerError, ServerResult, Value, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

use crate::error::{ErrorCode, request_error};

/// Most levels of nested fields in one operation (the router allows 12 to its clients).
pub const MAX_DEPTH: usize = 16;
/// Most fields in one operation, async-graphql's complexity with every field counting 1.
pub const MAX_COMPLEXITY: usize = 2_500;
/// Most directives on one field.
pub const MAX_DIRECTIVES: usize = 30;
/// Most representations in one `_entities` call (the router sends one per distinct entity
/// of a page, at most 100 for a page of 100).
pub const MAX_ENTITIES: usize = 1_000;
/// Most characters of an operation's text (the router's subgraph operations are minified
/// and come from client operations of at most 2,000 tokens). Checked before parsing, since
/// parsing and validating a long run of repeated fields costs time with the square of its
/// length.
pub const MAX_QUERY_CHARS: usize = 32 * 1024;

/// Most characters of a search term.
pub const MAX_SEARCH_CHARS: usize = 100;
/// Most characters of an appointment's notes.
pub const MAX_NOTES_CHARS: usize = 2_000;
/// Most characters of a cancellation's reason.
pub const MAX_REASON_CHARS: usize = 500;

/// A `LIMIT_EXCEEDED` error naming `limit` and its value `max`.
pub fn refusal(message: impl Into<String>, limit: &str, max: usize) -> ServerError {
    let mut error = request_error(message, ErrorCode::LimitExceeded);
    if let Some(extensions) = error.extensions.as_mut() {
        extensions.set("limit", limit);
        extensions.set("max", max as u64);
    }
    error
}

/// Gives async-graphql's own limit errors (which carry no code and no value) the contract's
/// code and words; returns whether `error` was one.
pub fn label_limit_error(error: &mut ServerError) -> bool {
    let (message, limit, max) = match error.message.as_str() {
        "Query is nested too deep." => (
            format!("The operation nests fields more than {MAX_DEPTH} levels deep."),
            "max_depth",
            MAX_DEPTH,
        ),
        "Query is too complex." => (
            format!("The operation selects more than {MAX_COMPLEXITY} fields."),
            "max_complexity",
            MAX_COMPLEXITY,
        ),
        other if other.starts_with("The number of directives on the field") => (
            format!("A field has more than {MAX_DIRECTIVES} directives."),
            "max_directives",
            MAX_DIRECTIVES,
        ),
        _ => return false,
    };
    let refused = refusal(message, limit, max);
    error.message = refused.message;
    error.extensions = refused.extensions;
    true
}

/// Request data marking introspection as off for the request (`GRAPHQL_INTROSPECTION`).
pub struct IntrospectionOff;

/// The extension that refuses long operation texts before they are parsed, and once they
/// are, `_entities` calls with too many representations and introspection where it is off
/// (async-graphql would answer `null` without saying why).
#[derive(Default)]
pub struct RequestLimits;

impl ExtensionFactory for RequestLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestLimits)
    }
}

#[async_trait::async_trait]
impl Extension for RequestLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if query.len() > MAX_QUERY_CHARS {
            return Err(refusal(
                format!(
                    "The operation text is longer than {MAX_QUERY_CHARS} characters; pass values as variables"
                ),
                "max_query_chars",
                MAX_QUERY_CHARS,
            ));
        }
        let document = next.run(ctx, query, variables).await?;
        if ctx.data_opt::<IntrospectionOff>().is_some() && introspects(&document) {
            return Err(request_error(
                "Introspection is off in this deployment (GRAPHQL_INTROSPECTION); the schema is in the repository's schema/ folder",
                ErrorCode::Forbidden,
            ));
        }
        let representations = entity_representations(&document, variables);
        if representations > MAX_ENTITIES {
            return Err(refusal(
                format!(
                    "`_entities` was given {representations} representations; at most {MAX_ENTITIES} are resolved in one request"
                ),
                "max_entities",
                MAX_ENTITIES,
            ));
        }
        Ok(document)
    }
}

/// Whether an operation asks for `__schema` or `__type` at its root.
fn introspects(document: &ExecutableDocument) -> bool {
    document.operations.iter().any(|(_, operation)| {
        operation
            .node
            .selection_set
            .node
            .items
            .iter()
            .any(|selection| {
                matches!(&selection.node, Selection::Field(field)
                if matches!(field.node.name.node.as_str(), "__schema" | "__type"))
            })
    })
}

/// Representations passed to `_entities` by the document's operations, inline or as
/// variables.
fn entity_representations(document: &ExecutableDocument, variables: &Variables) -> usize {
    document
        .operations
        .iter()
        .map(|(_, operation)| in_selection(&operation.node.selection_set.node, variables))
        .sum()
}

fn in_selection(set: &SelectionSet, variables: &Variables) -> usize {
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) if field.node.name.node == "_entities" => field
                .node
                .get_argument("representations")
                .map_or(0, |value| list_length(&value.node, variables)),
            Selection::Field(_) | Selection::FragmentSpread(_) => 0,
            Selection::InlineFragment(inline) => {
                in_selection(&inline.node.selection_set.node, variables)
            }
        })
        .sum()
}

/// Items of a list argument given inline or as a variable (a single value counts one).
fn list_length(value: &async_graphql_value::Value, variables: &Variables) -> usize {
    match value {
        async_graphql_value::Value::List(items) => items.len(),
        async_graphql_value::Value::Variable(name) => match variables.get(name) {
            Some(Value::List(items)) => items.len(),
            Some(_) => 1,
            None => 0,
        },
        _ => 1,
    }
}
