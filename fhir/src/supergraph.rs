//! The router's GraphQL API, called with the FHIR caller's own token: the router and the
//! subgraphs apply their access rules, limits and audit trail to every FHIR interaction.

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine as _;
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Value, json};

use crate::outcome::FhirError;

/// The headers passed on to the router as they came.
const FORWARDED: [&str; 4] = ["authorization", "traceparent", "tracestate", "x-request-id"];

/// Who is asking: the headers the router needs to know them and trace the request.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    headers: Vec<(&'static str, String)>,
    scopes: Vec<String>,
}

impl Caller {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let forwarded: Vec<(&'static str, String)> = FORWARDED
            .into_iter()
            .filter_map(|name| {
                let value = headers.get(name)?.to_str().ok()?;
                Some((name, value.to_owned()))
            })
            .collect();
        let scopes = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .map(token_scopes)
            .unwrap_or_default();
        Self {
            headers: forwarded,
            scopes,
        }
    }

    /// Whether the token claims `scope`. Read, not verified: it only chooses which fields
    /// to ask for (a billing clerk's Patient comes without contact details instead of
    /// refused); the router verifies the token and decides what it may see.
    pub fn claims_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|own| own == scope)
    }
}

/// The `scope` claim of a JWT, split; empty for anything else.
fn token_scopes(authorization: &str) -> Vec<String> {
    #[derive(Deserialize)]
    struct Claims {
        #[serde(default)]
        scope: String,
    }
    let Some(token) = authorization.strip_prefix("Bearer ") else {
        return Vec::new();
    };
    let Some(payload) = token.split('.').nth(1) else {
        return Vec::new();
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|json| serde_json::from_slice::<Claims>(&json).ok())
        .map(|claims| claims.scope.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// One page of a GraphQL connection.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection<T> {
    pub total_count: u64,
    pub page_info: PageInfo,
    pub nodes: Vec<T>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

impl<T> Connection<T> {
    /// The cursor of the next page, when there is one.
    pub fn next_cursor(&self) -> Option<&str> {
        self.page_info
            .end_cursor
            .as_deref()
            .filter(|_| self.page_info.has_next_page)
    }
}

#[derive(Clone)]
pub struct Supergraph {
    http: reqwest::Client,
    url: String,
}

#[derive(Deserialize)]
struct Answer<T> {
    data: Option<T>,
    #[serde(default)]
    errors: Vec<GraphqlError>,
}

#[derive(Deserialize)]
struct GraphqlError {
    message: String,
    #[serde(default)]
    extensions: Value,
}

impl Supergraph {
    /// The router's GraphQL endpoint (`http://127.0.0.1:4004/graphql`); a request taking
    /// longer than `timeout` is answered 504.
    pub fn new(url: String, timeout: Duration) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()?;
        Ok(Self { http, url })
    }

    /// Runs `query` as `caller`; any GraphQL error fails the interaction with the status
    /// and issue that fit it.
    pub async fn query<T: DeserializeOwned>(
        &self,
        caller: &Caller,
        query: &str,
        variables: Value,
    ) -> Result<T, FhirError> {
        let mut request = self
            .http
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }));
        for (name, value) in &caller.headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok()?.parse().ok());
        let answer: Answer<T> = response.json().await.map_err(|error| {
            tracing::error!(%error, %status, "the router's answer did not parse");
            FhirError::new(
                StatusCode::BAD_GATEWAY,
                "exception",
                format!(
                    "The GraphQL API answered {status} with something this service could not read"
                ),
            )
        })?;
        if let Some(error) = answer.errors.into_iter().next() {
            return Err(refusal(error, retry_after));
        }
        answer.data.ok_or_else(|| {
            FhirError::new(
                StatusCode::BAD_GATEWAY,
                "exception",
                "The GraphQL API answered without data or errors",
            )
        })
    }
}

fn unreachable(error: reqwest::Error) -> FhirError {
    tracing::warn!(%error, "the router did not answer");
    if error.is_timeout() {
        FhirError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "timeout",
            "The GraphQL API did not answer in time; retry",
        )
    } else {
        FhirError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "transient",
            "The GraphQL API cannot be reached; retry shortly",
        )
    }
}

/// A GraphQL error as a FHIR outcome: the message is the API's own, which says what to fix.
fn refusal(error: GraphqlError, retry_after: Option<u64>) -> FhirError {
    let code = error.extensions["code"].as_str().unwrap_or_default();
    let (status, issue) = match code {
        "UNAUTHENTICATED" => (StatusCode::UNAUTHORIZED, "login"),
        "FORBIDDEN" => (StatusCode::FORBIDDEN, "forbidden"),
        "BAD_USER_INPUT" => (StatusCode::BAD_REQUEST, "invalid"),
        "NOT_FOUND" => (StatusCode::NOT_FOUND, "not-found"),
        "LIMIT_EXCEEDED" => (StatusCode::BAD_REQUEST, "too-costly"),
        "RATE_LIMITED" => (StatusCode::TOO_MANY_REQUESTS, "throttled"),
        "UPSTREAM_UNAVAILABLE" | "AUDIT_UNAVAILABLE" => {
            (StatusCode::SERVICE_UNAVAILABLE, "transient")
        }
        _ => {
            tracing::warn!(code, message = %error.message, "the GraphQL API failed");
            (StatusCode::BAD_GATEWAY, "exception")
        }
    };
    let retry_after = retry_after.or_else(|| error.extensions["retryAfterSeconds"].as_u64());
    FhirError {
        retry_after: retry_after.filter(|_| status == StatusCode::TOO_MANY_REQUESTS),
        ..FhirError::new(status, issue, error.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(claims: &Value) -> String {
        let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        format!(
            "Bearer {}.{}.signature",
            encode(br#"{"alg":"EdDSA"}"#),
            encode(claims.to_string().as_bytes())
        )
    }

    #[test]
    fn scopes_come_from_the_tokens_scope_claim() {
        let scopes = token_scopes(&bearer(&json!({ "scope": "patients:read bills:read" })));
        assert_eq!(scopes, ["patients:read", "bills:read"]);
        assert!(token_scopes(&bearer(&json!({ "sub": "x" }))).is_empty());
        assert!(token_scopes("Basic abc").is_empty());
        assert!(token_scopes("Bearer not-a-jwt").is_empty());
    }

    #[test]
    fn graphql_codes_become_http_statuses() {
        let error = |code: &str| GraphqlError {
            message: format!("{code} happened"),
            extensions: json!({ "code": code, "retryAfterSeconds": 3 }),
        };
        let status = |code: &str| refusal(error(code), None).status;
        assert_eq!(status("UNAUTHENTICATED"), StatusCode::UNAUTHORIZED);
        assert_eq!(status("FORBIDDEN"), StatusCode::FORBIDDEN);
        assert_eq!(status("BAD_USER_INPUT"), StatusCode::BAD_REQUEST);
        assert_eq!(
            status("UPSTREAM_UNAVAILABLE"),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(status("INTERNAL_SERVER_ERROR"), StatusCode::BAD_GATEWAY);
        let limited = refusal(error("RATE_LIMITED"), None);
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(limited.retry_after, Some(3));
        assert_eq!(limited.diagnostics, "RATE_LIMITED happened");
    }
}
