//! Helpers for integration tests against the real servers `scripts/infra.sh` runs.
//!
//! Every test gets its own database and its own Kafka topic, so tests run in parallel and in
//! any order. Server addresses come from `TEST_MYSQL_URL`, `TEST_POSTGRES_URL` and
//! `KAFKA_BROKERS`, defaulting to the local provisioning.
//!
//! `databases`, `kafka`, `services`, `graphql` and `proxy` hold the helpers by what they
//! touch (all re-exported here); `load` the load generators' helpers.

mod databases;
mod graphql;
mod kafka;
pub mod load;
mod proxy;
mod services;

use std::time::{Duration, Instant};

pub use databases::*;
pub use graphql::*;
pub use kafka::*;
pub use proxy::*;
pub use services::*;

/// Waits until `condition` holds, checking every 50 ms; false after `timeout`.
pub async fn eventually(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    condition()
}
