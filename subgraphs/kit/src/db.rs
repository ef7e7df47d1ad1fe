//! The database of a database-backed service, for MySQL/MariaDB and PostgreSQL alike: its
//! pool and its readiness probe. [`crate::app::connect_infra`] starts a service on them.

use std::{str::FromStr, sync::Arc, time::Duration};

use anyhow::Context as _;
use sqlx::{Connection as _, Database, Pool, pool::PoolOptions};

use crate::{server::Probe, settings::Secret};

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
