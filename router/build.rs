//! Bundles GraphiQL (`graphiql/`, from the npm registry) into one self-contained page that
//! the router serves, so the explorer works on networks without internet access. Needs
//! Node.js 18+ and npm at build time; the npm packages are pinned in
//! `graphiql/package-lock.json` and installed under `OUT_DIR`, never in the source tree.

use std::{
    env, fs,
    path::{Path, PathBuf},
    process::Command,
};

fn main() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("graphiql");
    for input in [
        "package.json",
        "package-lock.json",
        "build.mjs",
        "check.mjs",
        "src",
    ] {
        println!("cargo:rerun-if-changed=graphiql/{input}");
    }
    let work = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("graphiql");
    copy(
        &source,
        &work,
        &[
            "package.json",
            "package-lock.json",
            "build.mjs",
            "check.mjs",
            "src",
        ],
    );
    let installed = work.join("node_modules/.package-lock.json");
    let stale = fs::metadata(&installed)
        .and_then(|installed| installed.modified())
        .ok()
        .zip(
            fs::metadata(source.join("package-lock.json"))
                .and_then(|lock| lock.modified())
                .ok(),
        )
        .is_none_or(|(installed, lock)| lock > installed);
    if stale {
        run(
            &work,
            "npm",
            &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
        );
    }
    run(&work, "node", &["build.mjs", "graphiql.html"]);
}

fn copy(from: &Path, to: &Path, entries: &[&str]) {
    fs::create_dir_all(to).expect("create the GraphiQL build directory");
    for entry in entries {
        let (source, target) = (from.join(entry), to.join(entry));
        if source.is_dir() {
            let names: Vec<String> = fs::read_dir(&source)
                .expect("read graphiql/src")
                .filter_map(|item| item.ok()?.file_name().into_string().ok())
                .collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            copy(&source, &target, &names);
        } else {
            fs::copy(&source, &target)
                .unwrap_or_else(|error| panic!("copy {}: {error}", source.display()));
        }
    }
}

fn run(dir: &Path, program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap_or_else(|error| {
            panic!(
                "bundling GraphiQL needs `{program}` (Node.js 18+ and npm; on Debian `apt-get install nodejs npm`): {error}"
            )
        });
    assert!(
        status.success(),
        "bundling GraphiQL: `{program} {}` failed ({status})",
        args.join(" ")
    );
}
