//! The start-up check of the configuration and of the supergraph file it points at.

use hive_router::{
    config::{load_config, supergraph::SupergraphSource},
    graphql_tools::parser::{parse_schema, schema::Definition, schema::TypeDefinition},
};

/// Loads the router's configuration as Hive Router will, and checks the supergraph file it
/// names: it must exist, parse, and be a composed supergraph (with its `join__Graph` enum
/// naming at least one subgraph). Other supergraph sources are left to Hive Router.
pub fn check_configured() -> Result<(), String> {
    let config_path = std::env::var("ROUTER_CONFIG_FILE_PATH").ok();
    let shown = config_path.as_deref().unwrap_or("router.config.yaml");
    let config = load_config(config_path.clone()).map_err(|error| {
        // Hive Router resolves the supergraph path while loading; a missing file fails there.
        let error = error.to_string();
        match (error.contains("`supergraph`"), named_supergraph(shown)) {
            (true, Some(path)) => format!(
                "cannot read the supergraph {path} (named in {shown}): no such file; compose it with `scripts/compose.sh`"
            ),
            // The committed configuration reads the token keys' location from the environment.
            _ if error.contains("jwt.jwks_providers") => format!(
                "no keys to verify tokens with ({shown}, `jwt`): set JWKS_FILE to a JWKS file (development: `scripts/token.sh --jwks` prints the development issuer's), or JWKS_SOURCE=remote and JWKS_URL to your identity provider's ({error})"
            ),
            _ => format!("cannot load the configuration ({shown}): {error}"),
        }
    })?;
    match &config.supergraph {
        SupergraphSource::File {
            path: Some(path), ..
        } => check_file(&path.absolute),
        SupergraphSource::File { path: None, .. } => {
            Err("the configuration has `supergraph.source: file` but no `path`".to_owned())
        }
        _ => Ok(()),
    }
}

/// The supergraph file a configuration names (`SUPERGRAPH_FILE_PATH`, or `path:` under
/// `supergraph:`), resolved against the configuration's directory; for error messages.
fn named_supergraph(config_path: &str) -> Option<String> {
    let config = std::path::Path::new(config_path);
    let named = match std::env::var("SUPERGRAPH_FILE_PATH") {
        Ok(path) => path,
        Err(_) => {
            let text = std::fs::read_to_string(config).ok()?;
            let block = text
                .lines()
                .skip_while(|line| !line.starts_with("supergraph:"));
            block
                .skip(1)
                .take_while(|line| line.starts_with(' ') || line.is_empty())
                .find_map(|line| line.trim().strip_prefix("path:"))?
                .trim()
                .to_owned()
        }
    };
    let base = config.parent().unwrap_or(std::path::Path::new("."));
    Some(base.join(named).display().to_string())
}

/// Checks one supergraph file.
pub fn check_file(path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        format!("cannot read the supergraph {path}: {error}; compose it with `scripts/compose.sh`")
    })?;
    check(&text).map_err(|problem| format!("the supergraph {path} is not valid: {problem}"))
}

/// Checks supergraph SDL: it parses and names its subgraphs.
pub fn check(sdl: &str) -> Result<(), String> {
    let document = parse_schema::<String>(sdl).map_err(|error| error.to_string())?;
    let subgraphs = document
        .definitions
        .iter()
        .find_map(|definition| match definition {
            Definition::TypeDefinition(TypeDefinition::Enum(graphs))
                if graphs.name == "join__Graph" =>
            {
                Some(graphs.values.len())
            }
            _ => None,
        })
        .ok_or("it has no `join__Graph` enum: it is not a composed supergraph")?;
    if subgraphs == 0 {
        return Err("its `join__Graph` enum names no subgraph".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_composed_supergraph_passes() {
        let sdl = "enum join__Graph { PATIENTS @join__graph(name: \"patients\", url: \"http://localhost:8080/graphql\") }\ntype Query { a: Int }";
        assert_eq!(check(sdl), Ok(()));
    }

    #[test]
    fn a_plain_schema_or_garbage_is_refused_with_the_reason() {
        let plain = check("type Query { a: Int }").expect_err("not a supergraph");
        assert!(plain.contains("join__Graph"), "{plain}");
        assert!(check("type Query {").is_err());
        let missing = check_file("/nonexistent/supergraph.graphql").expect_err("missing");
        assert!(
            missing.contains("/nonexistent/supergraph.graphql"),
            "{missing}"
        );
    }
}
