//! Talking GraphQL to a service under test: requests, error assertions, subscriptions
//! over `graphql-transport-ws`, and the committed SDL.

use std::time::Duration;

/// Asserts that `schema/<service>.graphql`, from which the supergraph is composed, is the
/// SDL the code serves (`generated`); with `UPDATE_SCHEMA` set, writes it first.
pub fn assert_committed_schema(service: &str, generated: &str) {
    let path = format!(
        "{}/../../schema/{service}.graphql",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, generated).expect("write the schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/{service}.graphql is stale: run `UPDATE_SCHEMA=1 cargo test -p {service} --test api schema` and commit it"
    );
}

/// Asserts `response` failed with `code`, on `field` when given.
pub fn assert_error(response: &serde_json::Value, code: &str, field: Option<&str>) {
    let error = &response["errors"][0];
    assert_eq!(
        error["extensions"]["code"], code,
        "unexpected response: {response}"
    );
    if let Some(field) = field {
        assert_eq!(
            error["extensions"]["field"], field,
            "unexpected response: {response}"
        );
    }
}

/// [`assert_error`], and the first error's message mentions `words` (what the caller must
/// read to fix the request: the current status, the service that did not answer, ...).
pub fn assert_error_saying(
    response: &serde_json::Value,
    code: &str,
    field: Option<&str>,
    words: &str,
) {
    assert_error(response, code, field);
    let message = response["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains(words),
        "the message should mention {words:?}: {response}"
    );
}

/// Posts a GraphQL operation and returns the JSON response body.
pub async fn graphql(url: &str, query: &str, variables: serde_json::Value) -> serde_json::Value {
    graphql_as(url, None, query, variables).await
}

/// [`graphql`] with `Authorization: Bearer <token>` when a token is given.
pub async fn graphql_as(
    url: &str,
    token: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> serde_json::Value {
    let bearer = token.map(|token| format!("Bearer {token}"));
    let headers: Vec<(&str, &str)> = bearer
        .iter()
        .map(|bearer| ("authorization", bearer.as_str()))
        .collect();
    graphql_with(url, &headers, query, variables).await
}

/// [`graphql`] with `headers` (a subgraph's credential, say).
pub async fn graphql_with(
    url: &str,
    headers: &[(&str, &str)],
    query: &str,
    variables: serde_json::Value,
) -> serde_json::Value {
    let mut request = reqwest::Client::new().post(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
        .json(&serde_json::json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("GraphQL endpoint reachable")
        .json()
        .await
        .expect("GraphQL response is JSON")
}

/// A `connection_init` message carrying `token` the way browsers' clients do (GraphiQL
/// sends its Headers tab as the payload).
pub fn connection_init(token: Option<&str>) -> serde_json::Value {
    match token {
        Some(token) => serde_json::json!({
            "type": "connection_init",
            "payload": { "Authorization": format!("Bearer {token}") },
        }),
        None => serde_json::json!({ "type": "connection_init" }),
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A `graphql-transport-ws` session running one subscription.
pub struct GraphqlSubscription {
    socket: Socket,
}

impl GraphqlSubscription {
    /// Connects to `ws_url` (`ws://host:port/path`) with `token` (if any) in the connection's
    /// payload, acknowledges the connection and starts `query` with `variables`.
    pub async fn start(
        ws_url: &str,
        token: Option<&str>,
        query: &str,
        variables: serde_json::Value,
    ) -> Self {
        let mut subscription = Self::connect(ws_url, token).await;
        let subscribe = serde_json::json!({
            "id": "1", "type": "subscribe",
            "payload": { "query": query, "variables": variables },
        });
        subscription.send(&subscribe.to_string()).await;
        subscription
    }

    /// Connects to `ws_url` and acknowledges the connection; `token` goes in the
    /// `connection_init` payload as `Authorization: Bearer <token>`.
    pub async fn connect(ws_url: &str, token: Option<&str>) -> Self {
        use tokio_tungstenite::tungstenite::{client::IntoClientRequest as _, http::HeaderValue};

        let mut request = ws_url.into_client_request().expect("ws request");
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (socket, _) = tokio::time::timeout(
            Duration::from_secs(20),
            tokio_tungstenite::connect_async(request),
        )
        .await
        .expect("the WebSocket handshake within 20 s")
        .expect("ws connects");
        let mut subscription = Self { socket };
        subscription.send(&connection_init(token).to_string()).await;
        let ack = subscription.next().await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        subscription
    }

    /// Sends one text message as it is.
    pub async fn send(&mut self, text: &str) {
        use futures::SinkExt as _;
        use tokio_tungstenite::tungstenite::Message;

        tokio::time::timeout(
            Duration::from_secs(20),
            self.socket.send(Message::text(text)),
        )
        .await
        .expect("a message sent within 20 s")
        .expect("ws message sent");
    }

    /// The next protocol message (`next`, `error`, `complete`, ...), within 20 s; pings are
    /// answered and skipped.
    pub async fn next(&mut self) -> serde_json::Value {
        self.receive()
            .await
            .unwrap_or_else(|closed| panic!("the socket closed: {closed}"))
    }

    /// Like [`Self::next`], or how the server closed the socket (`code: reason`).
    pub async fn receive(&mut self) -> Result<serde_json::Value, String> {
        use futures::StreamExt as _;
        use tokio_tungstenite::tungstenite::Message;

        loop {
            let message = tokio::time::timeout(Duration::from_secs(20), self.socket.next())
                .await
                .expect("a message within 20 s");
            let message = match message {
                None => return Err("closed without a close frame".to_owned()),
                Some(Err(error)) => return Err(error.to_string()),
                Some(Ok(message)) => message,
            };
            match message {
                Message::Text(text) => {
                    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
                    if value["type"] == "ping" {
                        self.send(&serde_json::json!({ "type": "pong" }).to_string())
                            .await;
                        continue;
                    }
                    return Ok(value);
                }
                Message::Close(frame) => {
                    return Err(frame.map_or_else(
                        || "closed".to_owned(),
                        |frame| format!("{}: {}", u16::from(frame.code), frame.reason),
                    ));
                }
                _ => {}
            }
        }
    }
}
