//! A request whose database connection the server ends mid-query (a restart, an
//! administrator) reaches the client as `UPSTREAM_UNAVAILABLE` with advice to retry, not as an
//! internal error: checked against the real servers, which is where the error's shape
//! (I/O error, SQLSTATE) comes from.

use std::time::Duration;

use kit::error::{ClientFacing, DATABASE_CONNECTION_LOST_MESSAGE, ErrorCode, graphql_error};
use kit::testing::TestDatabase;
use sqlx::Connection as _;

/// A service's internal failure, as the subgraphs' own error types carry one.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
struct Internal(#[from] anyhow::Error);

impl ClientFacing for Internal {
    fn code(&self) -> ErrorCode {
        ErrorCode::InternalServerError
    }
}

fn assert_retry_advised(failure: sqlx::Error) {
    let error = graphql_error(Internal(
        anyhow::Error::new(failure).context("test database"),
    ));
    assert_eq!(error.message, DATABASE_CONNECTION_LOST_MESSAGE);
    let extensions = serde_json::to_value(error.extensions).expect("extensions serialize");
    assert_eq!(extensions["code"], "UPSTREAM_UNAVAILABLE");
}

#[tokio::test]
async fn postgres_ending_a_connection_mid_query_is_upstream_unavailable() {
    let db = TestDatabase::postgres().await;
    let mut victim = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    let mut admin = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut victim)
        .await
        .expect("backend pid");
    let query = tokio::spawn(async move {
        sqlx::query("SELECT pg_sleep(10)")
            .execute(&mut victim)
            .await
            .expect_err("the server ends this query")
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    sqlx::query("SELECT pg_terminate_backend($1)")
        .bind(pid)
        .execute(&mut admin)
        .await
        .expect("terminate");
    let failure = tokio::time::timeout(Duration::from_secs(5), query)
        .await
        .expect("the query ends at once")
        .expect("query task");
    assert_retry_advised(failure);
}

#[tokio::test]
async fn mariadb_ending_a_connection_mid_query_is_upstream_unavailable() {
    let db = TestDatabase::mysql().await;
    let mut victim = sqlx::MySqlConnection::connect(&db.url)
        .await
        .expect("connect");
    let mut admin = sqlx::MySqlConnection::connect(&db.url)
        .await
        .expect("connect");
    let id: u64 = sqlx::query_scalar("SELECT CONNECTION_ID()")
        .fetch_one(&mut victim)
        .await
        .expect("connection id");
    let query = tokio::spawn(async move {
        sqlx::query("SELECT SLEEP(10)")
            .execute(&mut victim)
            .await
            .expect_err("the server ends this query")
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    sqlx::query(&format!("KILL CONNECTION {id}"))
        .execute(&mut admin)
        .await
        .expect("kill");
    let failure = tokio::time::timeout(Duration::from_secs(5), query)
        .await
        .expect("the query ends at once")
        .expect("query task");
    assert_retry_advised(failure);
}
