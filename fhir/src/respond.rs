//! Answers in FHIR's JSON format.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::model::Resource;

/// FHIR's JSON media type, with the version we speak.
pub const FHIR_JSON: &str = "application/fhir+json; fhirVersion=4.0; charset=utf-8";

pub fn fhir_json(status: StatusCode, resource: &Resource) -> Response {
    match serde_json::to_vec(resource) {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))],
            body,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "a resource did not serialise");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

impl IntoResponse for Resource {
    fn into_response(self) -> Response {
        fhir_json(StatusCode::OK, &self)
    }
}
