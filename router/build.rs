//! Bundles the two browser apps the router serves, so both work on networks without
//! internet access: GraphiQL (`graphiql/`, one self-contained page) and the front desk
//! (`../front-desk/`, a Vite build: `index.html` and hashed assets, listed for the router in
//! `front_desk_files.rs`). Needs Node.js 20.19+ and npm at build time; the npm packages
//! are pinned in each app's `package-lock.json` and installed under `OUT_DIR`, never in
//! the source tree.

use std::{
    env, fs,
    path::{Path, PathBuf},
    process::Command,
};

struct App {
    /// The directory, from the router's manifest, and its name under `OUT_DIR`.
    source: &'static str,
    name: &'static str,
    /// What the build reads (and the tests' browser scripts).
    inputs: &'static [&'static str],
}

const GRAPHIQL: App = App {
    source: "graphiql",
    name: "graphiql",
    inputs: &[
        "package.json",
        "package-lock.json",
        "build.mjs",
        "check.mjs",
        "src",
    ],
};

const FRONT_DESK: App = App {
    source: "../front-desk",
    name: "front-desk",
    inputs: &[
        "package.json",
        "package-lock.json",
        "index.html",
        "vite.config.ts",
        "tsconfig.json",
        "src",
        "tests",
    ],
};

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let graphiql = prepare(&GRAPHIQL, &out);
    run(&graphiql, "node", &["build.mjs", "graphiql.html"]);

    let front_desk = prepare(&FRONT_DESK, &out);
    let dist = front_desk.join("dist");
    run(
        &front_desk,
        "node",
        &["node_modules/vite/bin/vite.js", "build", "--logLevel=warn"],
    );
    list_files(&dist, &out.join("front_desk_files.rs"));
}

/// Copies `app`'s inputs under `OUT_DIR` and installs its packages there when its lock
/// file is newer than the installation.
fn prepare(app: &App, out: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(app.source);
    for input in app.inputs {
        println!("cargo:rerun-if-changed={}/{input}", app.source);
    }
    let work = out.join(app.name);
    copy(&source, &work, app.inputs);
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
    work
}

/// Writes `FILES`: each file of `dist` as (URL path, content type, bytes).
fn list_files(dist: &Path, target: &Path) {
    let mut files = Vec::new();
    walk(dist, &mut files);
    files.sort();
    let mut rust = String::from(
        "/// The front desk's built files: (URL path, content type, contents).\n\
         pub static FILES: &[(&str, &str, &[u8])] = &[\n",
    );
    for file in files {
        let path = file.strip_prefix(dist).expect("under dist");
        let url = format!("/{}", path.to_string_lossy());
        let kind = match file.extension().and_then(|extension| extension.to_str()) {
            Some("html") => "text/html; charset=utf-8",
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("svg") => "image/svg+xml",
            Some("png") => "image/png",
            Some("woff2") => "font/woff2",
            Some("json") => "application/json",
            _ => "application/octet-stream",
        };
        rust.push_str(&format!(
            "    ({url:?}, {kind:?}, include_bytes!({:?})),\n",
            file.display().to_string()
        ));
    }
    rust.push_str("];\n");
    fs::write(target, rust).expect("write front_desk_files.rs");
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|error| panic!("read {}: {error}", dir.display()))
    {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn copy(from: &Path, to: &Path, entries: &[&str]) {
    fs::create_dir_all(to).expect("create the app's build directory");
    for entry in entries {
        let (source, target) = (from.join(entry), to.join(entry));
        if source.is_dir() {
            let names: Vec<String> = fs::read_dir(&source)
                .unwrap_or_else(|error| panic!("read {}: {error}", source.display()))
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
                "bundling the router's browser apps needs `{program}` (Node.js 20.19+ and npm; on Debian `apt-get install nodejs npm`): {error}"
            )
        });
    assert!(
        status.success(),
        "bundling {}: `{program} {}` failed ({status})",
        dir.display(),
        args.join(" ")
    );
}
