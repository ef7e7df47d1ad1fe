//! The router refuses to start without a usable supergraph, saying which file and why.

use std::time::Duration;

use super::system::{Credentials, committed_config, start_router};

fn config_with_supergraph(
    dir: &std::path::Path,
    supergraph: &std::path::Path,
) -> std::path::PathBuf {
    let config = committed_config().replace(
        "path: ../schema/supergraph.graphql",
        &format!("path: {}", supergraph.display()),
    );
    let path = dir.join("router.config.yaml");
    std::fs::write(&path, config).expect("write config");
    path
}

fn refused(supergraph_text: Option<&str>) -> String {
    let dir = std::env::temp_dir().join(format!("pms-router-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let supergraph = dir.join("supergraph.graphql");
    if let Some(text) = supergraph_text {
        std::fs::write(&supergraph, text).expect("write supergraph");
    }
    let config = config_with_supergraph(&dir, &supergraph);
    let _keys = Credentials::beside(&config);
    let log = dir.join("router.log");
    let mut router = start_router(&config, &log);
    let mut status = None;
    for _ in 0..200 {
        if let Ok(Some(exited)) = router.try_wait() {
            status = Some(exited);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = router.kill();
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    let status = status.unwrap_or_else(|| panic!("the router kept running:\n{output}"));
    assert!(!status.success(), "exit status {status}");
    output.replace(&supergraph.display().to_string(), "<supergraph>")
}

#[test]
fn a_missing_supergraph_file_stops_the_router_naming_it() {
    let output = refused(None);
    assert!(
        output.contains("cannot read the supergraph <supergraph>"),
        "{output}"
    );
    assert!(output.contains("scripts/compose.sh"), "{output}");
}

#[test]
fn an_invalid_supergraph_stops_the_router_saying_why() {
    let garbage = refused(Some("type Query {"));
    assert!(
        garbage.contains("the supergraph <supergraph> is not valid"),
        "{garbage}"
    );
    let plain = refused(Some("type Query { hello: String }"));
    assert!(plain.contains("not a composed supergraph"), "{plain}");
}
