use std::time::Duration;

use kit::{
    events::CloudEvent,
    settings::{HttpSettings, KafkaSettings, Secret},
    testing::{TestDatabase, graphql, kafka_brokers, read_events, unique_topic},
};
use patients::{App, Settings};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

pub const CREATE: &str = "mutation($input: CreatePatientInput!) {
    createPatient(input: $input) { id name email phone registrationDate dateOfBirth address archived }
}";

pub struct TestApp {
    pub base_url: String,
    pub topic: String,
    pub pool: sqlx::MySqlPool,
    _db: TestDatabase,
    shutdown: CancellationToken,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

pub fn settings(database_url: &str, topic: &str) -> Settings {
    Settings {
        http: HttpSettings {
            host: "127.0.0.1".to_owned(),
            port: 0,
        },
        database_url: Secret::new(database_url),
        db_max_connections: 5,
        kafka: KafkaSettings {
            brokers: kafka_brokers(),
            sweep_interval_ms: 200,
        },
        topic: topic.to_owned(),
    }
}

/// The subgraph on a free port, with a fresh database and topic.
pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let db = TestDatabase::mysql().await;
    let topic = unique_topic("patient-events");
    let mut settings = settings(&db.url, &topic);
    adjust(&mut settings);
    start(settings, db, topic).await
}

pub async fn start(settings: Settings, db: TestDatabase, topic: String) -> TestApp {
    let app = App::build(settings).await.expect("patients app builds");
    let base_url = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool().clone();
    let shutdown = CancellationToken::new();
    tokio::spawn(app.run_until(shutdown.clone()));
    TestApp {
        base_url,
        topic,
        pool,
        _db: db,
        shutdown,
    }
}

impl TestApp {
    pub async fn query(&self, query: &str, variables: Value) -> Value {
        graphql(&format!("{}/graphql", self.base_url), query, variables).await
    }

    /// Registers a patient and returns its id; panics if the API refuses.
    pub async fn create_patient(&self, name: &str, email: &str, phone: &str) -> String {
        let response = self
            .query(
                CREATE,
                json!({ "input": { "name": name, "email": email, "phone": phone } }),
            )
            .await;
        response["data"]["createPatient"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("patient created: {response}"))
            .to_owned()
    }

    pub async fn patient_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM patients")
            .fetch_one(&self.pool)
            .await
            .expect("count rows")
    }

    pub async fn outbox_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
            .fetch_one(&self.pool)
            .await
            .expect("count outbox")
    }

    /// Events on this app's topic: waits for `expected`, then a little longer for extras.
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

/// Asserts `response` failed with `code` on `field`.
pub fn assert_error(response: &Value, code: &str, field: Option<&str>) {
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
