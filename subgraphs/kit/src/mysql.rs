//! MySQL / MariaDB specifics: `LIKE` escaping, and the reads every table of entities keyed
//! by a UUID `id` needs (by ids in one query, a filtered page, a count, a row lock).

use sqlx::{MySql, MySqlConnection, MySqlPool, QueryBuilder, mysql::MySqlRow};
use uuid::Uuid;

use crate::pagination::Page;

/// Escapes `LIKE` wildcards so a search for `50%` matches the text literally.
pub fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// `id, id, ...` as bound parameters, for an `IN (...)` list.
pub fn push_ids(query: &mut QueryBuilder<'_, MySql>, ids: &[Uuid]) {
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
}

/// A row type of an entity table.
pub trait Row: for<'r> sqlx::FromRow<'r, MySqlRow> + Send + Unpin {}
impl<T: for<'r> sqlx::FromRow<'r, MySqlRow> + Send + Unpin> Row for T {}

/// Pushes a listing's conditions: `WHERE` and at least one condition (the page's cursor
/// follows with `AND`).
pub type Filter<'f> = &'f (dyn Fn(&mut QueryBuilder<'_, MySql>) + Sync);

/// A table of entities keyed by a UUID `id`, read as `columns`.
#[derive(Debug, Clone, Copy)]
pub struct EntityTable {
    pub table: &'static str,
    pub columns: &'static str,
}

impl EntityTable {
    /// The rows with these ids, in one query.
    pub async fn find_many<R: Row>(&self, pool: &MySqlPool, ids: &[Uuid]) -> sqlx::Result<Vec<R>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = QueryBuilder::<MySql>::new(format!(
            "SELECT {} FROM {} WHERE id IN (",
            self.columns, self.table
        ));
        push_ids(&mut query, ids);
        query.push(")");
        query.build_query_as().fetch_all(pool).await
    }

    /// A page of the rows `filter` keeps, by id.
    pub async fn list<R: Row>(
        &self,
        pool: &MySqlPool,
        filter: Filter<'_>,
        page: Page,
    ) -> sqlx::Result<Vec<R>> {
        let mut query =
            QueryBuilder::<MySql>::new(format!("SELECT {} FROM {}", self.columns, self.table));
        filter(&mut query);
        if let Some(after) = page.after {
            query.push(" AND id > ").push_bind(after);
        }
        query
            .push(" ORDER BY id LIMIT ")
            .push_bind(page.fetch_limit());
        query.build_query_as().fetch_all(pool).await
    }

    /// How many rows `filter` keeps.
    pub async fn count(&self, pool: &MySqlPool, filter: Filter<'_>) -> sqlx::Result<i64> {
        let mut query = QueryBuilder::<MySql>::new(format!("SELECT COUNT(*) FROM {}", self.table));
        filter(&mut query);
        query.build_query_scalar().fetch_one(pool).await
    }

    /// The row, locked for update until the transaction ends.
    pub async fn lock<R: Row>(
        &self,
        conn: &mut MySqlConnection,
        id: Uuid,
    ) -> sqlx::Result<Option<R>> {
        sqlx::query_as(&format!(
            "SELECT {} FROM {} WHERE id = ? FOR UPDATE",
            self.columns, self.table
        ))
        .bind(id)
        .fetch_optional(conn)
        .await
    }
}
