//! Failures as FHIR answers them: an `OperationOutcome` with the HTTP status that fits.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{
    model::{Issue, Narrative, OperationOutcome, Resource},
    respond::fhir_json,
};

/// Why an interaction failed, and how to tell the caller.
#[derive(Debug, Clone)]
pub struct FhirError {
    pub status: StatusCode,
    /// FHIR's issue type (`invalid`, `not-found`, `forbidden`, ...).
    pub code: &'static str,
    pub diagnostics: String,
    /// Where the problem is, e.g. the search parameter (`Patient.birthdate`).
    pub expression: Option<String>,
    /// Seconds to wait before retrying (429).
    pub retry_after: Option<u64>,
}

impl FhirError {
    pub fn new(status: StatusCode, code: &'static str, diagnostics: impl Into<String>) -> Self {
        Self {
            status,
            code,
            diagnostics: diagnostics.into(),
            expression: None,
            retry_after: None,
        }
    }

    /// 400: a search parameter or request the caller must change.
    pub fn invalid(diagnostics: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid", diagnostics)
    }

    /// 400 naming the parameter at fault.
    pub fn parameter(resource: &str, name: &str, diagnostics: impl Into<String>) -> Self {
        Self {
            expression: Some(format!("{resource}.{name}")),
            ..Self::invalid(diagnostics)
        }
    }

    /// 400: something FHIR defines that this server does not do.
    pub fn not_supported(diagnostics: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "not-supported", diagnostics)
    }

    pub fn not_found(resource: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("There is no {resource} with id `{id}`"),
        )
    }

    pub fn outcome(&self) -> OperationOutcome {
        OperationOutcome {
            text: Narrative::of(&self.diagnostics),
            issue: vec![Issue {
                severity: "error",
                code: self.code,
                diagnostics: self.diagnostics.clone(),
                expression: self.expression.iter().cloned().collect(),
            }],
        }
    }
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        let mut response = fhir_json(self.status, &Resource::OperationOutcome(self.outcome()));
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
