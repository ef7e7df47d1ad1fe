//! The front desk (`front-desk/`, a React app built by `build.rs` into the binary) on the
//! router's own port: `GET /` and its `/assets/...`, so one port serves the app and the API
//! and nothing is fetched from elsewhere.
//!
//! For development (`development_sign_in`, `PMS_DEV_SIGN_IN=true`, which `scripts/dev.sh`
//! sets) the app signs in with a token of the development issuer the router mints itself:
//! `GET /front-desk/development` lists the roles, `GET /front-desk/development/token?role=
//! front-desk` (and `&person=<id>` for a doctor or a patient) answers `{"token": ...}`.
//! Only callers on the router's own machine (loopback) get them; others get 403. Off, both
//! answer 404 and the app asks for a pasted token. A deployment whose environment is
//! `production` refuses to start with it on.

use std::time::Duration;

use hive_router::{
    async_trait,
    ntex::http::{Method, Response, StatusCode, header},
    plugins::{
        hooks::{
            on_http_request::{OnHttpRequestHookFuture, OnHttpRequestHookPayload},
            on_plugin_init::{OnPluginInitPayload, OnPluginInitResult},
        },
        plugin_trait::{RouterPlugin, StartHookPayload as _},
    },
};
use identity::{DevIssuer, Grant, Role};
use serde::Deserialize;
use serde_json::json;

use crate::identity::Environment;

mod built {
    include!(concat!(env!("OUT_DIR"), "/front_desk_files.rs"));
}

/// Where the development sign-in answers: the roles, and a token.
const DEVELOPMENT: &str = "/front-desk/development";
const TOKEN: &str = "/front-desk/development/token";
/// How long a development token is valid.
const LIFETIME: Duration = Duration::from_secs(12 * 3600);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontDeskConfig {
    environment: Environment,
    /// Mint development tokens for the app's sign-in (`PMS_DEV_SIGN_IN`).
    #[serde(deserialize_with = "flag")]
    development_sign_in: bool,
}

pub struct FrontDesk {
    /// The development issuer, when the development sign-in is on.
    issuer: Option<DevIssuer>,
}

#[async_trait]
impl RouterPlugin for FrontDesk {
    type Config = FrontDeskConfig;

    fn plugin_name() -> &'static str {
        "front_desk"
    }

    fn on_plugin_init(payload: OnPluginInitPayload<Self>) -> OnPluginInitResult<Self> {
        let issuer = development_issuer(&payload.config()?)?;
        payload.initialize_plugin(Self { issuer })
    }

    fn on_http_request<'req>(
        &'req self,
        payload: OnHttpRequestHookPayload<'req>,
    ) -> OnHttpRequestHookFuture<'req> {
        Box::pin(async move {
            let request = &payload.router_http_request;
            if request.method() != Method::GET {
                return payload.proceed();
            }
            let local = request
                .peer_addr()
                .is_some_and(|peer| peer.ip().is_loopback());
            let path = request.path();
            let response = self
                .development(path, request.query_string(), local)
                .or_else(|| file(path));
            match response {
                Some(response) => payload.end_with_response(response),
                None => payload.proceed(),
            }
        })
    }
}

impl FrontDesk {
    /// What the development sign-in answers at `path`, when it is on and `path` is one of
    /// its own. Minting tokens is for the developer's machine, not its network: a caller
    /// not on loopback (`local`) is refused.
    fn development(&self, path: &str, query: &str, local: bool) -> Option<Response> {
        let issuer = self.issuer.as_ref()?;
        match path {
            DEVELOPMENT | TOKEN if !local => Some(json_response(
                StatusCode::FORBIDDEN,
                &json!({ "error": "the development sign-in answers only on the router's own machine (loopback)" }),
            )),
            DEVELOPMENT => Some(roles()),
            TOKEN => Some(token(issuer, query)),
            _ => None,
        }
    }
}

/// The development issuer when the development sign-in is on; a production deployment
/// refuses to start with it on.
fn development_issuer(config: &FrontDeskConfig) -> Result<Option<DevIssuer>, String> {
    match (config.development_sign_in, &config.environment) {
        (false, _) => Ok(None),
        (true, Environment::Production) => Err(
            "PMS_ENVIRONMENT is production, but the front desk's development sign-in is on (PMS_DEV_SIGN_IN): turn it off".to_owned(),
        ),
        (true, Environment::Development) => {
            let dir = DevIssuer::default_dir();
            DevIssuer::open_or_create(&dir).map(Some).map_err(|problem| {
                format!(
                    "the front desk's development sign-in needs the development issuer in {}: {problem:#}",
                    dir.display()
                )
            })
        }
    }
}

/// The built file at `path` (`/` is the app's page), if there is one.
fn file(path: &str) -> Option<Response> {
    let path = if path == "/" { "/index.html" } else { path };
    let (_, kind, bytes) = built::FILES.iter().find(|(url, ..)| *url == path)?;
    // Assets are named by their content's hash; the page must be fetched again to see them.
    let caching = if path.starts_with("/assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Some(
        Response::Ok()
            .content_type(*kind)
            .header(header::CACHE_CONTROL, caching)
            .body(*bytes),
    )
}

fn roles() -> Response {
    let roles: Vec<_> = Role::ALL
        .iter()
        .map(|role| json!({ "name": role.name(), "needsPerson": role.needs_person() }))
        .collect();
    json_response(StatusCode::OK, &json!({ "roles": roles }))
}

/// A development token for `?role=...&person=...`, or what is wrong with the request.
fn token(issuer: &DevIssuer, query: &str) -> Response {
    let parameter = |name: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
            .filter(|value| !value.is_empty())
    };
    let refuse = |why: String| json_response(StatusCode::BAD_REQUEST, &json!({ "error": why }));
    let role = match parameter("role").unwrap_or_default().parse::<Role>() {
        Ok(role) => role,
        Err(unknown) => return refuse(unknown.to_string()),
    };
    let person = match parameter("person").map(str::parse).transpose() {
        Ok(person) => person,
        Err(_) => return refuse(format!("the {role}'s id is not an id (a UUID)")),
    };
    match Grant::new(role, person) {
        Ok(grant) => json_response(
            StatusCode::OK,
            &json!({ "token": issuer.token(&grant, LIFETIME) }),
        ),
        Err(problem) => refuse(problem.to_string()),
    }
}

fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    Response::build(status)
        .content_type("application/json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(body.to_string())
}

/// A switch given as a boolean, or as text (what `from_env` yields).
fn flag<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum FlagOrText {
        Flag(bool),
        Text(String),
    }
    match FlagOrText::deserialize(deserializer)? {
        FlagOrText::Flag(flag) => Ok(flag),
        FlagOrText::Text(text) => match text.trim() {
            "true" => Ok(true),
            "false" | "" => Ok(false),
            other => Err(serde::de::Error::custom(format!(
                "{other:?} is neither true nor false"
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_and_its_assets_are_built_in() {
        let page = file("/").expect("the page");
        assert_eq!(page.status(), StatusCode::OK);
        let html = std::str::from_utf8(
            built::FILES
                .iter()
                .find(|(url, ..)| *url == "/index.html")
                .expect("index.html")
                .2,
        )
        .expect("text");
        // Every asset the page names is served, from the router itself.
        let assets: Vec<&str> = html
            .split('"')
            .filter(|part| part.starts_with("/assets/"))
            .collect();
        assert!(assets.len() >= 2, "a script and a style sheet: {html}");
        for asset in assets {
            assert!(file(asset).is_some(), "{asset} is served");
        }
        assert!(file("/assets/missing.js").is_none());
    }

    #[test]
    fn production_refuses_the_development_sign_in() {
        let config = |text: &str| serde_json::from_str::<FrontDeskConfig>(text).expect("config");
        let refused = development_issuer(&config(
            r#"{"environment":"production","development_sign_in":"true"}"#,
        ))
        .err()
        .expect("refused");
        assert!(refused.contains("PMS_DEV_SIGN_IN"), "{refused}");
        let off = config(r#"{"environment":"production","development_sign_in":"false"}"#);
        assert!(matches!(development_issuer(&off), Ok(None)));
        let off = config(r#"{"environment":"development","development_sign_in":false}"#);
        assert!(matches!(development_issuer(&off), Ok(None)));
        assert!(
            serde_json::from_str::<FrontDeskConfig>(
                r#"{"environment":"development","development_sign_in":"yes"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn only_this_machine_gets_development_tokens() {
        let on = FrontDesk {
            issuer: Some(DevIssuer::generate().expect("a key pair")),
        };
        let status = |path: &str, local: bool| {
            on.development(path, "role=front-desk", local)
                .map(|response| response.status())
        };
        assert_eq!(status(TOKEN, true), Some(StatusCode::OK));
        assert_eq!(status(DEVELOPMENT, true), Some(StatusCode::OK));
        assert_eq!(status(TOKEN, false), Some(StatusCode::FORBIDDEN));
        assert_eq!(status(DEVELOPMENT, false), Some(StatusCode::FORBIDDEN));
        assert_eq!(status("/", true), None, "the page is not the sign-in's");
        let off = FrontDesk { issuer: None };
        assert!(off.development(TOKEN, "role=front-desk", true).is_none());
    }

    #[test]
    fn development_tokens_say_what_is_wrong() {
        let issuer = DevIssuer::generate().expect("a key pair");
        let status = |query: &str| token(&issuer, query).status();
        assert_eq!(status("role=front-desk"), StatusCode::OK);
        assert_eq!(status("role=nurse"), StatusCode::BAD_REQUEST);
        assert_eq!(status("role=doctor"), StatusCode::BAD_REQUEST);
        assert_eq!(status("role=doctor&person=x"), StatusCode::BAD_REQUEST);
        assert_eq!(
            status("role=doctor&person=0192f0a0-0000-7000-8000-000000000001"),
            StatusCode::OK
        );
        assert_eq!(
            status("role=front-desk&person=0192f0a0-0000-7000-8000-000000000001"),
            StatusCode::BAD_REQUEST
        );
    }
}
