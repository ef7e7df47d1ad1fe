//! A FHIR R4 REST interface over the supergraph. Every interaction becomes GraphQL
//! operations on the router, sent with the caller's own bearer token, so the router's
//! authentication, scopes and limits, the subgraphs' record-level rules and the audit trail
//! apply to FHIR exactly as to GraphQL. This service keeps no data and holds no secret.

pub mod capability;
pub mod dates;
pub mod model;
pub mod outcome;
pub mod resources;
pub mod respond;
pub mod search;
pub mod supergraph;

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use kit::settings::{env_or, env_parse};

use crate::{
    model::Resource,
    outcome::FhirError,
    resources::{appointment, everything, invoice, patient, practitioner, schedule},
    search::{Search, SearchParam},
    supergraph::{Caller, Supergraph},
};

#[derive(Debug, Clone)]
pub struct Settings {
    pub port: u16,
    /// Where to listen (`127.0.0.1`, or `0.0.0.0` in a container).
    pub host: String,
    /// The router's GraphQL endpoint.
    pub router_url: String,
    /// This interface's public base, in every link and `fullUrl`
    /// (`http://localhost:8090/fhir`).
    pub base_url: String,
    /// How long one GraphQL call may take before the interaction answers 504.
    pub upstream_timeout: Duration,
    /// The clinic's zone: where "today" is, for a Slot search that gives no start.
    pub clinic_timezone: chrono_tz::Tz,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        let port = env_parse("PORT", 8090)?;
        Ok(Self {
            port,
            host: env_or("HOST", "127.0.0.1"),
            router_url: env_or("FHIR_ROUTER_URL", "http://127.0.0.1:4004/graphql"),
            base_url: env_or("FHIR_BASE_URL", &format!("http://localhost:{port}/fhir"))
                .trim_end_matches('/')
                .to_owned(),
            upstream_timeout: Duration::from_millis(env_parse("FHIR_UPSTREAM_TIMEOUT_MS", 10_000)?),
            clinic_timezone: kit::settings::clinic_timezone()?,
        })
    }
}

/// What every handler shares.
pub struct App {
    pub supergraph: Supergraph,
    pub base_url: String,
    pub clinic_timezone: chrono_tz::Tz,
}

pub fn router(settings: &Settings) -> anyhow::Result<Router> {
    let app = Arc::new(App {
        supergraph: Supergraph::new(settings.router_url.clone(), settings.upstream_timeout)?,
        base_url: settings.base_url.clone(),
        clinic_timezone: settings.clinic_timezone,
    });
    Ok(Router::new()
        .route("/fhir/metadata", get(metadata))
        .route("/fhir/{kind}", get(search_type))
        .route("/fhir/{kind}/{id}", get(read))
        .route("/fhir/Patient/{id}/{operation}", get(operation))
        .route("/health", get(|| async { "ok" }))
        .fallback(unknown_path)
        .method_not_allowed_fallback(read_only)
        .with_state(app)
        .layer(tower_http::trace::TraceLayer::new_for_http()))
}

/// Serves until `shutdown` is cancelled.
pub async fn serve(
    settings: &Settings,
    shutdown: tokio_util::sync::CancellationToken,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind((settings.host.as_str(), settings.port)).await?;
    tracing::info!(address = %listener.local_addr()?, router = %settings.router_url, "FHIR R4 interface listening");
    kit::server::serve(listener, router(settings)?, shutdown).await?;
    Ok(())
}

type Answer = Result<Resource, FhirError>;

fn answer(accept: &HeaderMap, result: Answer) -> Response {
    if let Err(refused) = accepts_json(accept) {
        return refused.into_response();
    }
    match result {
        Ok(resource) => resource.into_response(),
        Err(error) => error.into_response(),
    }
}

/// 406 for a client asking for anything but JSON (FHIR's XML, say).
fn accepts_json(headers: &HeaderMap) -> Result<(), FhirError> {
    let Some(accept) = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
    else {
        return Ok(());
    };
    let json = accept.split(',').any(|media| {
        let media = media.split(';').next().unwrap_or_default().trim();
        matches!(
            media,
            "*/*" | "application/*" | "application/json" | "application/fhir+json" | "json"
        )
    });
    if json {
        Ok(())
    } else {
        Err(FhirError::new(
            StatusCode::NOT_ACCEPTABLE,
            "not-supported",
            format!("`Accept: {accept}`: this server answers in JSON only (application/fhir+json)"),
        ))
    }
}

async fn metadata(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    answer(&headers, Ok(capability::statement(&app.base_url)))
}

fn unknown_type(kind: &str) -> FhirError {
    FhirError::new(
        StatusCode::NOT_FOUND,
        "not-supported",
        format!("`{kind}` is not a resource type served here: see /fhir/metadata"),
    )
}

async fn read(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let caller = Caller::from_headers(&headers);
    let result = match kind.as_str() {
        "Patient" => patient::read(&app, &caller, &id).await,
        "Practitioner" => practitioner::read_practitioner(&app, &caller, &id).await,
        "PractitionerRole" => practitioner::read_role(&app, &caller, &id).await,
        "Appointment" => appointment::read(&app, &caller, &id).await,
        "Schedule" => schedule::read(&app, &caller, &id).await,
        "Invoice" => invoice::read(&app, &caller, &id).await,
        "Slot" => Err(FhirError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "not-supported",
            "Slots are computed, not stored: search them (Slot?schedule=Schedule/[doctor id])",
        )),
        other => Err(unknown_type(other)),
    };
    answer(&headers, result)
}

async fn search_type(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let (resource, params): (&'static str, &[SearchParam]) = match kind.as_str() {
        "Patient" => ("Patient", patient::SEARCH),
        "Practitioner" => ("Practitioner", practitioner::PRACTITIONER_SEARCH),
        "PractitionerRole" => ("PractitionerRole", practitioner::ROLE_SEARCH),
        "Appointment" => ("Appointment", appointment::SEARCH),
        "Schedule" => ("Schedule", schedule::SCHEDULE_SEARCH),
        "Slot" => ("Slot", schedule::SLOT_SEARCH),
        "Invoice" => ("Invoice", invoice::SEARCH),
        other => return answer(&headers, Err(unknown_type(other))),
    };
    let search = match Search::parse(resource, params, pairs) {
        Ok(search) => search,
        Err(refused) => return answer(&headers, Err(refused)),
    };
    let (app, caller) = (&app, &Caller::from_headers(&headers));
    let result = match resource {
        "Patient" => patient::search(app, caller, &search).await,
        "Practitioner" => practitioner::search_practitioners(app, caller, &search).await,
        "PractitionerRole" => practitioner::search_roles(app, caller, &search).await,
        "Appointment" => appointment::search(app, caller, &search).await,
        "Schedule" => schedule::search_schedules(app, caller, &search).await,
        "Slot" => schedule::search_slots(app, caller, &search).await,
        _ => invoice::search(app, caller, &search).await,
    };
    answer(&headers, result)
}

async fn operation(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((id, operation)): Path<(String, String)>,
) -> Response {
    let result = if operation == "$everything" {
        everything::everything(&app, &Caller::from_headers(&headers), &id).await
    } else {
        Err(FhirError::new(
            StatusCode::NOT_FOUND,
            "not-supported",
            format!("`{operation}` is not an operation on Patient here: $everything is"),
        ))
    };
    answer(&headers, result)
}

async fn unknown_path() -> Response {
    FhirError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Nothing is served at this path: FHIR resources are under /fhir (see /fhir/metadata)",
    )
    .into_response()
}

async fn read_only() -> Response {
    FhirError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "not-supported",
        "This interface reads and searches (GET) only: make changes through the GraphQL API",
    )
    .into_response()
}
