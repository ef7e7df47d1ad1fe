//! Starting the binary as a deployment would: no credential is compiled in.

#[test]
fn without_its_database_url_the_service_refuses_to_start_and_names_it() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_billing"))
        .env_clear()
        .env("PORT", "0")
        .output()
        .expect("the binary runs");
    assert!(!output.status.success(), "it must not start");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("environment variable BILLING_DATABASE_URL is not set"),
        "{stderr}"
    );
}

#[test]
fn listening_beyond_loopback_without_the_routers_credential_is_refused() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_billing"))
        .env_clear()
        .env("PORT", "0")
        .env("HOST", "0.0.0.0")
        .env("BILLING_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .expect("the binary runs");
    assert!(!output.status.success(), "it must not start");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("HOST=0.0.0.0") && stderr.contains("set SUBGRAPH_SECRET"),
        "{stderr}"
    );
}
