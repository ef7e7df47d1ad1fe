//! MySQL / MariaDB connection handling shared by the services that store there.

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use sqlx::{
    MySqlPool,
    mysql::{MySqlConnectOptions, MySqlPoolOptions},
};

use crate::{server::Probe, settings::Secret};

/// Connects a pool; `what` names the database in error messages (never the URL itself).
pub async fn connect(url: &Secret, max_connections: u32, what: &str) -> anyhow::Result<MySqlPool> {
    let options: MySqlConnectOptions = url
        .expose()
        .parse()
        .with_context(|| format!("the {what} database URL is not a valid MySQL URL"))?;
    MySqlPoolOptions::new()
        .max_connections(max_connections)
        // A request waits at most this long for a connection, so a database outage turns
        // into prompt errors rather than piled-up requests.
        .acquire_timeout(Duration::from_secs(3))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot connect to the {what} database"))
}

/// `/ready` check: the database answers a query.
pub fn probe(pool: &MySqlPool) -> Probe {
    let pool = pool.clone();
    Arc::new(move || {
        let pool = pool.clone();
        Box::pin(async move {
            sqlx::query("SELECT 1")
                .execute(&pool)
                .await
                .map(drop)
                .map_err(|_| "database unreachable".to_owned())
        })
    })
}

/// Escapes `LIKE` wildcards so a search for `50%` matches the text literally.
pub fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
