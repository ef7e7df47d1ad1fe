//! What every database-backed service shares, for MySQL/MariaDB and PostgreSQL alike: the
//! pool, its migrations, the outbox table and the readiness probe, bundled into an [`Infra`].

use std::{str::FromStr, sync::Arc, time::Duration};

use anyhow::Context as _;
use sqlx::{
    Connection as _, Database, Pool,
    migrate::{Migrate, Migrator},
    pool::PoolOptions,
};

use crate::{
    app::Infra,
    outbox::OutboxStore,
    server::Probe,
    settings::{Secret, ServiceSettings},
};

/// Connects a pool; `what` names the database in error messages (never the URL itself).
pub async fn connect<DB: Database>(
    url: &Secret,
    max_connections: u32,
    what: &str,
) -> anyhow::Result<Pool<DB>>
where
    <DB::Connection as sqlx::Connection>::Options: FromStr<Err = sqlx::Error>,
{
    let options = <DB::Connection as sqlx::Connection>::Options::from_str(url.expose())
        .map_err(|_| anyhow::anyhow!("the {what} database URL is not valid"))?;
    PoolOptions::<DB>::new()
        .max_connections(max_connections)
        // A request waits at most this long for a connection, so a database outage turns
        // into prompt errors rather than piled-up requests.
        .acquire_timeout(Duration::from_secs(3))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot connect to the {what} database"))
}

/// `/ready` check: the database answers a ping.
pub fn probe<DB: Database>(pool: &Pool<DB>) -> Probe {
    let pool = pool.clone();
    Arc::new(move || {
        let pool = pool.clone();
        Box::pin(async move {
            let mut conn = pool
                .acquire()
                .await
                .map_err(|_| "database unreachable".to_owned())?;
            conn.ping()
                .await
                .map_err(|_| "database unreachable".to_owned())
        })
    })
}

/// Connects, applies the service's migrations and creates the outbox table; returns the
/// pool and the [`Infra`] to serve with. `outbox` makes the relay's store from the pool.
pub async fn connect_infra<DB, S>(
    name: &str,
    settings: &ServiceSettings,
    migrator: &Migrator,
    outbox: impl FnOnce(Pool<DB>) -> S,
) -> anyhow::Result<(Pool<DB>, Infra<S>)>
where
    DB: Database,
    DB::Connection: Migrate,
    <DB::Connection as sqlx::Connection>::Options: FromStr<Err = sqlx::Error>,
    S: OutboxStore,
{
    let pool = connect::<DB>(&settings.database_url, settings.db_max_connections, name).await?;
    migrator
        .run(&pool)
        .await
        .with_context(|| format!("cannot migrate the {name} database"))?;
    let store = outbox(pool.clone());
    store
        .ensure_schema()
        .await
        .context("cannot create the outbox table")?;
    let infra = Infra::new(settings, store, probe(&pool))?;
    Ok((pool, infra))
}
