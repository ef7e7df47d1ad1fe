//! Patient rows in MySQL/MariaDB. The only module that writes SQL.

use chrono::{DateTime, NaiveDate, Utc};
use kit::pagination::Page;
use sqlx::{MySql, MySqlConnection, MySqlPool, QueryBuilder};
use uuid::Uuid;

use crate::{domain::Patient, error::PatientError};

const COLUMNS: &str =
    "id, name, email, phone, registration_date, date_of_birth, address, archived_at";

#[derive(sqlx::FromRow)]
struct PatientRow {
    id: Uuid,
    name: String,
    email: String,
    phone: String,
    registration_date: NaiveDate,
    date_of_birth: Option<NaiveDate>,
    address: Option<String>,
    archived_at: Option<DateTime<Utc>>,
}

impl From<PatientRow> for Patient {
    fn from(row: PatientRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            email: row.email,
            phone: row.phone,
            registration_date: row.registration_date,
            date_of_birth: row.date_of_birth,
            address: row.address,
            archived_at: row.archived_at,
        }
    }
}

#[derive(Clone, Debug)]
pub struct PatientStore {
    pool: MySqlPool,
}

impl PatientStore {
    pub fn new(pool: MySqlPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &MySqlPool {
        &self.pool
    }

    /// Patients with these ids, archived ones included, in one query.
    #[tracing::instrument(skip_all, fields(count = ids.len()))]
    pub async fn find_many(&self, ids: &[Uuid]) -> sqlx::Result<Vec<Patient>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut query =
            QueryBuilder::<MySql>::new(format!("SELECT {COLUMNS} FROM patients WHERE id IN ("));
        let mut list = query.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        query.push(")");
        let rows: Vec<PatientRow> = query.build_query_as().fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(Patient::from).collect())
    }

    /// Active patients matching `search` (name, email or phone contains it), by id.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, search: Option<&str>, page: Page) -> sqlx::Result<Vec<Patient>> {
        let mut query = QueryBuilder::<MySql>::new(format!("SELECT {COLUMNS} FROM patients"));
        push_filter(&mut query, search);
        if let Some(after) = page.after {
            query.push(" AND id > ").push_bind(after);
        }
        query
            .push(" ORDER BY id LIMIT ")
            .push_bind(page.fetch_limit());
        let rows: Vec<PatientRow> = query.build_query_as().fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(Patient::from).collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn count(&self, search: Option<&str>) -> sqlx::Result<i64> {
        let mut query = QueryBuilder::<MySql>::new("SELECT COUNT(*) FROM patients");
        push_filter(&mut query, search);
        query.build_query_scalar().fetch_one(&self.pool).await
    }

    /// The patient, locked for update until the transaction ends.
    pub async fn lock(conn: &mut MySqlConnection, id: Uuid) -> sqlx::Result<Option<Patient>> {
        let row: Option<PatientRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM patients WHERE id = ? FOR UPDATE"
        ))
        .bind(id)
        .fetch_optional(conn)
        .await?;
        Ok(row.map(Patient::from))
    }

    pub async fn insert(conn: &mut MySqlConnection, patient: &Patient) -> Result<(), PatientError> {
        sqlx::query(
            "INSERT INTO patients (id, name, email, phone, registration_date, date_of_birth, address)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(patient.id)
        .bind(&patient.name)
        .bind(&patient.email)
        .bind(&patient.phone)
        .bind(patient.registration_date)
        .bind(patient.date_of_birth)
        .bind(&patient.address)
        .execute(conn)
        .await
        .map_err(|error| email_conflict(error, &patient.email))?;
        Ok(())
    }

    pub async fn update(conn: &mut MySqlConnection, patient: &Patient) -> Result<(), PatientError> {
        sqlx::query(
            "UPDATE patients SET name = ?, email = ?, phone = ?, date_of_birth = ?, address = ?,
             archived_at = ?, updated_at = CURRENT_TIMESTAMP(6) WHERE id = ?",
        )
        .bind(&patient.name)
        .bind(&patient.email)
        .bind(&patient.phone)
        .bind(patient.date_of_birth)
        .bind(&patient.address)
        .bind(patient.archived_at)
        .bind(patient.id)
        .execute(conn)
        .await
        .map_err(|error| email_conflict(error, &patient.email))?;
        Ok(())
    }
}

fn push_filter(query: &mut QueryBuilder<'_, MySql>, search: Option<&str>) {
    query.push(" WHERE archived_at IS NULL");
    if let Some(term) = search.map(str::trim).filter(|term| !term.is_empty()) {
        let pattern = format!("%{}%", kit::mysql::escape_like(term));
        query
            .push(" AND (name LIKE ")
            .push_bind(pattern.clone())
            .push(" OR email LIKE ")
            .push_bind(pattern.clone())
            .push(" OR phone LIKE ")
            .push_bind(pattern)
            .push(")");
    }
}

fn email_conflict(error: sqlx::Error, email: &str) -> PatientError {
    match error.as_database_error() {
        Some(db) if db.is_unique_violation() => PatientError::EmailTaken(email.to_owned()),
        _ => error.into(),
    }
}
