//! HAPI FHIR's instance validator with the official R4 definitions, offline
//! (`scripts/fhir-validator.sh serve`): one process for the whole test binary, started on
//! first use; it exits when the binary does (it watches its stdin). And HAPI's generic
//! REST client, a real FHIR client, run against the interface (`client`).

use std::{
    io::{BufRead as _, BufReader},
    process::{Child, ChildStdin, Command, Stdio},
    sync::OnceLock,
};

use serde::Deserialize;
use serde_json::Value;

use crate::system::{ROOT, free_port};

struct Validator {
    url: String,
    _process: Child,
    _stdin: ChildStdin,
}

#[derive(Debug, Deserialize)]
pub struct Issues {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let port = free_port();
        let mut process = Command::new(format!("{ROOT}/scripts/fhir-validator.sh"))
            .args(["serve", &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect(
                "scripts/fhir-validator.sh starts (Java and Maven: scripts/test.sh installs them)",
            );
        let stdin = process.stdin.take().expect("stdin");
        let stdout = process.stdout.take().expect("stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("the validator's first line");
        assert!(
            first.starts_with("ready on"),
            "the validator did not start: {first:?}"
        );
        Validator {
            url: format!("http://127.0.0.1:{port}/validate"),
            _process: process,
            _stdin: stdin,
        }
    })
}

/// Validates `resource` against the R4 definitions; panics on any error, prints warnings.
pub async fn assert_valid(what: &str, resource: &Value) -> Issues {
    let url = &tokio::task::spawn_blocking(|| validator().url.clone())
        .await
        .expect("validator");
    let issues: Issues = reqwest::Client::new()
        .post(url)
        .body(resource.to_string())
        .send()
        .await
        .expect("the validator answers")
        .json()
        .await
        .expect("the validator's issues");
    assert!(
        issues.errors.is_empty(),
        "{what} is not valid FHIR R4:\n{}\n{resource:#}",
        issues.errors.join("\n")
    );
    for warning in &issues.warnings {
        println!("{what}: warning: {warning}");
    }
    issues
}

/// What HAPI FHIR's generic client finds at `base` as `token` (`scripts/fhir-validator.sh
/// client`): it reads `patient`, searches patients by `name`, pages through the patient's
/// appointments from `day` one a page, searches cardiologists and invoices, and asks for
/// `$everything` and for an unknown patient; one JSON object of what it got.
pub async fn hapi_client(base: &str, token: &str, patient: &str, name: &str, day: &str) -> Value {
    let args = ["client", base, token, patient, name, day].map(str::to_owned);
    let output = tokio::task::spawn_blocking(move || {
        Command::new(format!("{ROOT}/scripts/fhir-validator.sh"))
            .args(args)
            .output()
            .expect("scripts/fhir-validator.sh runs")
    })
    .await
    .expect("the client ran");
    assert!(
        output.status.success(),
        "HAPI's client failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON line")
}
