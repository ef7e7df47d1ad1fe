//! Who is calling, told in words, and a production deployment that cannot run on the
//! development issuer.
//!
//! Hive Router's `jwt` validates every request's bearer token (issuers, audiences,
//! algorithms, the JWKS of `JWKS_FILE` or `JWKS_URL`) and `@requiresScopes` on the schema
//! decides what the token's scopes may ask for. Its refusals carry codes of its own
//! (`JWT_LOOKUP_FAILED`, `INVALID_JWT`, `UNAUTHORIZED_FIELD_OR_TYPE`, ...); this plugin
//! rewrites them as the contract's `UNAUTHENTICATED` (401) and `FORBIDDEN` (403), each
//! saying what to fix. Over WebSocket Hive Router answers a refused `subscribe` itself (its
//! code, then close 4403), past every plugin.
//!
//! At start-up, a deployment whose `environment` is `production` must authenticate every
//! request, name its issuers, and trust neither the development issuer nor its key.

use hive_router::{
    GraphQLError, async_trait,
    config::jwt_auth::{JwksProviderSourceConfig, JwtAuthConfig},
    http::StatusCode,
    plugins::{
        hooks::{
            on_graphql_error::{OnGraphQLErrorHookPayload, OnGraphQLErrorHookResult},
            on_graphql_params::{OnGraphQLParamsStartHookPayload, OnGraphQLParamsStartHookResult},
            on_plugin_init::{OnPluginInitPayload, OnPluginInitResult},
        },
        plugin_trait::{RouterPlugin, StartHookPayload as _},
    },
};
use serde::Deserialize;

pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
pub const FORBIDDEN: &str = "FORBIDDEN";

/// Clock skew allowed between the issuer and the router (jsonwebtoken's default for `exp`).
const LEEWAY_SECONDS: u64 = 60;

/// The codes Hive Router gives a request whose token is missing or does not verify.
const TOKEN_CODES: [&str; 6] = [
    "JWT_LOOKUP_FAILED",
    "MISSING_JWT",
    "INVALID_JWT",
    "INVALID_JWT_HEADER",
    "JWT_NOT_SUPPORTED",
    "JWK_ALGORITHM_NOT_SUPPORTED",
];

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityConfig {
    /// `production` refuses the development issuer and key (`PMS_ENVIRONMENT`).
    environment: Environment,
}

pub struct Identity;

#[async_trait]
impl RouterPlugin for Identity {
    type Config = IdentityConfig;

    fn plugin_name() -> &'static str {
        "identity"
    }

    fn on_plugin_init(payload: OnPluginInitPayload<Self>) -> OnPluginInitResult<Self> {
        let config = payload.config()?;
        if config.environment == Environment::Production {
            production_ready(&payload.router_config().jwt)?;
        }
        payload.initialize_plugin(Self)
    }

    /// Hive Router checks a token's signature, issuer, audience and expiry but not its
    /// `nbf`: a token not valid yet is refused here (over HTTP and WebSocket alike).
    async fn on_graphql_params<'exec>(
        &'exec self,
        payload: OnGraphQLParamsStartHookPayload<'exec>,
    ) -> OnGraphQLParamsStartHookResult<'exec> {
        let token = payload
            .router_http_request
            .headers
            .get(hive_router::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        if token.is_some_and(|token| identity::not_yet_valid(token, now, LEEWAY_SECONDS)) {
            let error = unauthenticated("INVALID_JWT", "ImmatureSignature");
            return payload.end_with_graphql_error(error, StatusCode::UNAUTHORIZED);
        }
        payload.proceed()
    }

    fn on_graphql_error<'req>(
        &'req self,
        mut payload: OnGraphQLErrorHookPayload<'req>,
    ) -> OnGraphQLErrorHookResult<'req> {
        let code = payload.error.extensions.code.as_deref().unwrap_or_default();
        if TOKEN_CODES.contains(&code) {
            payload.error = unauthenticated(code, &payload.error.message);
            payload.status_code = StatusCode::UNAUTHORIZED;
        } else if code == "UNAUTHORIZED_FIELD_OR_TYPE" {
            let path = payload
                .error
                .extensions
                .affected_path
                .clone()
                .unwrap_or_default();
            payload.error = forbidden(&path);
            payload.status_code = StatusCode::FORBIDDEN;
        }
        payload.proceed()
    }
}

/// Why a production deployment's token validation is not fit to run, if it is not.
fn production_ready(jwt: &JwtAuthConfig) -> Result<(), String> {
    let refuse = |why: &str| Err(format!("PMS_ENVIRONMENT is production, but {why}"));
    if !jwt.enabled || jwt.require_authentication != Some(true) {
        return refuse(
            "`jwt` does not authenticate every request (enabled, require_authentication)",
        );
    }
    let issuers = jwt.issuers.as_deref().unwrap_or_default();
    if issuers.is_empty() {
        return refuse("no token issuer is named: set JWT_ISSUERS to your identity provider's");
    }
    if issuers
        .iter()
        .any(|issuer| issuer == identity::DEVELOPMENT_ISSUER)
    {
        return refuse(&format!(
            "the development issuer `{}` is trusted: set JWT_ISSUERS to your identity provider's",
            identity::DEVELOPMENT_ISSUER
        ));
    }
    for provider in &jwt.jwks_providers {
        if let JwksProviderSourceConfig::File { file, .. } = provider {
            let keys = std::fs::read_to_string(&file.absolute).unwrap_or_default();
            if identity::is_development_key_set(&keys) {
                return refuse(&format!(
                    "{} holds the development issuer's key: use your identity provider's (JWKS_URL)",
                    file.absolute
                ));
            }
        }
    }
    Ok(())
}

/// `UNAUTHENTICATED`, saying what is wrong with the token (Hive Router's `message` names
/// jsonwebtoken's error kind).
fn unauthenticated(code: &str, message: &str) -> GraphQLError {
    let why = if code == "JWT_LOOKUP_FAILED" {
        "Sign in first: send `Authorization: Bearer <token>` with the request (over WebSocket, in the `connection_init` payload)"
    } else if message.contains("ExpiredSignature") {
        "The token has expired; sign in again for a new one"
    } else if message.contains("ImmatureSignature") {
        "The token is not valid yet (its `nbf` is in the future)"
    } else if message.contains("InvalidIssuer") {
        "The token's issuer (`iss`) is not one this API trusts"
    } else if message.contains("InvalidAudience") {
        "The token is not for this API (its `aud`)"
    } else if code == "JWK_ALGORITHM_NOT_SUPPORTED" || message.contains("InvalidAlgorithm") {
        "The token is signed with an algorithm this API does not accept for its key"
    } else if code == "INVALID_JWT_HEADER" {
        "The bearer token is not a signed JWT"
    } else if code == "JWT_NOT_SUPPORTED" {
        "The token is signed by a key this API does not know (its `kid`)"
    } else {
        "The token's signature or claims do not verify; sign in again for a new one"
    };
    GraphQLError::from_message_and_code(format!("{why}."), UNAUTHENTICATED)
}

/// `FORBIDDEN` for a field or type the caller's scopes do not reach.
fn forbidden(path: &str) -> GraphQLError {
    let message = if path.is_empty() {
        "Your role may not ask for part of this operation; ask without it or sign in with a role that may".to_owned()
    } else {
        format!(
            "Your role may not ask for `{path}`; ask without it or sign in with a role that may"
        )
    };
    GraphQLError::from_message_and_code(format!("{message}."), FORBIDDEN).add_affected_path(path)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A copy of the committed configuration, in a directory of its own, that names a key
    /// set there (the committed one reads its location from `JWKS_FILE`); its path.
    pub(crate) fn committed_config_with_keys() -> String {
        let root = env!("CARGO_MANIFEST_DIR");
        let committed = std::fs::read_to_string(format!("{root}/router.config.yaml"))
            .expect("the configuration");
        let dir = std::env::temp_dir().join(format!("pms-router-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory");
        let issuer = identity::DevIssuer::generate().expect("a key pair");
        issuer
            .write_jwks(&dir.join("jwks.json"))
            .expect("jwks.json");
        let config = committed
            .replace("path: ../schema/", &format!("path: {root}/../schema/"))
            .replace("path:\n        from_env: JWKS_FILE", "path: jwks.json");
        let path = dir.join("router.config.yaml");
        std::fs::write(&path, config).expect("the copy");
        path.display().to_string()
    }

    #[test]
    fn the_committed_configuration_requires_a_token_and_refuses_scopes_whole() {
        use hive_router::config::{authorization::UnauthorizedMode, load_config};

        let config = load_config(Some(committed_config_with_keys())).expect("it loads");
        assert!(config.jwt.enabled);
        assert_eq!(config.jwt.require_authentication, Some(true));
        assert_eq!(
            config.jwt.issuers,
            Some(vec![identity::DEVELOPMENT_ISSUER.to_owned()])
        );
        assert_eq!(
            config.jwt.audiences,
            Some(vec![identity::AUDIENCE.to_owned()])
        );
        assert_eq!(
            config.authorization.directives.unauthorized.mode,
            UnauthorizedMode::Reject
        );
    }

    fn jwt(yaml: &str) -> JwtAuthConfig {
        serde_json::from_str(yaml).expect("jwt config")
    }

    #[test]
    fn production_refuses_the_development_issuer_and_an_optional_token() {
        let trusted = r#"{"enabled":true,"require_authentication":true,"issuers":["https://idp.example"],"jwks_providers":[{"source":"remote","url":"https://idp.example/jwks"}]}"#;
        assert_eq!(production_ready(&jwt(trusted)), Ok(()));

        let development = trusted.replace("https://idp.example\"]", "pms-development\"]");
        let refused = production_ready(&jwt(&development)).expect_err("development issuer");
        assert!(refused.contains("`pms-development`"), "{refused}");

        let optional = trusted.replace(
            "\"require_authentication\":true",
            "\"require_authentication\":false",
        );
        assert!(production_ready(&jwt(&optional)).is_err());

        let no_issuer = r#"{"enabled":true,"require_authentication":true,"jwks_providers":[]}"#;
        assert!(
            production_ready(&jwt(no_issuer))
                .expect_err("no issuer")
                .contains("JWT_ISSUERS")
        );
    }

    #[test]
    fn each_token_problem_is_told_in_words() {
        let expired = unauthenticated(
            "MISSING_JWT",
            "all jwk failed to decode token: [FailedToDecodeToken(Error(ExpiredSignature))]",
        );
        assert_eq!(expired.extensions.code.as_deref(), Some(UNAUTHENTICATED));
        assert!(expired.message.contains("expired"), "{}", expired.message);
        let missing = unauthenticated("JWT_LOOKUP_FAILED", "failed to locate the value");
        assert!(
            missing.message.contains("Authorization: Bearer"),
            "{}",
            missing.message
        );
    }
}
