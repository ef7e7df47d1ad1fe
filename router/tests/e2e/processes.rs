//! The whole system as it is deployed, for drills that freeze or kill a service: each subgraph
//! its own process started from its binary (`target/<profile>/<name>`, which
//! `cargo build --workspace --bins` makes; `scripts/test.sh` does) and configured only by its
//! environment, on fresh databases and topics, with the router binary in front.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use kit::testing::{TestDatabase, TestMongo, kafka_brokers, kafka_debug, unique_topic};

use super::system::{Credentials, DEV_ROUTER_ENV, free_port, router_config, start_router_with};

/// One service process, stopped (and resumed first, if frozen) when dropped.
pub struct Process {
    pub name: &'static str,
    pub url: String,
    child: Child,
    log: PathBuf,
}

impl Process {
    fn start(dir: &Path, name: &'static str, env: Vec<(&'static str, String)>) -> Self {
        let binary = binaries().join(name);
        assert!(
            binary.exists(),
            "{} is not built: run `cargo build --workspace --bins` first",
            binary.display()
        );
        let port = free_port();
        let log = dir.join(format!("{name}.log"));
        let output = std::fs::File::create(&log).expect("log file");
        let mut command = Command::new(&binary);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("KAFKA_BROKERS", kafka_brokers())
            .env("OUTBOX_SWEEP_MS", "200")
            .env("RUST_LOG", "info");
        if let Some(contexts) = kafka_debug() {
            command
                .env("KAFKA_DEBUG", contexts)
                .env("RUST_LOG", "info,librdkafka=debug");
        }
        let child = command
            .envs(env)
            .stdout(output.try_clone().expect("log handle"))
            .stderr(output)
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("{name} starts: {error}"));
        Self {
            name,
            url: format!("http://127.0.0.1:{port}"),
            child,
            log,
        }
    }

    /// Stops the process where it stands (SIGSTOP), as a starved machine would.
    pub fn freeze(&self) {
        self.signal("STOP");
    }

    /// Resumes a frozen process (SIGCONT).
    pub fn thaw(&self) {
        self.signal("CONT");
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal} {}", self.name);
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn wait_ready(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if readiness(&self.url).await.0 == 200 {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited ({status}):\n{}", self.name, self.log());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{} is not ready after {timeout:?}:\n{}",
            self.name,
            self.log()
        );
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-CONT", &self.child.id().to_string()])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A service's `/ready` status and body (status 0 when nothing answers within 3 s).
pub async fn readiness(base_url: &str) -> (u16, String) {
    let client = reqwest::Client::new();
    match client
        .get(format!("{base_url}/ready"))
        .timeout(Duration::from_secs(3))
        .send()
        .await
    {
        Ok(response) => (
            response.status().as_u16(),
            response.text().await.unwrap_or_default(),
        ),
        Err(error) => (0, error.to_string()),
    }
}

/// Where the test binary's sibling binaries are: `target/<profile>/`.
fn binaries() -> PathBuf {
    let test_binary = std::env::current_exe().expect("the test binary's path");
    test_binary
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>")
        .to_path_buf()
}

/// Five subgraph processes and the router.
pub struct Deployment {
    pub router_url: String,
    pub patients: Process,
    pub doctors: Process,
    pub appointments: Process,
    pub billing: Process,
    pub analytics: Process,
    pub credentials: Credentials,
    router: Child,
    _databases: Vec<TestDatabase>,
    _mongo: TestMongo,
    dir: PathBuf,
}

pub async fn deploy() -> Deployment {
    let dir = std::env::temp_dir().join(format!("pms-deployment-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let [
        patient_topic,
        doctor_topic,
        appointment_topic,
        billing_topic,
    ] = [
        "patient-events",
        "doctor-events",
        "appointment-events",
        "billing-events",
    ]
    .map(unique_topic);
    let topics = [
        ("PATIENTS_TOPIC", patient_topic.clone()),
        ("DOCTORS_TOPIC", doctor_topic.clone()),
        ("APPOINTMENTS_TOPIC", appointment_topic.clone()),
        ("BILLING_TOPIC", billing_topic.clone()),
    ];
    let (patients_db, doctors_db) = (TestDatabase::mysql().await, TestDatabase::mysql().await);
    let appointments_db = TestDatabase::postgres().await;
    let billing_db = TestDatabase::postgres().await;
    let mongo = TestMongo::new();

    let mut patients = Process::start(
        &dir,
        "patients",
        vec![
            ("PATIENTS_DATABASE_URL", patients_db.url.clone()),
            ("PATIENTS_TOPIC", patient_topic),
        ],
    );
    let mut doctors = Process::start(
        &dir,
        "doctors",
        vec![
            ("DOCTORS_DATABASE_URL", doctors_db.url.clone()),
            ("DOCTORS_TOPIC", doctor_topic),
        ],
    );
    let mut appointments = Process::start(
        &dir,
        "appointments",
        vec![
            ("APPOINTMENTS_DATABASE_URL", appointments_db.url.clone()),
            ("APPOINTMENTS_TOPIC", appointment_topic.clone()),
            ("PATIENTS_URL", format!("{}/graphql", patients.url)),
            ("DOCTORS_URL", format!("{}/graphql", doctors.url)),
        ],
    );
    let mut billing = Process::start(
        &dir,
        "billing",
        vec![
            ("BILLING_DATABASE_URL", billing_db.url.clone()),
            ("BILLING_TOPIC", billing_topic),
            ("APPOINTMENTS_TOPIC", appointment_topic),
            ("BILLING_CONSUMER_GROUP", unique_topic("billing")),
            ("BILLING_CONSUMERS", "1".to_owned()),
        ],
    );
    let mut analytics_env = vec![
        ("ANALYTICS_MONGO_URL", mongo.url.clone()),
        ("ANALYTICS_DATABASE", mongo.name.clone()),
        ("ANALYTICS_CONSUMER_GROUP", unique_topic("analytics")),
        ("ANALYTICS_BATCH_LINGER_MS", "20".to_owned()),
    ];
    analytics_env.extend(topics);
    let mut analytics = Process::start(&dir, "analytics", analytics_env);
    for process in [
        &mut patients,
        &mut doctors,
        &mut appointments,
        &mut billing,
        &mut analytics,
    ] {
        process.wait_ready(Duration::from_secs(60)).await;
    }

    let port = free_port();
    let config = dir.join("router.config.yaml");
    let subgraphs = [
        ("patients", patients.url.as_str()),
        ("doctors", doctors.url.as_str()),
        ("appointments", appointments.url.as_str()),
        ("billing", billing.url.as_str()),
        ("analytics", analytics.url.as_str()),
    ];
    std::fs::write(&config, router_config(port, &subgraphs)).expect("router config");
    let credentials = Credentials::beside(&config);
    let router = start_router_with(&config, &dir.join("router.log"), DEV_ROUTER_ENV);
    let router_url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !reqwest::get(format!("{router_url}/readiness"))
        .await
        .is_ok_and(|response| response.status().is_success())
    {
        assert!(Instant::now() < deadline, "the router is not ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Deployment {
        router_url,
        patients,
        doctors,
        appointments,
        billing,
        analytics,
        credentials,
        router,
        _databases: vec![patients_db, doctors_db, appointments_db, billing_db],
        _mongo: mongo,
        dir,
    }
}

impl Deployment {
    pub fn services(&self) -> [&Process; 5] {
        [
            &self.patients,
            &self.doctors,
            &self.appointments,
            &self.billing,
            &self.analytics,
        ]
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        let _ = self.router.kill();
        let _ = self.router.wait();
        if std::thread::panicking() {
            for process in self.services() {
                eprintln!("--- {} log (tail)", process.name);
                let log = process.log();
                let tail: Vec<&str> = log.lines().rev().take(30).collect();
                for line in tail.into_iter().rev() {
                    eprintln!("{line}");
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
