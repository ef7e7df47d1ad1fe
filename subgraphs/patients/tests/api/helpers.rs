use kit::{
    settings::ServiceSettings,
    testing::{RunningService, TestDatabase, service_settings, unique_topic},
};
use patients::App;
use serde_json::json;

pub const CREATE: &str = "mutation($input: CreatePatientInput!) {
    createPatient(input: $input) { id name email phone registrationDate dateOfBirth address archived }
}";

pub type TestApp = RunningService<sqlx::MySqlPool>;

/// The subgraph on a free port, with a fresh database and topic.
pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(adjust: impl FnOnce(&mut ServiceSettings)) -> TestApp {
    let db = TestDatabase::mysql().await;
    let topic = unique_topic("patient-events");
    let mut settings = service_settings(&db.url, &topic);
    adjust(&mut settings);
    start(settings, db, topic).await
}

pub async fn start(settings: ServiceSettings, db: TestDatabase, topic: String) -> TestApp {
    let app = App::build(settings.into())
        .await
        .expect("patients app builds");
    RunningService::start(app.service, app.pool, db, topic)
}

/// What the tests ask of the patients subgraph beyond plain queries.
pub trait PatientsApi {
    /// Registers a patient and returns its id; panics if the API refuses.
    async fn create_patient(&self, name: &str, email: &str, phone: &str) -> String;
    async fn patient_rows(&self) -> i64;
    /// Outbox rows of the service's events (audit records aside).
    async fn outbox_rows(&self) -> i64;
}

impl PatientsApi for TestApp {
    async fn create_patient(&self, name: &str, email: &str, phone: &str) -> String {
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

    async fn patient_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM patients")
            .fetch_one(&self.pool)
            .await
            .expect("count rows")
    }

    async fn outbox_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE topic = ?")
            .bind(&self.topic)
            .fetch_one(&self.pool)
            .await
            .expect("count outbox")
    }
}
