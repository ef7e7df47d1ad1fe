//! Subgraphs trust only the router, and each other.
//!
//! With `SUBGRAPH_SECRET` set, every request to `/graphql` and every WebSocket connection
//! to `/ws` must present it in the [`HEADER`] header (over WebSocket, in the upgrade
//! request's headers or in the `connection_init` payload, where Hive Router puts a
//! subgraph subscription's headers); it is compared in constant time. Without it the answer
//! is 401 `UNAUTHENTICATED` (the socket is closed, 1002 with the reason). `/health` and `/ready` stay
//! open. The router inserts the header on every subgraph request (`router.config.yaml`,
//! `headers`), and a subgraph calling another (appointments' reference checks) sends it
//! too, with its name in [`CALLER_HEADER`].
//!
//! Without a secret a subgraph admits every caller, which it may do only when it listens on
//! loopback: [`crate::settings::HttpSettings::from_env`] refuses any other address.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::StatusCode,
    middleware::Next,
    response::Response,
};
use subtle::ConstantTimeEq as _;

use crate::{
    error::{ErrorCode, request_error},
    settings::Secret,
};

/// The header carrying the router's credential.
pub const HEADER: &str = "x-pms-credential";
/// The header naming the subgraph that calls another (for its logs).
pub const CALLER_HEADER: &str = "x-pms-caller";

/// What a subgraph asks of its callers: the secret, or nothing (loopback only).
#[derive(Clone, Debug, Default)]
pub struct Credential(Option<Arc<Secret>>);

impl Credential {
    /// Callers must present `secret`.
    pub fn required(secret: Secret) -> Self {
        Self(Some(Arc::new(secret)))
    }

    /// Every caller is admitted (a subgraph on loopback, tests).
    pub fn open() -> Self {
        Self(None)
    }

    pub fn is_required(&self) -> bool {
        self.0.is_some()
    }

    /// Whether a caller presenting `presented` (the header's value, if any) is admitted.
    pub fn admits(&self, presented: Option<&[u8]>) -> bool {
        match &self.0 {
            None => true,
            Some(secret) => presented
                .is_some_and(|presented| bool::from(secret.expose().as_bytes().ct_eq(presented))),
        }
    }

    /// Whether a WebSocket's `connection_init` payload (`{"x-pms-credential": "..."}`, the
    /// name in any case) carries the credential.
    pub fn admits_payload(&self, payload: &serde_json::Value) -> bool {
        self.admits(payload_header(payload, HEADER).map(str::as_bytes))
    }

    /// The header to send when calling another subgraph, if a secret is set.
    pub fn outgoing(&self) -> Option<(&'static str, &str)> {
        self.0.as_ref().map(|secret| (HEADER, secret.expose()))
    }
}

/// The header `name` (in any case) among a WebSocket `connection_init` payload's fields,
/// where Hive Router puts a subgraph subscription's headers.
pub fn payload_header<'a>(payload: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    payload.as_object().and_then(|fields| {
        fields
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .and_then(|(_, value)| value.as_str())
    })
}

/// Middleware: refuses a request without the credential, 401 `UNAUTHENTICATED`.
pub async fn require(
    State(credential): State<Credential>,
    request: Request,
    next: Next,
) -> Response {
    let presented = request.headers().get(HEADER).map(|value| value.as_bytes());
    if credential.admits(presented) {
        return next.run(request).await;
    }
    crate::server::error_response(StatusCode::UNAUTHORIZED, refusal())
}

/// Why a caller without the credential is refused.
pub fn refusal() -> async_graphql::ServerError {
    request_error(
        "This subgraph answers only the router: send the request to the router (port 4004), with a token",
        ErrorCode::Unauthenticated,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_secret_is_admitted() {
        let credential = Credential::required(Secret::new("s3cret"));
        assert!(credential.admits(Some(b"s3cret")));
        for wrong in [&b""[..], b"s3cre", b"s3cret!", b"S3CRET"] {
            assert!(!credential.admits(Some(wrong)), "{wrong:?}");
        }
        assert!(!credential.admits(None));
        assert!(Credential::open().admits(None));
    }

    #[test]
    fn a_connection_payload_carries_it_under_any_case() {
        let credential = Credential::required(Secret::new("s3cret"));
        assert!(credential.admits_payload(&serde_json::json!({ "X-Pms-Credential": "s3cret" })));
        assert!(credential.admits_payload(&serde_json::json!({ "x-pms-credential": "s3cret" })));
        assert!(!credential.admits_payload(&serde_json::json!({ "x-pms-credential": "other" })));
        assert!(!credential.admits_payload(&serde_json::Value::Null));
    }
}
