use doctors::{App, Settings};
use kit::testing::{RunningService, TestDatabase, service_settings, unique_topic};
use serde_json::{Value, json};

pub const CREATE: &str = "mutation($input: CreateDoctorInput!) {
    createDoctor(input: $input) { id name specialization phoneNumber email available gender archived }
}";

pub type TestApp = RunningService<sqlx::MySqlPool>;

/// The subgraph on a free port, with a fresh database and topic.
pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let db = TestDatabase::mysql().await;
    let topic = unique_topic("doctor-events");
    let mut settings = Settings::from(service_settings(&db.url, &topic));
    adjust(&mut settings);
    let app = App::build(settings).await.expect("doctors app builds");
    RunningService::start(app.service, app.pool, db, topic)
}

/// A valid registration for `email`, with `overrides` merged in.
pub fn doctor_input(email: &str, overrides: Value) -> Value {
    let mut input = json!({
        "name": "Dr. Rui Costa",
        "specialization": "CARDIOLOGY",
        "phoneNumber": "+351 912 345 678",
        "email": email,
        "gender": "MALE",
    });
    if let (Some(input), Some(overrides)) = (input.as_object_mut(), overrides.as_object()) {
        input.extend(overrides.clone());
    }
    json!({ "input": input })
}

/// What the tests ask of the doctors subgraph beyond plain queries.
pub trait DoctorsApi {
    /// Registers a doctor and returns its id; panics if the API refuses.
    async fn create_doctor(&self, email: &str, overrides: Value) -> String;
    async fn doctor_rows(&self) -> i64;
}

impl DoctorsApi for TestApp {
    async fn create_doctor(&self, email: &str, overrides: Value) -> String {
        let response = self.query(CREATE, doctor_input(email, overrides)).await;
        response["data"]["createDoctor"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("doctor created: {response}"))
            .to_owned()
    }

    async fn doctor_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM doctors")
            .fetch_one(&self.pool)
            .await
            .expect("count rows")
    }
}
