//! Prints a token of the development issuer (`scripts/token.sh` runs it):
//!
//! ```text
//! pms-token <role> [<patient-or-doctor-id>] [--hours N]
//! pms-token --jwks      # the path of the key set the router's JWKS_FILE names
//! ```
//!
//! The key pair is created on first use in `~/.config/pms/dev-issuer` (or
//! `PMS_DEV_ISSUER_DIR`), outside the repository.

use std::{process::ExitCode, time::Duration};

use identity::{DevIssuer, Grant, Role};

const USAGE: &str = "usage: scripts/token.sh <role> [<patient-or-doctor-id>] [--hours N]
       scripts/token.sh --jwks
roles: front-desk, doctor <doctor-id>, billing-clerk, administrator, patient <patient-id>";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("pms-token: {problem:#}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> anyhow::Result<String> {
    let dir = DevIssuer::default_dir();
    let issuer = DevIssuer::open_or_create(&dir)?;
    let mut hours = 12u64;
    let mut positional = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--jwks" => return Ok(dir.join("jwks.json").display().to_string()),
            "--hours" => {
                let value = args.next().unwrap_or_default();
                hours = value
                    .parse()
                    .map_err(|_| anyhow::anyhow!("--hours takes a whole number, not `{value}`"))?;
            }
            "-h" | "--help" => anyhow::bail!("a token for a role"),
            _ => positional.push(arg),
        }
    }
    let (role, person) = match positional.as_slice() {
        [role] => (role.parse::<Role>()?, None),
        [role, id] => {
            let id = id
                .parse()
                .map_err(|_| anyhow::anyhow!("`{id}` is not an id (a UUID)"))?;
            (role.parse::<Role>()?, Some(id))
        }
        _ => anyhow::bail!("give one role"),
    };
    let grant = Grant::new(role, person)?;
    Ok(issuer.token(&grant, Duration::from_secs(hours * 3600)))
}
