//! A database of one's own per test: MySQL/MariaDB, PostgreSQL or MongoDB, dropped with
//! the value.

use crate::settings::env_or;

/// `SELECT` statements the server has run on the session of `pool`'s single connection.
/// With a one-connection pool, every statement the app runs lands on that session, so the
/// difference across a request counts the request's queries.
#[cfg(feature = "mysql")]
pub async fn mysql_selects(pool: &sqlx::MySqlPool) -> i64 {
    let (_, value): (String, String) = sqlx::query_as("SHOW SESSION STATUS LIKE 'Com_select'")
        .fetch_one(pool)
        .await
        .expect("session status");
    value.parse().expect("a counter")
}

/// A database created for one test and dropped when the value is dropped.
pub struct TestDatabase {
    pub url: String,
    name: String,
    server_url: String,
}

impl TestDatabase {
    /// A fresh, empty MySQL/MariaDB database.
    #[cfg(feature = "mysql")]
    pub async fn mysql() -> Self {
        use sqlx::Connection as _;
        let server_url = env_or("TEST_MYSQL_URL", "mysql://pms:pms@127.0.0.1:3306");
        let name = format!("test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = sqlx::MySqlConnection::connect(&server_url)
            .await
            .expect("MariaDB reachable at TEST_MYSQL_URL (run scripts/infra.sh up)");
        sqlx::query(&format!("CREATE DATABASE `{name}`"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        Self {
            url: format!("{}/{name}", server_url.trim_end_matches('/')),
            name,
            server_url,
        }
    }
}

impl TestDatabase {
    /// A fresh, empty PostgreSQL database.
    #[cfg(feature = "postgres")]
    pub async fn postgres() -> Self {
        use sqlx::Connection as _;
        let server_url = env_or("TEST_POSTGRES_URL", "postgres://pms:pms@127.0.0.1:5432");
        let name = format!("test_{}", uuid::Uuid::now_v7().simple());
        let mut admin =
            sqlx::PgConnection::connect(&format!("{}/postgres", server_url.trim_end_matches('/')))
                .await
                .expect("PostgreSQL reachable at TEST_POSTGRES_URL (run scripts/infra.sh up)");
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create test database");
        Self {
            url: format!("{}/{name}", server_url.trim_end_matches('/')),
            name,
            server_url,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (server_url, name) = (self.server_url.clone(), self.name.clone());
        // Drop runs outside any async context we can await in: use a private runtime.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async move {
                #[cfg(feature = "mysql")]
                if server_url.starts_with("mysql:") {
                    use sqlx::Connection as _;
                    let mut admin = sqlx::MySqlConnection::connect(&server_url).await.ok()?;
                    // The app under test may still hold connections (its runtime is the one
                    // this drop blocks): end them so their locks cannot stall the drop.
                    let sessions: Vec<u64> = sqlx::query_scalar(
                        "SELECT id FROM information_schema.processlist WHERE db = ?",
                    )
                    .bind(&name)
                    .fetch_all(&mut admin)
                    .await
                    .ok()?;
                    for session in sessions {
                        let _ = sqlx::query(&format!("KILL CONNECTION {session}"))
                            .execute(&mut admin)
                            .await;
                    }
                    sqlx::query(&format!("DROP DATABASE IF EXISTS `{name}`"))
                        .execute(&mut admin)
                        .await
                        .ok()?;
                }
                #[cfg(feature = "postgres")]
                if server_url.starts_with("postgres:") {
                    use sqlx::Connection as _;
                    let admin_url = format!("{}/postgres", server_url.trim_end_matches('/'));
                    let mut admin = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                    // FORCE ends the sessions the app under test may still hold.
                    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut admin)
                        .await
                        .ok()?;
                }
                Some(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

/// A MongoDB database for one test (`TEST_MONGO_URL`), dropped with the value.
#[cfg(feature = "mongo")]
pub struct TestMongo {
    pub url: String,
    pub name: String,
}

#[cfg(feature = "mongo")]
impl TestMongo {
    pub fn new() -> Self {
        Self {
            url: env_or("TEST_MONGO_URL", "mongodb://127.0.0.1:27017"),
            name: format!("test_{}", uuid::Uuid::now_v7().simple()),
        }
    }
}

#[cfg(feature = "mongo")]
impl Default for TestMongo {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "mongo")]
impl Drop for TestMongo {
    fn drop(&mut self) {
        let (url, name) = (self.url.clone(), self.name.clone());
        // Drop runs outside any async context we can await in: use a private runtime.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async move {
                let client = mongodb::Client::with_uri_str(&url).await.ok()?;
                client.database(&name).drop().await.ok()
            })
        })
        .join();
    }
}
