//! What every MySQL/MariaDB-backed service shares: pool, migrations, outbox table and
//! readiness probe, bundled into an [`Infra`].

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use sqlx::{
    MySqlPool,
    mysql::{MySqlConnectOptions, MySqlPoolOptions},
};

use sqlx::migrate::Migrator;

use crate::{
    app::Infra,
    outbox::mysql::MySqlOutbox,
    server::Probe,
    settings::{Secret, ServiceSettings},
};

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

/// Connects, applies the service's migrations and creates the outbox table; returns the
/// pool and the [`Infra`] to serve with.
pub async fn connect_infra(
    name: &str,
    settings: &ServiceSettings,
    migrator: &Migrator,
) -> anyhow::Result<(MySqlPool, Infra<MySqlOutbox>)> {
    let pool = connect(&settings.database_url, settings.db_max_connections, name).await?;
    migrator
        .run(&pool)
        .await
        .with_context(|| format!("cannot migrate the {name} database"))?;
    crate::outbox::mysql::ensure_schema(&pool)
        .await
        .context("cannot create the outbox table")?;
    let infra = Infra::new(settings, MySqlOutbox(pool.clone()), probe(&pool))?;
    Ok((pool, infra))
}
