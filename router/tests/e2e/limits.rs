//! The router's edges as a client meets them: the rate limit per address, introspection
//! only where the deployment allows it, the operations we document within the limits, and
//! a client that leaves taking its work with it, and WebSocket messages as deep as a frame
//! allows.

use std::{
    net::{IpAddr, Ipv4Addr},
    time::{Duration, Instant},
};

use kit::testing::{GraphqlSubscription, assert_error_saying};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt as _;

use super::system::{
    Credentials, DEV_ROUTER_ENV, ROOT, System, free_port, router_config, start_router_with,
    system_with,
};

/// A client calling from its own loopback address (the router listens on 127.0.0.1; Linux
/// routes all of 127.0.0.0/8 to it), so the router tells clients apart by address.
fn client_from(last_octet: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last_octet)))
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429s_while_another_is_served() {
    let system = system_with(&[("RATE_LIMIT_PER_SECOND", "5"), ("RATE_LIMIT_BURST", "10")]).await;
    let url = format!("{}/graphql", system.router_url);
    let query = json!({ "query": "{ __typename }" });

    let post = |client: &reqwest::Client| {
        client
            .post(&url)
            .bearer_auth(&system.credentials.admin)
            .json(&query)
            .send()
    };

    let abusive = client_from(2);
    let (mut served, mut refused) = (0, Vec::new());
    for _ in 0..40 {
        let response = post(&abusive).await.expect("answer");
        if response.status() == 429 {
            refused.push(response);
        } else {
            assert_eq!(response.status(), 200);
            served += 1;
        }
    }
    assert!(
        (10..=13).contains(&served),
        "a burst of 10, then 5 a second: {served} served"
    );
    let refusal = refused.pop().expect("refusals");
    let retry_after: u64 = refusal.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("whole seconds");
    assert!(retry_after >= 1, "{retry_after}");
    let answer: Value = refusal.json().await.expect("JSON");
    assert_error_saying(&answer, "RATE_LIMITED", None, "5 per second");

    let polite = client_from(3);
    for _ in 0..5 {
        let response = post(&polite).await.expect("answer");
        assert_eq!(response.status(), 200, "the other client is served");
    }
    let health = abusive
        .get(format!("{}/health", system.router_url))
        .send()
        .await
        .expect("answer");
    assert_eq!(health.status(), 200, "probes are never limited");
}

/// GraphiQL's own introspection query, from the `graphql` package GraphiQL is built with,
/// with every option on (its largest form).
fn graphiql_introspection_query() -> String {
    let output = std::process::Command::new("node")
        .args([
            "-e",
            "process.stdout.write(require('graphql').getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }))",
        ])
        .current_dir(concat!(env!("OUT_DIR"), "/graphiql"))
        .output()
        .expect("node runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("text")
}

#[tokio::test]
async fn introspection_is_answered_only_where_the_deployment_allows_it() {
    let introspection = graphiql_introspection_query();

    let closed = system_with(&[]).await;
    let refused = closed.query(&introspection, json!({})).await;
    assert_error_saying(&refused, "FORBIDDEN", None, "GRAPHQL_INTROSPECTION");
    drop(closed);

    let open = system_with(DEV_ROUTER_ENV).await;
    let answered = open.data(&introspection, json!({})).await;
    let types = answered["__schema"]["types"].as_array().expect("types");
    assert!(
        types.iter().any(|t| t["name"] == "Appointment"),
        "{answered}"
    );
}

/// The GraphQL operations of the README, one at a time.
fn readme_operations() -> Vec<String> {
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).expect("README.md");
    let mut operations = Vec::new();
    for block in readme.split("```graphql").skip(1) {
        let block = block.split("```").next().unwrap_or_default();
        let mut depth = 0usize;
        let mut current = String::new();
        for character in block.chars() {
            current.push(character);
            match character {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        operations.push(std::mem::take(&mut current).trim().to_owned());
                    }
                }
                _ => {}
            }
        }
    }
    operations
}

#[tokio::test]
async fn the_readmes_operations_are_within_the_limits() {
    let system: System = system_with(DEV_ROUTER_ENV).await;
    let operations = readme_operations();
    assert!(operations.len() >= 10, "{operations:#?}");
    let client = reqwest::Client::new();
    for operation in operations {
        // A subscription answers as a stream (its first event or error is enough).
        let accept = if operation.starts_with("subscription") {
            "text/event-stream"
        } else {
            "application/json"
        };
        let mut response = client
            .post(format!("{}/graphql", system.router_url))
            .bearer_auth(&system.credentials.admin)
            .header("accept", accept)
            .json(&json!({ "query": operation }))
            .send()
            .await
            .expect("an answer");
        let first = tokio::time::timeout(Duration::from_secs(2), response.chunk()).await;
        let text = match first {
            Ok(Ok(Some(chunk))) => String::from_utf8_lossy(&chunk).into_owned(),
            _ => String::new(),
        };
        assert!(
            !text.contains("LIMIT_EXCEEDED"),
            "{operation}\nrefused by a limit: {text}"
        );
        assert!(
            !text.is_empty() || accept == "text/event-stream",
            "{operation}: no answer"
        );
    }
}

#[tokio::test]
async fn a_client_that_leaves_takes_its_subgraph_request_with_it() {
    // Every subgraph is a listener that reads requests and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let silent_url = format!("http://{}", silent.local_addr().expect("address"));
    let (closed_tx, mut closed) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut connection, _)) = silent.accept().await {
            let closed_tx = closed_tx.clone();
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                while matches!(connection.read(&mut buffer).await, Ok(read) if read > 0) {}
                let _ = closed_tx.send(Instant::now());
            });
        }
    });
    let dir = std::env::temp_dir().join(format!("pms-router-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let port = free_port();
    let subgraphs: Vec<(&str, &str)> = [
        "patients",
        "doctors",
        "appointments",
        "billing",
        "analytics",
    ]
    .into_iter()
    .map(|name| (name, silent_url.as_str()))
    .collect();
    let config = dir.join("router.config.yaml");
    std::fs::write(&config, router_config(port, &subgraphs)).expect("config");
    let credentials = Credentials::beside(&config);
    let mut router = start_router_with(&config, &dir.join("router.log"), &[]);
    let router_url = format!("http://127.0.0.1:{port}");
    for _ in 0..300 {
        if reqwest::get(format!("{router_url}/readiness"))
            .await
            .is_ok_and(|response| response.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let gave_up = reqwest::Client::new()
        .post(format!("{router_url}/graphql"))
        .bearer_auth(&credentials.admin)
        .timeout(Duration::from_millis(500))
        .json(&json!({ "query": "{ patients(first: 1) { totalCount } }" }))
        .send()
        .await;
    let left_at = Instant::now();
    assert!(gave_up.is_err(), "the subgraph never answers");
    let dropped = tokio::time::timeout(Duration::from_secs(5), closed.recv()).await;
    let _ = router.kill();
    let _ = router.wait();
    let log = std::fs::read_to_string(dir.join("router.log")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    let dropped_at = dropped
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("the router kept waiting on the subgraph:\n{log}"));
    assert!(
        dropped_at.duration_since(left_at) < Duration::from_secs(2),
        "the subgraph request ended {:?} after its client left (its own timeout is 10 s)",
        dropped_at.duration_since(left_at)
    );
}

/// A `subscribe` whose variables nest `[` `depth` levels (closed when `balanced`).
fn deep_subscribe(depth: usize, balanced: bool) -> String {
    let closing = if balanced {
        "]".repeat(depth) + "}}}"
    } else {
        String::new()
    };
    format!(
        r#"{{"type":"subscribe","id":"1","payload":{{"query":"subscription {{ appointmentUpdated {{ kind }} }}","variables":{{"v":{}{closing}"#,
        "[".repeat(depth)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn websocket_messages_nested_as_deep_as_a_frame_allows_are_refused_and_the_router_lives() {
    let system = system_with(DEV_ROUTER_ENV).await;
    let ws_url = system.ws_url();
    let token = Some(system.credentials.admin.as_str());

    // Valid JSON, 64 KB of brackets: refused by the limit, in words, on the socket.
    let mut socket = GraphqlSubscription::connect(&ws_url, token).await;
    socket.send(&deep_subscribe(32_700, true)).await;
    let refused = socket
        .receive()
        .await
        .expect("an answer, not a closed socket");
    assert_eq!(refused["type"], "next", "{refused}");
    let error = &refused["payload"]["errors"][0];
    assert_eq!(error["extensions"]["code"], "LIMIT_EXCEEDED", "{refused}");
    assert_eq!(error["extensions"]["limit"], "max_nesting", "{refused}");

    // Never closed: the socket is closed as a bad message.
    let mut socket = GraphqlSubscription::connect(&ws_url, token).await;
    socket.send(&deep_subscribe(65_000, false)).await;
    let closed = socket.receive().await.expect_err("the socket is closed");
    assert!(closed.starts_with("4400"), "{closed}");

    // The router still answers.
    let health = reqwest::get(format!("{}/health", system.router_url))
        .await
        .expect("health answers");
    assert!(health.status().is_success());
    let answered = system
        .data("{ doctors(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(answered["doctors"]["totalCount"], 0);
}
