//! Tracing setup: human-readable on a terminal, JSON lines otherwise (log shippers).

use std::io::IsTerminal as _;

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global subscriber once. `RUST_LOG` overrides the default `info` level.
/// Calling it again (several apps in one test binary) is harmless.
pub fn init(service: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{service}=info,kit=info")));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if std::io::stdout().is_terminal() {
        registry.with(fmt::layer()).try_init()
    } else {
        registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(false),
            )
            .try_init()
    };
    // Already initialised: keep the first subscriber.
    drop(result);
}
