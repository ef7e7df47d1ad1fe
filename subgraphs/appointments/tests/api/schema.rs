//! The committed SDL must be what the code serves (the supergraph is composed from it).

#[test]
fn the_committed_schema_matches_the_code() {
    kit::testing::assert_committed_schema("appointments", &appointments::graphql::sdl());
}
