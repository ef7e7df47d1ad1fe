//! Tracing setup: human-readable on a terminal, JSON lines otherwise (log shippers).

use std::io::IsTerminal as _;

use tracing_subscriber::{EnvFilter, fmt, fmt::format::FmtSpan, prelude::*};

/// Installs the global subscriber once. `RUST_LOG` overrides the default `info` level;
/// `LOG_SPAN_TIMINGS=1` also logs each span's busy and idle time when it closes (for
/// benchmarks). Calling it again (several apps in one test binary) is harmless.
pub fn init(service: &str) {
    let span_events = if std::env::var_os("LOG_SPAN_TIMINGS").is_some() {
        FmtSpan::CLOSE
    } else {
        FmtSpan::NONE
    };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{service}=info,kit=info")));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if std::io::stdout().is_terminal() {
        registry
            .with(fmt::layer().with_span_events(span_events))
            .try_init()
    } else {
        registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_span_list(false)
                    .with_span_events(span_events),
            )
            .try_init()
    };
    // Already initialised: keep the first subscriber.
    drop(result);
}
