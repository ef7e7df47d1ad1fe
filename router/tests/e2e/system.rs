//! The whole system for one test: the five subgraphs in-process on free ports, each with a
//! fresh database and topics of its own, and the router binary in front of them, run with
//! the committed `router/router.config.yaml` (ports and subgraph URLs adjusted), with
//! introspection on as `scripts/dev.sh` runs it unless a test says otherwise. Its tokens
//! come from a throwaway development issuer ([`Credentials`]); the system's own calls are an
//! administrator's.
//!
//! Over 400 lines on purpose: it is one thing, the system's assembly (each service's
//! settings, the router's configuration, start and stop), read top to bottom.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use identity::{DevIssuer, Grant, Role};
use kit::{
    settings::{HttpSettings, KafkaSettings, Secret},
    testing::{
        RunningService, TestDatabase, TestMongo, graphql_as, kafka_brokers, kafka_debug,
        service_settings, unique_topic,
    },
    tokens::TokenVerifier,
    trust::Credential,
};
use serde_json::Value;

pub struct System {
    /// `http://127.0.0.1:<port>`.
    pub router_url: String,
    /// How long the router took from start to answering `/readiness`.
    pub router_ready_after: Duration,
    /// The issuer the router trusts, and an administrator's token.
    pub credentials: Credentials,
    /// What the router presents to the subgraphs (`SUBGRAPH_SECRET`).
    pub subgraph_secret: String,
    router: Child,
    pub patients: RunningService<sqlx::MySqlPool>,
    pub doctors: RunningService<sqlx::MySqlPool>,
    /// Its topic carries the events of bookings made through the router.
    pub appointments: RunningService<sqlx::PgPool>,
    /// `None` once stopped (a fault test).
    pub billing: Option<RunningService<sqlx::PgPool>>,
    pub analytics: RunningService<mongodb::Database>,
    _mongo: TestMongo,
    dir: PathBuf,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

fn ready(service: &RunningService<impl Sized>) -> impl Future<Output = bool> + '_ {
    service.wait_ready(Duration::from_secs(30))
}

/// The environment `scripts/dev.sh` gives the router.
pub const DEV_ROUTER_ENV: &[(&str, &str)] = &[("GRAPHQL_INTROSPECTION", "true")];

pub async fn system() -> System {
    system_with(DEV_ROUTER_ENV).await
}

/// The system with the router started with `router_env` (and nothing else) set from the
/// variables its configuration reads.
pub async fn system_with(router_env: &[(&str, &str)]) -> System {
    let topics = [
        unique_topic("patient-events"),
        unique_topic("doctor-events"),
        unique_topic("appointment-events"),
        unique_topic("billing-events"),
    ];
    let [
        patient_topic,
        doctor_topic,
        appointment_topic,
        billing_topic,
    ] = topics.clone();

    let db = TestDatabase::mysql().await;
    // Every subgraph asks for the router's credential and verifies the forwarded token, as
    // a deployment beyond loopback does.
    let secret = uuid::Uuid::now_v7().simple().to_string();
    let dir = std::env::temp_dir().join(format!("pms-router-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let credentials = Credentials::kept_in(&dir);
    let http = HttpSettings {
        credential: Credential::required(Secret::new(secret.clone())),
        tokens: Some(credentials.verifier()),
        ..HttpSettings::loopback()
    };
    // Patients, appointments and billing keep their audit records on one topic, as deployed.
    let audit_topic = unique_topic("audit-records");
    let guarded = |database: &str, topic: &str| {
        let mut settings = service_settings(database, topic);
        settings.http = http.clone();
        settings.audit_topic.clone_from(&audit_topic);
        settings
    };
    let built = patients::App::build(guarded(&db.url, &patient_topic).into())
        .await
        .expect("patients");
    let patients = RunningService::start(built.service, built.pool, db, patient_topic);

    let db = TestDatabase::mysql().await;
    let built = doctors::App::build(guarded(&db.url, &doctor_topic).into())
        .await
        .expect("doctors");
    let doctors = RunningService::start(built.service, built.pool, db, doctor_topic);

    let db = TestDatabase::postgres().await;
    let built = appointments::App::build(appointments::Settings {
        service: guarded(&db.url, &appointment_topic),
        clinic_timezone: chrono_tz::Tz::UTC,
        patients_url: format!("{}/graphql", patients.base_url),
        doctors_url: format!("{}/graphql", doctors.base_url),
        reference_timeout: Duration::from_secs(2),
    })
    .await
    .expect("appointments");
    let appointments =
        RunningService::start(built.service, built.pool, db, appointment_topic.clone());

    let db = TestDatabase::postgres().await;
    let built = billing::App::build(billing::Settings {
        service: guarded(&db.url, &billing_topic),
        appointments_topic: appointment_topic,
        consumer_group: unique_topic("billing"),
        consumers: 1,
        prices: billing::domain::PriceList::parse("EUR", "").expect("prices"),
    })
    .await
    .expect("billing");
    let billing = RunningService::start(built.service, built.pool, db, billing_topic);

    let mongo = TestMongo::new();
    let built = analytics::App::build(analytics::Settings {
        http: http.clone(),
        kafka: KafkaSettings {
            sweep_interval_ms: 200,
            debug: kafka_debug(),
            ..KafkaSettings::new(kafka_brokers())
        },
        mongo_url: Secret::new(mongo.url.clone()),
        database: mongo.name.clone(),
        topics: topics.to_vec(),
        audit_topic: audit_topic.clone(),
        consumer_group: unique_topic("analytics"),
        consumers: 1,
        batch_size: 100,
        batch_linger_ms: 20,
        reading: analytics::domain::Reading {
            zone: chrono_tz::Tz::UTC,
            currency: "EUR".to_owned(),
        },
        workday_minutes: 480,
    })
    .await
    .expect("analytics");
    let analytics = RunningService::start_replica(built.service, built.db, String::new());

    for (name, up) in [
        ("patients", ready(&patients).await),
        ("doctors", ready(&doctors).await),
        ("appointments", ready(&appointments).await),
        ("billing", ready(&billing).await),
        ("analytics", ready(&analytics).await),
    ] {
        assert!(up, "{name} ready");
    }

    let port = free_port();
    let config = router_config(
        port,
        &[
            ("patients", &patients.base_url),
            ("doctors", &doctors.base_url),
            ("appointments", &appointments.base_url),
            ("billing", &billing.base_url),
            ("analytics", &analytics.base_url),
        ],
    );
    let config_path = dir.join("router.config.yaml");
    std::fs::write(&config_path, config).expect("write config");
    let started = Instant::now();
    let mut env = router_env.to_vec();
    env.push(("SUBGRAPH_SECRET", &secret));
    // The issuer's key pair, should the router mint tokens (`PMS_DEV_SIGN_IN`).
    let issuer_dir = dir.to_string_lossy().into_owned();
    env.push(("PMS_DEV_ISSUER_DIR", &issuer_dir));
    let router = start_router_with(&config_path, &dir.join("router.log"), &env);
    let router_url = format!("http://127.0.0.1:{port}");
    let mut system = System {
        router_url,
        router_ready_after: Duration::ZERO,
        credentials,
        subgraph_secret: secret,
        router,
        patients,
        doctors,
        appointments,
        billing: Some(billing),
        analytics,
        _mongo: mongo,
        dir,
    };
    while started.elapsed() < Duration::from_secs(30) {
        let ready = reqwest::get(format!("{}/readiness", system.router_url)).await;
        if ready.is_ok_and(|response| response.status().is_success()) {
            system.router_ready_after = started.elapsed();
            return system;
        }
        if let Ok(Some(status)) = system.router.try_wait() {
            panic!("the router exited ({status}):\n{}", system.router_log());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "the router is not ready after 30 s:\n{}",
        system.router_log()
    );
}

/// The repository's root.
pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// `router/router.config.yaml` as committed.
pub fn committed_config() -> String {
    std::fs::read_to_string(format!("{ROOT}/router/router.config.yaml"))
        .expect("router/router.config.yaml")
}

/// The committed configuration with this test's ports and subgraph URLs.
pub fn router_config(port: u16, subgraphs: &[(&str, &str)]) -> String {
    let root = ROOT;
    let mut config = committed_config();
    for (from, to) in [
        ("port: 4004".to_owned(), format!("port: {port}")),
        ("host: 0.0.0.0".to_owned(), "host: 127.0.0.1".to_owned()),
        (
            "path: ../schema/supergraph.graphql".to_owned(),
            format!("path: {root}/schema/supergraph.graphql"),
        ),
        ("port: 9090".to_owned(), format!("port: {}", free_port())),
        ("level: info".to_owned(), "level: warn".to_owned()),
    ] {
        assert!(config.contains(&from), "router.config.yaml has no `{from}`");
        config = config.replace(&from, &to);
    }
    config.push_str("\noverride_subgraph_urls:\n  subgraphs:\n");
    for (name, base_url) in subgraphs {
        config.push_str(&format!("    {name}:\n      url: \"{base_url}/graphql\"\n"));
    }
    config
}

/// Variables the committed configuration reads (`from_env`); a test sets them explicitly.
const ROUTER_VARIABLES: [&str; 15] = [
    "PORT",
    "HOST",
    "SUPERGRAPH_FILE_PATH",
    "GRAPHQL_INTROSPECTION",
    "RATE_LIMIT_PER_SECOND",
    "RATE_LIMIT_BURST",
    "JWKS_FILE",
    "JWKS_SOURCE",
    "JWKS_URL",
    "JWT_ISSUERS",
    "JWT_AUDIENCES",
    "PMS_ENVIRONMENT",
    "PMS_DEV_SIGN_IN",
    "PMS_DEV_ISSUER_DIR",
    "SUBGRAPH_SECRET",
];

/// The key set file beside a router's configuration, which [`start_router_with`] names.
const JWKS: &str = "jwks.json";

/// One router's tokens: a throwaway development issuer, its key set written beside the
/// router's configuration, and an administrator's token.
pub struct Credentials {
    pub issuer: DevIssuer,
    pub admin: String,
}

impl Credentials {
    /// A new issuer.
    pub fn new() -> Self {
        Self::of(DevIssuer::generate().expect("a key pair"))
    }

    fn of(issuer: DevIssuer) -> Self {
        let admin = issuer.token(
            &Grant::staff(Role::Administrator),
            Duration::from_secs(3600),
        );
        Self { issuer, admin }
    }

    /// A new issuer whose key pair and key set are kept in `dir` (the router's directory:
    /// its `JWKS_FILE`, and its `PMS_DEV_ISSUER_DIR`).
    pub fn kept_in(dir: &std::path::Path) -> Self {
        let issuer = DevIssuer::open_or_create(dir).expect("a key pair");
        Self::of(issuer)
    }

    /// A new issuer whose key set is written beside `config`.
    pub fn beside(config: &std::path::Path) -> Self {
        let credentials = Self::new();
        credentials.write_beside(config);
        credentials
    }

    /// Writes the key set beside `config`, where [`start_router_with`] points the router.
    pub fn write_beside(&self, config: &std::path::Path) {
        let dir = config.parent().expect("the configuration's directory");
        self.issuer.write_jwks(&dir.join(JWKS)).expect("jwks.json");
    }

    /// What a subgraph verifies forwarded tokens with: this issuer's keys.
    pub fn verifier(&self) -> Arc<TokenVerifier> {
        let verifier = TokenVerifier::from_jwks(
            &self.issuer.jwks().to_string(),
            vec![identity::DEVELOPMENT_ISSUER.to_owned()],
            vec![identity::AUDIENCE.to_owned()],
        );
        Arc::new(verifier.expect("a verifier"))
    }

    /// A token of `role` (for `person`, a patient's or doctor's id, where the role needs one).
    pub fn token(&self, role: Role, person: Option<&str>) -> String {
        let person = person.map(|id| id.parse().expect("an id"));
        let grant = Grant::new(role, person).expect("a grant");
        self.issuer.token(&grant, Duration::from_secs(3600))
    }
}

/// Runs the router binary with `config`, its output in `log`.
pub fn start_router(config: &std::path::Path, log: &std::path::Path) -> Child {
    start_router_with(config, log, &[])
}

/// [`start_router`] with `env` set.
pub fn start_router_with(
    config: &std::path::Path,
    log: &std::path::Path,
    env: &[(&str, &str)],
) -> Child {
    let output = std::fs::File::create(log).expect("router log");
    let mut command = Command::new(env!("CARGO_BIN_EXE_router"));
    command.env("ROUTER_CONFIG_FILE_PATH", config);
    for variable in ROUTER_VARIABLES {
        command.env_remove(variable);
    }
    let jwks = config
        .parent()
        .expect("the configuration's directory")
        .join(JWKS);
    command.env("JWKS_FILE", jwks);
    command
        .envs(env.iter().copied())
        .stdout(output.try_clone().expect("log handle"))
        .stderr(output)
        .stdin(Stdio::null())
        .spawn()
        .expect("router starts")
}

impl System {
    /// `query` through the router as an administrator.
    pub async fn query(&self, query: &str, variables: Value) -> Value {
        self.query_as(Some(&self.credentials.admin), query, variables)
            .await
    }

    /// `query` through the router with `token` (none: anonymously).
    pub async fn query_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let url = format!("{}/graphql", self.router_url);
        graphql_as(&url, token, query, variables).await
    }

    /// The router's WebSocket URL.
    pub fn ws_url(&self) -> String {
        format!("{}/graphql", self.router_url.replace("http://", "ws://"))
    }

    /// `data` of a query that must succeed.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.query(query, variables).await;
        assert!(response["errors"].is_null(), "{response}");
        response["data"].clone()
    }

    /// Runs `query` until `done` holds for its `data` (within 30 s); returns that data.
    pub async fn eventually(
        &self,
        query: &str,
        variables: Value,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        self.eventually_within(Duration::from_secs(30), query, variables, done)
            .await
    }

    /// [`Self::eventually`] with a deadline of `timeout`.
    pub async fn eventually_within(
        &self,
        timeout: Duration,
        query: &str,
        variables: Value,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + timeout;
        let mut last = Value::Null;
        while Instant::now() < deadline {
            last = self.query(query, variables.clone()).await;
            if done(&last["data"]) {
                return last["data"].clone();
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("not reached within {timeout:?}; last response: {last}");
    }

    pub fn router_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("router.log")).unwrap_or_default()
    }

    pub fn router_is_running(&mut self) -> bool {
        matches!(self.router.try_wait(), Ok(None))
    }

    /// The router process's resident memory, in bytes.
    pub fn router_rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.router.id()))
            .expect("the router's /proc status");
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS");
        kib * 1024
    }
}

impl Drop for System {
    fn drop(&mut self) {
        let _ = self.router.kill();
        let _ = self.router.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
