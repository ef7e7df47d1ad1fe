//! Patient rows in MySQL/MariaDB. The only module that writes SQL.

use chrono::{DateTime, NaiveDate, Utc};
use kit::{mysql::EntityTable, pagination::Page};
use sqlx::{MySql, MySqlConnection, MySqlPool, QueryBuilder};
use uuid::Uuid;

use crate::{domain::Patient, error::PatientError};

const TABLE: EntityTable = EntityTable {
    table: "patients",
    columns: "id, name, email, phone, registration_date, date_of_birth, address, archived_at",
};

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

/// Which active patients a listing returns; every condition given must hold.
#[derive(Clone, Debug, Default)]
pub struct PatientFilter {
    /// Contained in the name, or (with `search_contact`) in the email or phone.
    pub search: Option<String>,
    pub search_contact: bool,
    /// Contained in the name.
    pub name: Option<String>,
    /// The whole email (case does not matter).
    pub email: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
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
        let rows: Vec<PatientRow> = TABLE.find_many(&self.pool, ids).await?;
        Ok(rows.into_iter().map(Patient::from).collect())
    }

    /// Active patients matching `filter`, by id.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, filter: &PatientFilter, page: Page) -> sqlx::Result<Vec<Patient>> {
        let filter = |query: &mut QueryBuilder<'_, MySql>| push_filter(query, filter);
        let rows: Vec<PatientRow> = TABLE.list(&self.pool, &filter, page).await?;
        Ok(rows.into_iter().map(Patient::from).collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn count(&self, filter: &PatientFilter) -> sqlx::Result<i64> {
        let filter = |query: &mut QueryBuilder<'_, MySql>| push_filter(query, filter);
        TABLE.count(&self.pool, &filter).await
    }

    /// The patient, locked for update until the transaction ends.
    #[tracing::instrument(skip_all)]
    pub async fn lock(conn: &mut MySqlConnection, id: Uuid) -> sqlx::Result<Option<Patient>> {
        let row: Option<PatientRow> = TABLE.lock(conn, id).await?;
        Ok(row.map(Patient::from))
    }

    #[tracing::instrument(skip_all)]
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

    #[tracing::instrument(skip_all)]
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

fn push_filter(query: &mut QueryBuilder<'_, MySql>, filter: &PatientFilter) {
    query.push(" WHERE archived_at IS NULL");
    let contains = |term: &str| format!("%{}%", kit::mysql::escape_like(term));
    if let Some(term) = non_blank(&filter.search) {
        query.push(" AND (name LIKE ").push_bind(contains(term));
        if filter.search_contact {
            query
                .push(" OR email LIKE ")
                .push_bind(contains(term))
                .push(" OR phone LIKE ")
                .push_bind(contains(term));
        }
        query.push(")");
    }
    if let Some(name) = non_blank(&filter.name) {
        query.push(" AND name LIKE ").push_bind(contains(name));
    }
    if let Some(email) = non_blank(&filter.email) {
        // The unique index of active patients' emails (case-insensitive collation).
        query
            .push(" AND active_email = ")
            .push_bind(email.to_owned());
    }
    if let Some(date) = filter.date_of_birth {
        query.push(" AND date_of_birth = ").push_bind(date);
    }
}

fn non_blank(text: &Option<String>) -> Option<&str> {
    text.as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

fn email_conflict(error: sqlx::Error, email: &str) -> PatientError {
    match error.as_database_error() {
        Some(db) if db.is_unique_violation() => PatientError::EmailTaken(email.to_owned()),
        _ => error.into(),
    }
}
