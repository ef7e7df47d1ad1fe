//! The FHIR R4 interface (`fhir` crate) in front of the whole system: every response it
//! gives in these tests, resources, Bundles and OperationOutcomes alike, is checked against
//! the official R4 definitions by HAPI FHIR's validator and parsed by HAPI's strict parser
//! (`validator`), and what it says is checked against what was booked through GraphQL.

mod failures;
mod reads;
mod validator;

use std::time::Duration;

use reqwest::{StatusCode, header::HeaderMap};
use serde_json::{Value, json};

use super::{
    journey::{book, doctor_named, in_days},
    system::{System, free_port, system},
};

/// The FHIR interface on a free port, a client of `system`'s router.
struct Fhir {
    base: String,
    http: reqwest::Client,
    _stop: tokio_util::sync::DropGuard,
}

/// One answer, checked: FHIR's JSON media type and valid R4.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

async fn fhir(system: &System) -> Fhir {
    let port = free_port();
    let settings = fhir::Settings {
        port,
        host: "127.0.0.1".to_owned(),
        router_url: format!("{}/graphql", system.router_url),
        base_url: format!("http://127.0.0.1:{port}/fhir"),
        upstream_timeout: Duration::from_secs(10),
        clinic_timezone: chrono_tz::Tz::UTC,
    };
    let stop = tokio_util::sync::CancellationToken::new();
    let shutdown = stop.clone();
    tokio::spawn(async move { fhir::serve(&settings, shutdown).await });
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await
            .is_ok()
        {
            return Fhir {
                base: format!("http://127.0.0.1:{port}/fhir"),
                http,
                _stop: stop.drop_guard(),
            };
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the FHIR interface did not start");
}

impl Fhir {
    /// `GET` of `path` (under `/fhir`, or an absolute link) as `token`.
    async fn get(&self, token: Option<&str>, path: &str) -> Reply {
        self.send(self.request(reqwest::Method::GET, token, path))
            .await
    }

    fn request(
        &self,
        method: reqwest::Method,
        token: Option<&str>,
        path: &str,
    ) -> reqwest::RequestBuilder {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}/{path}", self.base)
        };
        let request = self.http.request(method, url);
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("the FHIR interface answers");
        let status = response.status();
        let headers = response.headers().clone();
        let what = format!("{} ({status})", response.url());
        let body: Value = response.json().await.expect("a JSON body");
        assert!(
            headers[reqwest::header::CONTENT_TYPE]
                .to_str()
                .is_ok_and(|media| media.starts_with("application/fhir+json")),
            "{what}: {headers:?}"
        );
        validator::assert_valid(&what, &body).await;
        Reply {
            status,
            headers,
            body,
        }
    }
}

impl Reply {
    /// The body of a 200, or a panic with what came instead.
    fn ok(self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{:#}", self.body);
        self.body
    }

    /// The OperationOutcome of a failure with `status` and FHIR issue `code`.
    fn refused(self, status: StatusCode, code: &str) -> Value {
        assert_eq!(self.status, status, "{:#}", self.body);
        assert_eq!(
            self.body["resourceType"], "OperationOutcome",
            "{:#}",
            self.body
        );
        assert_eq!(self.body["issue"][0]["code"], code, "{:#}", self.body);
        assert_eq!(self.body["issue"][0]["severity"], "error");
        self.body
    }
}

/// The ids of a searchset Bundle's entries, checking `total` equals `expected`.
fn ids(bundle: &Value, expected_total: u64) -> Vec<String> {
    assert_eq!(bundle["resourceType"], "Bundle", "{bundle:#}");
    assert_eq!(bundle["type"], "searchset");
    assert_eq!(bundle["total"], expected_total, "{bundle:#}");
    bundle["entry"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| {
                    let resource = &entry["resource"];
                    let id = resource["id"].as_str().expect("an id");
                    assert_eq!(
                        entry["fullUrl"].as_str().map(|url| url.ends_with(&format!(
                            "/fhir/{}/{id}",
                            resource["resourceType"].as_str().expect("a type")
                        ))),
                        Some(true),
                        "{entry:#}"
                    );
                    id.to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn issue_text(outcome: &Value) -> &str {
    outcome["issue"][0]["diagnostics"]
        .as_str()
        .unwrap_or_default()
}

/// A patient with every detail the interface maps.
async fn ada(system: &System) -> String {
    let data = system
        .data(
            "mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }",
            json!({ "input": {
                "name": "Ada Lovelace", "email": "ada@example.org", "phone": "+44 20 7946 0000",
                "dateOfBirth": "1990-04-12", "address": "12 St James's Square, London",
            } }),
        )
        .await;
    data["createPatient"]["id"].as_str().expect("id").to_owned()
}

/// The bills of `appointments`, once billing has made them, in that order.
async fn bills(system: &System, appointments: &[&str]) -> Vec<Value> {
    let mut bills = Vec::new();
    for appointment in appointments {
        let data = system
            .eventually(
                "query($id: ID!) { appointment(id: $id) { bill { id amount currency } } }",
                json!({ "id": appointment }),
                |data| data["appointment"]["bill"]["id"].is_string(),
            )
            .await;
        bills.push(data["appointment"]["bill"].clone());
    }
    bills
}
