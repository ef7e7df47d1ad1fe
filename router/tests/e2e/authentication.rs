//! Who may call: an anonymous caller and a token that does not verify get
//! `UNAUTHENTICATED` (401) saying what is wrong, over HTTP, server-sent events and
//! WebSocket alike; the GraphiQL page and the probes stay open.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use identity::{Claims, DEVELOPMENT_ISSUER, DevIssuer, Grant, Role};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use kit::testing::{GraphqlSubscription, assert_error_saying};
use serde_json::{Value, json};

use super::system::system;

const QUERY: &str = "{ doctors(first: 1) { totalCount } }";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// A token with `claims` as its payload, unsigned (`alg: none`).
fn unsigned(claims: &Claims) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims"));
    format!("{header}.{payload}.")
}

/// `token` with its payload replaced by `claims`, the signature kept.
fn tampered(token: &str, claims: &Claims) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims"));
    format!("{}.{payload}.{}", parts[0], parts[2])
}

#[tokio::test]
async fn anonymous_callers_get_nothing_but_the_page_and_the_probes() {
    let system = system().await;
    let client = reqwest::Client::new();
    let url = format!("{}/graphql", system.router_url);

    let response = client
        .post(&url)
        .json(&json!({ "query": "{ patients(first: 5) { totalCount nodes { name email } } }" }))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 401);
    let answer: Value = response.json().await.expect("JSON");
    assert_error_saying(&answer, "UNAUTHENTICATED", None, "Authorization: Bearer");
    assert!(answer["data"].is_null(), "{answer}");

    let stream = client
        .post(&url)
        .header("accept", "text/event-stream")
        .json(&json!({ "query": "subscription { appointmentUpdated { kind } }" }))
        .send()
        .await
        .expect("an answer");
    assert_eq!(
        stream.status(),
        401,
        "a subscription over SSE needs a token too"
    );

    let page = client
        .get(&url)
        .header("accept", "text/html")
        .send()
        .await
        .expect("the page");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("graphiql"));
    for probe in ["/health", "/readiness"] {
        let answer = client
            .get(format!("{}{probe}", system.router_url))
            .send()
            .await
            .expect("the probe answers");
        assert_eq!(answer.status(), 200, "{probe}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subscription_without_a_token_in_its_connection_is_refused_and_closed() {
    let system = system().await;
    for token in [None, Some("not-a-token")] {
        let mut socket = GraphqlSubscription::start(
            &system.ws_url(),
            token,
            "subscription { appointmentUpdated { kind appointment { id } } }",
            json!({}),
        )
        .await;
        let refused = socket.next().await;
        assert_eq!(refused["type"], "error", "{token:?}: {refused}");
        let closed = socket.receive().await.expect_err("the socket is closed");
        assert!(closed.starts_with("4403"), "{token:?}: {closed}");
    }
}

#[tokio::test]
async fn tokens_that_do_not_verify_are_refused_each_saying_why() {
    let system = system().await;
    let issuer = &system.credentials.issuer;
    let now = now();
    let valid = Grant::staff(Role::Administrator).claims(DEVELOPMENT_ISSUER, now, 600);
    let with = |change: &dyn Fn(&mut Claims)| {
        let mut claims = valid.clone();
        change(&mut claims);
        claims
    };
    let public_key = URL_SAFE_NO_PAD
        .decode(issuer.jwks()["keys"][0]["x"].as_str().expect("x"))
        .expect("the public key");
    // The classic confusion: HMAC keyed with the public key, naming the real key's id.
    let mut hs256 = Header::new(Algorithm::HS256);
    hs256.kid = issuer.jwks()["keys"][0]["kid"].as_str().map(str::to_owned);
    let hs256_with_public_key =
        jsonwebtoken::encode(&hs256, &valid, &EncodingKey::from_secret(&public_key))
            .expect("an HS256 token");
    let front_desk = Grant::staff(Role::FrontDesk).claims(DEVELOPMENT_ISSUER, now, 600);

    let cases = [
        (
            "expired",
            issuer.sign(&with(&|claims| {
                claims.iat = now - 7200;
                claims.nbf = now - 7200;
                claims.exp = now - 600;
            })),
            "expired",
        ),
        (
            "not yet valid",
            issuer.sign(&with(&|claims| {
                claims.nbf = now + 3600;
                claims.exp = now + 7200;
            })),
            "not valid yet",
        ),
        (
            "another issuer",
            issuer.sign(&with(&|claims| {
                claims.iss = "https://elsewhere.example".into()
            })),
            "issuer",
        ),
        (
            "another audience",
            issuer.sign(&with(&|claims| claims.aud = "another-api".into())),
            "not for this API",
        ),
        ("alg none", unsigned(&valid), "not a signed JWT"),
        (
            "HS256 with the public key",
            hs256_with_public_key,
            "algorithm",
        ),
        (
            "tampered payload",
            tampered(&issuer.sign(&front_desk), &valid),
            "do not verify",
        ),
        (
            "a key the router does not know",
            DevIssuer::generate().expect("key pair").sign(&valid),
            "do not verify",
        ),
    ];
    for (name, token, words) in cases {
        let response = reqwest::Client::new()
            .post(format!("{}/graphql", system.router_url))
            .bearer_auth(&token)
            .json(&json!({ "query": QUERY }))
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), 401, "{name}");
        let answer: Value = response.json().await.expect("JSON");
        assert!(answer["data"].is_null(), "{name}: {answer}");
        assert_error_saying(&answer, "UNAUTHENTICATED", None, words);
    }

    let served = system
        .query_as(Some(&issuer.sign(&valid)), QUERY, json!({}))
        .await;
    assert_eq!(served["data"]["doctors"]["totalCount"], 0, "{served}");
}
