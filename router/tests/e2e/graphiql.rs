//! GraphiQL works without internet: the page the router serves, opened signed in, runs a
//! query and a subscription in headless Chromium with every request outside the router
//! refused.

use std::process::Command;

use serde_json::{Value, json};

use super::{
    journey::{booking, doctor, in_days, patient},
    system::system,
};

#[tokio::test(flavor = "multi_thread")]
async fn graphiql_runs_a_query_and_a_subscription_offline() {
    let system = system().await;
    let patient = patient(&system, "ada@example.org").await;
    let doctor = doctor(&system, "grace@clinic.org").await;
    let booking = json!({
        "query": super::journey::BOOK,
        "variables": booking(&patient, &doctor, &in_days(5), "14:30"),
    });
    let screenshot = std::env::temp_dir().join(format!("graphiql-{}.png", uuid::Uuid::now_v7()));

    let output = Command::new("node")
        .arg("check.mjs")
        .arg(&system.router_url)
        .arg(&system.credentials.admin)
        .arg(&doctor)
        .arg(booking.to_string())
        .arg(&screenshot)
        .current_dir(concat!(env!("OUT_DIR"), "/graphiql"))
        .output()
        .expect("node runs (scripts/test.sh installs Node.js and Chromium)");
    assert!(
        output.status.success(),
        "check.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    assert_eq!(
        report["external"],
        json!([]),
        "the page reached outside the router"
    );
    let query = report["query"].as_str().expect("query result");
    assert!(query.contains("Grace Hopper"), "{query}");
    let update = report["subscription"]
        .as_str()
        .expect("subscription result");
    assert!(
        update.contains("CREATED") && update.contains("14:30"),
        "{update}"
    );
    let png = std::fs::read(&screenshot).expect("screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real screenshot"
    );
    let _ = std::fs::remove_file(&screenshot);
}
