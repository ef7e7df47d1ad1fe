//! One module per FHIR resource type: its search parameters, the GraphQL it asks, and the
//! mapping of the answer to FHIR.

pub mod appointment;
pub mod everything;
pub mod invoice;
pub mod patient;
pub mod practitioner;
pub mod schedule;

use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

use serde_json::{Value, json};

use crate::{
    App,
    model::Resource,
    outcome::FhirError,
    search::{Search, reference_id},
    supergraph::{Caller, Connection},
};

/// Whether `id` can name one of our records (a UUID): anything else is known not to exist.
pub fn is_id(id: &str) -> bool {
    uuid::Uuid::try_parse(id).is_ok()
}

/// The Bundle of a search that finds at most one resource (by id), or none at all.
pub fn bundle_of(app: &App, search: &Search, found: Option<Resource>) -> Resource {
    let found: Vec<Resource> = found.into_iter().collect();
    Resource::Bundle(search.bundle(&app.base_url, found.len() as u64, None, found))
}

/// The id a reference parameter (`patient`, `practitioner`) names: `Kind/[id]` or the id.
pub fn referenced<'a>(
    search: &'a Search,
    name: &str,
    kind: &str,
) -> Result<Option<&'a str>, FhirError> {
    let Some(value) = search.value(name) else {
        return Ok(None);
    };
    match reference_id(value, kind) {
        Some(id) if is_id(id) => Ok(Some(id)),
        _ => Err(search.refuse(
            name,
            format!("`{value}` is not a reference to a {kind}: give `{kind}/[id]` or the id"),
        )),
    }
}

/// What a `status` search keeps.
pub enum StatusFilter {
    Any,
    /// Ours, in the GraphQL API's words.
    Only(&'static str),
    /// A FHIR status none of ours maps to: nothing matches.
    Nothing,
}

/// Reads `status` by `table` (ours, FHIR's); `unused` are FHIR's other codes.
pub fn status_filter(
    search: &Search,
    table: &[(&'static str, &'static str)],
    unused: &[&str],
) -> Result<StatusFilter, FhirError> {
    let Some(value) = search.value("status") else {
        return Ok(StatusFilter::Any);
    };
    if let Some((ours, _)) = table.iter().find(|(_, fhir)| *fhir == value) {
        return Ok(StatusFilter::Only(ours));
    }
    if unused.contains(&value) {
        return Ok(StatusFilter::Nothing);
    }
    let known: Vec<&str> = table.iter().map(|(_, fhir)| *fhir).collect();
    Err(search.refuse(
        "status",
        format!(
            "`{value}` is not a {} status here: give {}",
            search.resource,
            known.join(", ")
        ),
    ))
}

/// The API answered without the field asked for: its fault (502).
pub fn missing(field: &str) -> FhirError {
    FhirError::new(
        StatusCode::BAD_GATEWAY,
        "exception",
        format!("The GraphQL API's answer has no `{field}`"),
    )
}

/// The record `field(id:)` answers with `fields`, `None` when there is none. An id that
/// cannot be ours is not asked about.
pub async fn record<T: DeserializeOwned>(
    app: &App,
    caller: &Caller,
    field: &str,
    fields: &str,
    id: &str,
) -> Result<Option<T>, FhirError> {
    if !is_id(id) {
        return Ok(None);
    }
    let query = format!("query($id: ID!) {{ {field}(id: $id) {{ {fields} }} }}");
    let mut data: HashMap<String, Option<T>> = app
        .supergraph
        .query(caller, &query, json!({ "id": id }))
        .await?;
    Ok(data.remove(field).flatten())
}

/// One page of the connection `field` that `query` asks for (its variables `first` and
/// `after` set from the search), as a searchset Bundle.
pub async fn page<T: DeserializeOwned>(
    app: &App,
    caller: &Caller,
    search: &Search,
    field: &str,
    query: &str,
    mut variables: Value,
    to_fhir: impl Fn(T) -> Result<Resource, FhirError>,
) -> Result<Resource, FhirError> {
    variables["first"] = json!(search.count);
    variables["after"] = json!(search.cursor);
    // Read straight into the typed page: no intermediate JSON tree.
    let mut data: HashMap<String, Connection<T>> =
        app.supergraph.query(caller, query, variables).await?;
    let page = data.remove(field).ok_or_else(|| missing(field))?;
    let next = page.next_cursor().map(str::to_owned);
    let resources = page
        .nodes
        .into_iter()
        .map(to_fhir)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Resource::Bundle(search.bundle(
        &app.base_url,
        page.total_count,
        next.as_deref(),
        resources,
    )))
}
