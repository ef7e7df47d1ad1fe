//! Doctor rows.

use chrono::{DateTime, Utc};
use kit::{mysql::EntityTable, pagination::Page};
use sqlx::{MySql, MySqlConnection, MySqlPool, QueryBuilder};
use uuid::Uuid;

use crate::{
    domain::{Doctor, Gender, Specialization},
    error::DoctorError,
};

const TABLE: EntityTable = EntityTable {
    table: "doctors",
    columns: "id, name, specialization, phone_number, email, available, gender, archived_at, \
        schedule_version",
};

#[derive(sqlx::FromRow)]
struct DoctorRow {
    id: Uuid,
    name: String,
    specialization: String,
    phone_number: String,
    email: String,
    available: bool,
    gender: String,
    archived_at: Option<DateTime<Utc>>,
    schedule_version: i64,
}

impl TryFrom<DoctorRow> for Doctor {
    type Error = sqlx::Error;

    fn try_from(row: DoctorRow) -> Result<Self, Self::Error> {
        let unknown = |column: &str, value: &str| {
            sqlx::Error::Decode(format!("unknown {column} {value:?} in doctors table").into())
        };
        Ok(Self {
            specialization: Specialization::from_name(&row.specialization)
                .ok_or_else(|| unknown("specialization", &row.specialization))?,
            gender: Gender::from_name(&row.gender).ok_or_else(|| unknown("gender", &row.gender))?,
            id: row.id,
            name: row.name,
            phone_number: row.phone_number,
            email: row.email,
            available: row.available,
            archived_at: row.archived_at,
            schedule_version: row.schedule_version,
        })
    }
}

fn into_doctors(rows: Vec<DoctorRow>) -> sqlx::Result<Vec<Doctor>> {
    rows.into_iter().map(Doctor::try_from).collect()
}

/// Filters of the doctors listing.
#[derive(Debug, Clone, Default)]
pub struct DoctorFilter {
    pub specialization: Option<Specialization>,
    pub available: Option<bool>,
    pub search: Option<String>,
    /// Contained in the name.
    pub name: Option<String>,
}

#[derive(Clone, Debug)]
pub struct DoctorStore {
    pool: MySqlPool,
}

impl DoctorStore {
    pub fn new(pool: MySqlPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &MySqlPool {
        &self.pool
    }

    /// Doctors with these ids, archived ones included, in one query.
    #[tracing::instrument(skip_all, fields(count = ids.len()))]
    pub async fn find_many(&self, ids: &[Uuid]) -> sqlx::Result<Vec<Doctor>> {
        into_doctors(TABLE.find_many(&self.pool, ids).await?)
    }

    /// Active doctors matching `filter`, by id.
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, filter: &DoctorFilter, page: Page) -> sqlx::Result<Vec<Doctor>> {
        let filter = |query: &mut QueryBuilder<'_, MySql>| push_filter(query, filter);
        into_doctors(TABLE.list(&self.pool, &filter, page).await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn count(&self, filter: &DoctorFilter) -> sqlx::Result<i64> {
        let filter = |query: &mut QueryBuilder<'_, MySql>| push_filter(query, filter);
        TABLE.count(&self.pool, &filter).await
    }

    /// The doctor, locked for update until the transaction ends.
    #[tracing::instrument(skip_all)]
    pub async fn lock(conn: &mut MySqlConnection, id: Uuid) -> sqlx::Result<Option<Doctor>> {
        let row: Option<DoctorRow> = TABLE.lock(conn, id).await?;
        row.map(Doctor::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    pub async fn insert(conn: &mut MySqlConnection, doctor: &Doctor) -> Result<(), DoctorError> {
        sqlx::query(
            "INSERT INTO doctors (id, name, specialization, phone_number, email, available, gender)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(doctor.id)
        .bind(&doctor.name)
        .bind(doctor.specialization.as_str())
        .bind(&doctor.phone_number)
        .bind(&doctor.email)
        .bind(doctor.available)
        .bind(doctor.gender.as_str())
        .execute(conn)
        .await
        .map_err(|error| email_conflict(error, &doctor.email))?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn update(conn: &mut MySqlConnection, doctor: &Doctor) -> Result<(), DoctorError> {
        sqlx::query(
            "UPDATE doctors SET name = ?, specialization = ?, phone_number = ?, email = ?,
             available = ?, gender = ?, archived_at = ?, updated_at = CURRENT_TIMESTAMP(6)
             WHERE id = ?",
        )
        .bind(&doctor.name)
        .bind(doctor.specialization.as_str())
        .bind(&doctor.phone_number)
        .bind(&doctor.email)
        .bind(doctor.available)
        .bind(doctor.gender.as_str())
        .bind(doctor.archived_at)
        .bind(doctor.id)
        .execute(conn)
        .await
        .map_err(|error| email_conflict(error, &doctor.email))?;
        Ok(())
    }
}

fn push_filter(query: &mut QueryBuilder<'_, MySql>, filter: &DoctorFilter) {
    query.push(" WHERE archived_at IS NULL");
    if let Some(specialization) = filter.specialization {
        query
            .push(" AND specialization = ")
            .push_bind(specialization.as_str());
    }
    if let Some(available) = filter.available {
        query.push(" AND available = ").push_bind(available);
    }
    if let Some(term) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|term| !term.is_empty())
    {
        let pattern = format!("%{}%", kit::mysql::escape_like(term));
        query
            .push(" AND (name LIKE ")
            .push_bind(pattern.clone())
            .push(" OR email LIKE ")
            .push_bind(pattern.clone())
            .push(" OR phone_number LIKE ")
            .push_bind(pattern)
            .push(")");
    }
    if let Some(name) = filter
        .name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        query
            .push(" AND name LIKE ")
            .push_bind(format!("%{}%", kit::mysql::escape_like(name)));
    }
}

fn email_conflict(error: sqlx::Error, email: &str) -> DoctorError {
    match error.as_database_error() {
        Some(db) if db.is_unique_violation() => DoctorError::EmailTaken(email.to_owned()),
        _ => error.into(),
    }
}
