//! The committed SDL must be what the code serves (the supergraph is composed from it).

#[test]
fn the_committed_schema_matches_the_code() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schema/analytics.graphql"
    );
    let generated = analytics::graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &generated).expect("write schema/analytics.graphql");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/analytics.graphql is stale: run `UPDATE_SCHEMA=1 cargo test -p analytics --test api schema` and commit it"
    );
}
