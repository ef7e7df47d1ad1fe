//! Helpers for integration tests against the real servers `scripts/infra.sh` runs.
//!
//! Every test gets its own database and its own Kafka topic, so tests run in parallel and in
//! any order. Server addresses come from `TEST_MYSQL_URL`, `TEST_POSTGRES_URL` and
//! `KAFKA_BROKERS`, defaulting to the local provisioning.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use rdkafka::{
    ClientConfig, Message as _,
    consumer::{Consumer as _, StreamConsumer},
    message::Headers as _,
};
use tokio::{net::TcpListener, task::JoinHandle};
use tokio_util::sync::CancellationToken;

use crate::{
    app::Service,
    events::CloudEvent,
    settings::{HttpSettings, KafkaSettings, Secret, ServiceSettings, env_or},
};

/// Puts `client` in the fatal state a fenced idempotent producer ends in, with librdkafka's
/// own hook for testing that (`rd_kafka_test_fatal_error`): it never sends again.
#[allow(unsafe_code)]
pub fn force_fatal_error<C: rdkafka::ClientContext>(client: &rdkafka::client::Client<C>) {
    let reason = c"fenced by the test";
    // SAFETY: the client pointer is valid while `client` is borrowed, and the reason is a
    // NUL-terminated string librdkafka copies.
    let code = unsafe {
        rdkafka::bindings::rd_kafka_test_fatal_error(
            client.native_ptr(),
            rdkafka::bindings::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_PRODUCER_FENCED,
            reason.as_ptr(),
        )
    };
    assert_eq!(
        code,
        rdkafka::bindings::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR,
        "librdkafka took the fatal error"
    );
}

/// Brokers for tests.
pub fn kafka_brokers() -> String {
    env_or("KAFKA_BROKERS", "127.0.0.1:9092")
}

/// Queues `event` on `topic` (keyed by its subject) without waiting for delivery; when the
/// producer's queue is full, waits for room instead of failing. For load generators.
/// `KAFKA_DEBUG` for the services a test starts (see [`KafkaSettings::debug`]).
pub fn kafka_debug() -> Option<String> {
    std::env::var("KAFKA_DEBUG")
        .ok()
        .filter(|contexts| !contexts.is_empty())
}

pub fn enqueue(
    producer: &rdkafka::producer::FutureProducer,
    topic: &str,
    event: &CloudEvent,
) -> anyhow::Result<rdkafka::producer::DeliveryFuture> {
    use rdkafka::{error::KafkaError, types::RDKafkaErrorCode};

    let payload = serde_json::to_vec(event)?;
    loop {
        let record = rdkafka::producer::FutureRecord::to(topic)
            .key(&event.subject)
            .payload(&payload);
        match producer.send_result(record) {
            Ok(delivery) => return Ok(delivery),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                producer.poll(Duration::from_millis(10));
            }
            Err((error, _)) => return Err(error.into()),
        }
    }
}

/// Messages of `topics` that consumer group `group` has not committed yet (blocking).
pub fn consumer_lag(group: &str, topics: &[String]) -> anyhow::Result<i64> {
    use rdkafka::{Offset, TopicPartitionList, consumer::BaseConsumer};

    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", kafka_brokers())
        .set("group.id", group)
        .set("log_level", "3")
        .create()?;
    let timeout = Duration::from_secs(5);
    let mut lag = 0;
    for topic in topics {
        let metadata = consumer.fetch_metadata(Some(topic), timeout)?;
        let mut partitions = TopicPartitionList::new();
        for partition in metadata.topics().iter().flat_map(|t| t.partitions()) {
            partitions.add_partition(topic, partition.id());
        }
        for element in consumer.committed_offsets(partitions, timeout)?.elements() {
            let (_, high) = consumer.fetch_watermarks(topic, element.partition(), timeout)?;
            let done = match element.offset() {
                Offset::Offset(offset) => offset,
                _ => 0,
            };
            lag += high - done;
        }
    }
    Ok(lag)
}

/// Settings for a service under test: loopback on a free port, `database_url`, the test
/// Kafka with a quick outbox sweep, and `topic` for its events.
pub fn service_settings(database_url: &str, topic: &str) -> ServiceSettings {
    ServiceSettings {
        http: HttpSettings::loopback(),
        database_url: Secret::new(database_url),
        db_max_connections: 10,
        kafka: KafkaSettings {
            sweep_interval_ms: 200,
            debug: kafka_debug(),
            ..KafkaSettings::new(kafka_brokers())
        },
        topic: topic.to_owned(),
        audit_topic: unique_topic("audit-records"),
        audit_reads: true,
        outbox_retention_hours: 168,
    }
}

/// A topic name no other test uses.
pub fn unique_topic(prefix: &str) -> String {
    format!("{prefix}-test-{}", uuid::Uuid::now_v7().simple())
}

/// `SELECT` statements the server has run on the session of `pool`'s single connection.
/// With a one-connection pool, every statement the app runs lands on that session, so the
/// difference across a request counts the request's queries.
#[cfg(feature = "mysql")]
pub async fn mysql_selects(pool: &sqlx::MySqlPool) -> i64 {
    let (_, value): (String, String) = sqlx::query_as("SHOW SESSION STATUS LIKE 'Com_select'")
        .fetch_one(pool)
        .await
        .expect("session status");
    value.parse().expect("a counter")
}

/// A database created for one test and dropped when the value is dropped.
pub struct TestDatabase {
    pub url: String,
    name: String,
    server_url: String,
}

impl TestDatabase {
    /// A fresh, empty MySQL/MariaDB database.
    #[cfg(feature = "mysql")]
    pub async fn mysql() -> Self {
        use sqlx::Connection as _;
        let server_url = env_or("TEST_MYSQL_URL", "mysql://pms:pms@127.0.0.1:3306");
        let name = format!("test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = sqlx::MySqlConnection::connect(&server_url)
            .await
            .expect("MariaDB reachable at TEST_MYSQL_URL (run scripts/infra.sh up)");
        sqlx::query(&format!("CREATE DATABASE `{name}`"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        Self {
            url: format!("{}/{name}", server_url.trim_end_matches('/')),
            name,
            server_url,
        }
    }
}

impl TestDatabase {
    /// A fresh, empty PostgreSQL database.
    #[cfg(feature = "postgres")]
    pub async fn postgres() -> Self {
        use sqlx::Connection as _;
        let server_url = env_or("TEST_POSTGRES_URL", "postgres://pms:pms@127.0.0.1:5432");
        let name = format!("test_{}", uuid::Uuid::now_v7().simple());
        let mut admin =
            sqlx::PgConnection::connect(&format!("{}/postgres", server_url.trim_end_matches('/')))
                .await
                .expect("PostgreSQL reachable at TEST_POSTGRES_URL (run scripts/infra.sh up)");
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create test database");
        Self {
            url: format!("{}/{name}", server_url.trim_end_matches('/')),
            name,
            server_url,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (server_url, name) = (self.server_url.clone(), self.name.clone());
        // Drop runs outside any async context we can await in: use a private runtime.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async move {
                #[cfg(feature = "mysql")]
                if server_url.starts_with("mysql:") {
                    use sqlx::Connection as _;
                    let mut admin = sqlx::MySqlConnection::connect(&server_url).await.ok()?;
                    // The app under test may still hold connections (its runtime is the one
                    // this drop blocks): end them so their locks cannot stall the drop.
                    let sessions: Vec<u64> = sqlx::query_scalar(
                        "SELECT id FROM information_schema.processlist WHERE db = ?",
                    )
                    .bind(&name)
                    .fetch_all(&mut admin)
                    .await
                    .ok()?;
                    for session in sessions {
                        let _ = sqlx::query(&format!("KILL CONNECTION {session}"))
                            .execute(&mut admin)
                            .await;
                    }
                    sqlx::query(&format!("DROP DATABASE IF EXISTS `{name}`"))
                        .execute(&mut admin)
                        .await
                        .ok()?;
                }
                #[cfg(feature = "postgres")]
                if server_url.starts_with("postgres:") {
                    use sqlx::Connection as _;
                    let admin_url = format!("{}/postgres", server_url.trim_end_matches('/'));
                    let mut admin = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                    // FORCE ends the sessions the app under test may still hold.
                    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut admin)
                        .await
                        .ok()?;
                }
                Some(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

/// A message as read back from a topic.
#[derive(Debug, Clone)]
pub struct ReadMessage {
    pub key: Option<String>,
    pub payload: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl ReadMessage {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Reads `topic` from its beginning until `expected` messages have arrived and then
/// `settle` more time has passed with nothing new, or until `timeout`. Returns all it saw,
/// so a test can assert there were no duplicates.
pub async fn read_messages(
    topic: &str,
    expected: usize,
    timeout: Duration,
    settle: Duration,
) -> Vec<ReadMessage> {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", kafka_brokers())
        .set("group.id", format!("test-reader-{}", uuid::Uuid::now_v7()))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .set("topic.metadata.refresh.interval.ms", "200")
        .set("log_level", "3")
        .create()
        .expect("test consumer");
    consumer.subscribe(&[topic]).expect("subscribe");
    let deadline = Instant::now() + timeout;
    let mut messages = Vec::new();
    loop {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let wait = if messages.len() >= expected {
            settle
        } else {
            deadline - now
        };
        match tokio::time::timeout(wait, consumer.recv()).await {
            Ok(Ok(message)) => {
                let headers = message
                    .headers()
                    .map(|headers| {
                        (0..headers.count())
                            .map(|index| {
                                let header = headers.get(index);
                                let value = header.value.unwrap_or_default();
                                (
                                    header.key.to_owned(),
                                    String::from_utf8_lossy(value).into_owned(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                messages.push(ReadMessage {
                    key: message
                        .key()
                        .map(|key| String::from_utf8_lossy(key).into_owned()),
                    payload: message.payload().unwrap_or_default().to_vec(),
                    headers,
                });
            }
            Ok(Err(_)) => tokio::time::sleep(Duration::from_millis(50)).await,
            Err(_) => break,
        }
    }
    messages
}

/// [`read_messages`], each parsed as a CloudEvent.
pub async fn read_events(
    topic: &str,
    expected: usize,
    timeout: Duration,
    settle: Duration,
) -> Vec<CloudEvent> {
    read_messages(topic, expected, timeout, settle)
        .await
        .iter()
        .map(|message| serde_json::from_slice(&message.payload).expect("a CloudEvent on the topic"))
        .collect()
}

/// Waits until `condition` holds, checking every 50 ms; false after `timeout`.
pub async fn eventually(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    condition()
}

/// A MongoDB database for one test (`TEST_MONGO_URL`), dropped with the value.
#[cfg(feature = "mongo")]
pub struct TestMongo {
    pub url: String,
    pub name: String,
}

#[cfg(feature = "mongo")]
impl TestMongo {
    pub fn new() -> Self {
        Self {
            url: env_or("TEST_MONGO_URL", "mongodb://127.0.0.1:27017"),
            name: format!("test_{}", uuid::Uuid::now_v7().simple()),
        }
    }
}

#[cfg(feature = "mongo")]
impl Default for TestMongo {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "mongo")]
impl Drop for TestMongo {
    fn drop(&mut self) {
        let (url, name) = (self.url.clone(), self.name.clone());
        // Drop runs outside any async context we can await in: use a private runtime.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async move {
                let client = mongodb::Client::with_uri_str(&url).await.ok()?;
                client.database(&name).drop().await.ok()
            })
        })
        .join();
    }
}

/// A service under test on a free port, with its own database and topic; stopped on drop.
pub struct RunningService<Pool> {
    pub base_url: String,
    pub topic: String,
    pub pool: Pool,
    _db: Option<TestDatabase>,
    shutdown: CancellationToken,
    running: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl<Pool> RunningService<Pool> {
    pub fn start(service: Service, pool: Pool, db: TestDatabase, topic: String) -> Self {
        let mut running = Self::start_replica(service, pool, topic);
        running._db = Some(db);
        running
    }

    /// Another instance on a database and topic some other [`RunningService`] owns.
    pub fn start_replica(service: Service, pool: Pool, topic: String) -> Self {
        let base_url = format!("http://127.0.0.1:{}", service.port());
        let shutdown = CancellationToken::new();
        let running = tokio::spawn(service.run_until(shutdown.clone()));
        Self {
            base_url,
            topic,
            pool,
            _db: None,
            shutdown,
            running: Some(running),
        }
    }

    /// Stops the service as a deployment would and returns once all of it has stopped: its
    /// port closes first, its background tasks (consumers, relays) finish after.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(running) = self.running.take() {
            let stopped = tokio::time::timeout(Duration::from_secs(60), running)
                .await
                .expect("the service stops within 60 s");
            // How it ended (a watchdog giving up, say) is for the test to check.
            drop(stopped);
        }
    }

    /// Waits until `/ready` answers 200; false after `timeout`.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.get("/ready").await.status().is_success() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    pub async fn query(&self, query: &str, variables: serde_json::Value) -> serde_json::Value {
        graphql(&format!("{}/graphql", self.base_url), query, variables).await
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::get(format!("{}{path}", self.base_url))
            .await
            .expect("service answers")
    }

    /// Events on this service's topic: waits for `expected`, then a second for extras.
    pub async fn events(&self, expected: usize) -> Vec<CloudEvent> {
        read_events(
            &self.topic,
            expected,
            Duration::from_secs(30),
            Duration::from_secs(1),
        )
        .await
    }
}

impl<Pool> Drop for RunningService<Pool> {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

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

/// A TCP forwarder that a test can cut and restore, to take a database "down" for one
/// service without touching the shared server.
pub struct CuttableProxy {
    pub port: u16,
    state: Arc<Mutex<CancellationToken>>,
    task: JoinHandle<()>,
}

impl CuttableProxy {
    pub async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let state = Arc::new(Mutex::new(CancellationToken::new()));
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let connection = shared.lock().expect("proxy state").clone();
                if connection.is_cancelled() {
                    continue; // cut: dropping the socket closes it
                }
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        () = connection.cancelled() => {}
                    }
                });
            }
        });
        Self { port, state, task }
    }

    /// Closes every open connection and refuses new ones.
    pub fn cut(&self) {
        self.state.lock().expect("proxy state").cancel();
    }

    /// Accepts connections again.
    pub fn restore(&self) {
        *self.state.lock().expect("proxy state") = CancellationToken::new();
    }
}

impl Drop for CuttableProxy {
    fn drop(&mut self) {
        self.task.abort();
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
