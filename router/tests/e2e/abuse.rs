//! The abuse suite: operations built to exhaust the router or a subgraph are refused with
//! `LIMIT_EXCEEDED` naming the limit, in under 100 ms (1 s in a debug build), while
//! another client's `patient(id)` and `/health` keep answering and the router stays small.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use kit::testing::assert_error;
use serde_json::{Value, json};

use super::{
    journey::patient,
    system::{System, system},
};

/// How long a refusal may take: the work before it must be cheap.
const REFUSED_WITHIN: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(1)
} else {
    Duration::from_millis(100)
};

/// The router's resident memory must stay under this through the attacks.
const ROUTER_RSS_MAX: u64 = 200 * 1024 * 1024;

struct Attack {
    name: &'static str,
    body: Vec<u8>,
    /// The `extensions.limit` values that may refuse it (the first limit met wins).
    limits: &'static [&'static str],
}

fn operation(query: &str, variables: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({ "query": query, "variables": variables })).expect("json")
}

/// `levels` trips around a cycle of the supergraph from `root`: `open` repeated, a leaf,
/// then every brace closed.
fn nested(root: &str, open: &str, levels: usize) -> String {
    let opened = format!("{{ {root} {{ {} id ", open.repeat(levels));
    let closes = opened.matches('{').count();
    format!("{opened}{}", "} ".repeat(closes))
}

fn attacks(patient_id: &str) -> Vec<Attack> {
    let root = format!("patient(id: \"{patient_id}\")");
    let deep = |open: &str, levels: usize| operation(&nested(&root, open, levels), json!({}));
    let repeated = |field: &str, times: usize| format!("{{ {} }}", field.repeat(times));
    let mut fragments = String::from("{ ...F0 }");
    for level in 0..30 {
        fragments.push_str(&format!(
            " fragment F{level} on Query {{ ...F{next} ...F{next} }}",
            next = level + 1
        ));
    }
    fragments.push_str(" fragment F30 on Query { __typename }");
    let aliases: String = (0..31).map(|n| format!("a{n}: __typename ")).collect();
    let alias_pages: String = (0..500)
        .map(|n| format!("p{n}: patients(first: 100) {{ nodes {{ id email }} }} "))
        .collect();
    vec![
        Attack {
            name: "Patient.appointments -> Appointment.patient, 5 times",
            body: deep("appointments { nodes { patient { ", 5),
            limits: &["max_depth"],
        },
        Attack {
            name: "Doctor.appointments -> Appointment.doctor, 5 times",
            body: operation(
                &nested(
                    "doctors(first: 1) { nodes",
                    "appointments { nodes { doctor { ",
                    5,
                ),
                json!({}),
            ),
            limits: &["max_depth"],
        },
        Attack {
            name: "Patient.bills -> Bill.appointment -> Appointment.bill, 7 times",
            body: deep("bills { appointment { bill { ", 7),
            limits: &["max_depth"],
        },
        Attack {
            name: "Patient.bills -> Bill.patient, 8 times",
            body: deep("bills { patient { ", 8),
            limits: &["max_depth"],
        },
        Attack {
            name: "the reported 12 levels along edges and nodes",
            body: deep("appointments { edges { node { patient { ", 12),
            limits: &["max_nesting", "max_depth"],
        },
        Attack {
            name: "200 levels of brackets",
            body: deep("appointments { nodes { patient { ", 200),
            limits: &["max_nesting", "max_depth"],
        },
        Attack {
            name: "a field repeated 5,000 times",
            body: operation(&repeated("__typename ", 5_000), json!({})),
            limits: &["max_tokens"],
        },
        Attack {
            name: "a field repeated 100,000 times",
            body: operation(&repeated("__typename ", 100_000), json!({})),
            limits: &["max_request_body_size"],
        },
        Attack {
            name: "31 aliases",
            body: operation(&format!("{{ {aliases} }}"), json!({})),
            limits: &["max_aliases"],
        },
        Attack {
            name: "500 aliases of patients(first: 100)",
            body: operation(&format!("{{ {alias_pages} }}"), json!({})),
            limits: &["max_tokens", "max_request_body_size"],
        },
        Attack {
            name: "31 directives",
            body: operation(
                &format!("{{ __typename {} }}", "@include(if: true) ".repeat(31)),
                json!({}),
            ),
            limits: &["max_directives"],
        },
        Attack {
            name: "fragments that double 30 times",
            body: operation(&fragments, json!({})),
            limits: &["max_fields"],
        },
        Attack {
            name: "a 1 MB variable",
            body: operation(
                "query($s: String) { patients(search: $s) { totalCount } }",
                json!({ "s": "x".repeat(1 << 20) }),
            ),
            limits: &["max_request_body_size"],
        },
        Attack {
            name: "variables nested 20,000 deep (40 KB)",
            body: format!(
                r#"{{"query": "query($v: String) {{ __typename }}", "variables": {{"v": {}{}}}}}"#,
                "[".repeat(20_000),
                "]".repeat(20_000)
            )
            .into_bytes(),
            limits: &["max_nesting"],
        },
        Attack {
            name: "a 20 MB body",
            body: vec![b' '; 20 << 20],
            limits: &["max_request_body_size"],
        },
    ]
}

/// Another client asking for one patient again and again until `stop`.
struct Bystander {
    answered: Arc<AtomicUsize>,
    failed: Arc<AtomicUsize>,
    slowest_ms: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Bystander {
    fn start(router_url: &str, token: &str, patient_id: &str) -> Self {
        let (answered, failed, slowest_ms, stop) = Default::default();
        let [answered, failed, slowest_ms]: [Arc<AtomicUsize>; 3] = [answered, failed, slowest_ms];
        let stop: Arc<AtomicBool> = stop;
        let task = tokio::spawn({
            let (answered, failed, slowest_ms, stop) = (
                Arc::clone(&answered),
                Arc::clone(&failed),
                Arc::clone(&slowest_ms),
                Arc::clone(&stop),
            );
            let client = reqwest::Client::new();
            let graphql = format!("{router_url}/graphql");
            let health = format!("{router_url}/health");
            let token = token.to_owned();
            let body = json!({ "query": "query($id: ID!) { patient(id: $id) { name } }", "variables": { "id": patient_id } });
            async move {
                while !stop.load(Ordering::SeqCst) {
                    let started = Instant::now();
                    let patient = client
                        .post(&graphql)
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    let named = match patient {
                        Ok(response) => response
                            .json::<Value>()
                            .await
                            .is_ok_and(|answer| answer["data"]["patient"]["name"].is_string()),
                        Err(_) => false,
                    };
                    let healthy = client
                        .get(&health)
                        .send()
                        .await
                        .is_ok_and(|response| response.status().is_success());
                    let took = usize::try_from(started.elapsed().as_millis()).unwrap_or(usize::MAX);
                    slowest_ms.fetch_max(took, Ordering::SeqCst);
                    if named && healthy {
                        answered.fetch_add(1, Ordering::SeqCst);
                    } else {
                        failed.fetch_add(1, Ordering::SeqCst);
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        });
        Self {
            answered,
            failed,
            slowest_ms,
            stop,
            task,
        }
    }

    async fn finish(self) -> (usize, usize, usize) {
        self.stop.store(true, Ordering::SeqCst);
        self.task.await.expect("bystander");
        (
            self.answered.load(Ordering::SeqCst),
            self.failed.load(Ordering::SeqCst),
            self.slowest_ms.load(Ordering::SeqCst),
        )
    }
}

/// Sends `body` as a signed-in client that reads the whole answer; returns the status, the
/// answer and how long it took.
async fn send(system: &System, body: Vec<u8>) -> (u16, Value, Duration) {
    let started = Instant::now();
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", system.router_url))
        .bearer_auth(&system.credentials.admin)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("an answer, not a reset connection");
    let status = response.status().as_u16();
    let text = response.text().await.expect("the answer's body");
    let answer = serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON, not: {text}"));
    (status, answer, started.elapsed())
}

#[tokio::test]
async fn abusive_operations_are_refused_quickly_while_others_are_served() {
    let system = system().await;
    let patient_id = patient(&system, "ada@example.org").await;
    let bystander = Bystander::start(&system.router_url, &system.credentials.admin, &patient_id);

    let mut answers = Vec::new();
    for attack in attacks(&patient_id) {
        let (status, answer, took) = send(&system, attack.body).await;
        answers.push((attack.name, attack.limits, status, answer, took));
    }
    let nested = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    let started = Instant::now();
    let response = reqwest::Client::new()
        .get(format!("{}/graphql", system.router_url))
        .bearer_auth(&system.credentials.admin)
        .query(&[
            ("query", "query($v: String) { __typename }"),
            ("variables", &format!(r#"{{"v": {nested}}}"#)),
        ])
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    let answer = response.json().await.expect("JSON");
    answers.push((
        "GET with variables nested 5,000 deep",
        &["max_nesting"],
        status,
        answer,
        started.elapsed(),
    ));

    for (name, limits, status, answer, took) in answers {
        let error = &answer["errors"][0];
        assert!(
            status == 400 || status == 413,
            "{}: a refusal is a 4xx: {status}",
            name
        );
        assert_eq!(
            error["extensions"]["code"], "LIMIT_EXCEEDED",
            "{}: {status} {answer}",
            name
        );
        let limit = error["extensions"]["limit"].as_str().unwrap_or_default();
        assert!(
            limits.contains(&limit),
            "{}: refused by {limit}, expected one of {:?}: {answer}",
            name,
            limits
        );
        let max = error["extensions"]["max"].to_string();
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|message| message.contains(&max)),
            "{}: the message names the limit's value: {answer}",
            name
        );
        eprintln!("{}: {limit} in {took:?}", name);
        assert!(took < REFUSED_WITHIN, "{}: refused after {took:?}", name);
    }

    let (answered, failed, slowest_ms) = bystander.finish().await;
    assert_eq!(failed, 0, "the other client was refused or failed");
    assert!(answered > 0);
    assert!(
        slowest_ms < 2_000,
        "the other client waited {slowest_ms} ms"
    );
    let rss = system.router_rss();
    eprintln!(
        "bystander: {answered} answered, slowest {slowest_ms} ms; router RSS {} MB",
        rss >> 20
    );
    assert!(rss < ROUTER_RSS_MAX, "the router grew to {} MB", rss >> 20);
}

#[tokio::test]
async fn overlong_free_text_is_refused_naming_the_field() {
    let system = system().await;
    let booking = "mutation($patient: ID!, $doctor: ID!, $notes: String) { createAppointment(input: { patientId: $patient, doctorId: $doctor, date: \"2030-01-01\", time: \"10:00\", serviceType: CONSULTATION, notes: $notes }) { id } }";
    let someone = || uuid::Uuid::now_v7().to_string();
    let answer = system
        .query(
            booking,
            json!({ "patient": someone(), "doctor": someone(), "notes": "n".repeat(2_001) }),
        )
        .await;
    assert_error(&answer, "BAD_USER_INPUT", Some("input.notes"));

    let cancel = "mutation($id: ID!, $reason: String) { cancelAppointment(id: $id, reason: $reason) { id } }";
    let answer = system
        .query(
            cancel,
            json!({ "id": someone(), "reason": "r".repeat(501) }),
        )
        .await;
    assert_error(&answer, "BAD_USER_INPUT", Some("reason"));

    for list in ["patients", "doctors"] {
        let search = format!("query($s: String) {{ {list}(search: $s) {{ totalCount }} }}");
        let answer = system.query(&search, json!({ "s": "s".repeat(101) })).await;
        assert_error(&answer, "BAD_USER_INPUT", Some("search"));
    }
}

#[tokio::test]
async fn too_many_representations_sent_straight_to_a_subgraph_are_refused() {
    let system = system().await;
    let subgraphs = [
        ("patients", &system.patients.base_url, "Patient"),
        ("doctors", &system.doctors.base_url, "Doctor"),
        ("appointments", &system.appointments.base_url, "Appointment"),
        (
            "billing",
            &system.billing.as_ref().expect("billing").base_url,
            "Bill",
        ),
        ("analytics", &system.analytics.base_url, "Doctor"),
    ];
    for (name, base_url, typename) in subgraphs {
        let representations: Vec<Value> = (0..1_001)
            .map(|_| json!({ "__typename": typename, "id": uuid::Uuid::now_v7().to_string() }))
            .collect();
        let query = format!(
            "query($r: [_Any!]!) {{ _entities(representations: $r) {{ ... on {typename} {{ id }} }} }}"
        );
        let answer = kit::testing::graphql_with(
            &format!("{base_url}/graphql"),
            &[(kit::trust::HEADER, &system.subgraph_secret)],
            &query,
            json!({ "r": representations }),
        )
        .await;
        let error = &answer["errors"][0]["extensions"];
        assert_eq!(error["code"], "LIMIT_EXCEEDED", "{name}: {answer}");
        assert_eq!(error["limit"], "max_entities", "{name}: {answer}");
    }
}
