//! Appointment rows in PostgreSQL. The only module that writes SQL.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use kit::{outbox::OutboxRow, outbox::postgres as outbox, pagination::Page};
use schedule::calendar::Range;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::{
    domain::{
        Appointment, AppointmentId, AppointmentStatus, DoctorId, MAX_DURATION_MINUTES, PatientId,
        ServiceType, Slot, Stored,
    },
    error::{AppointmentError, Subject},
};

const COLUMNS: &str = "id, patient_id, doctor_id, doctor_specialization, service_type, local_date, local_time, \
    duration_minutes, starts_at, ends_at, status, notes, cancellation_reason, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct AppointmentRow {
    id: AppointmentId,
    patient_id: PatientId,
    doctor_id: DoctorId,
    doctor_specialization: String,
    service_type: String,
    local_date: NaiveDate,
    local_time: NaiveTime,
    duration_minutes: i32,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    status: String,
    notes: Option<String>,
    cancellation_reason: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<AppointmentRow> for Appointment {
    type Error = sqlx::Error;

    fn try_from(row: AppointmentRow) -> Result<Self, Self::Error> {
        let unknown = |column: &str, value: &str| {
            sqlx::Error::Decode(format!("unknown {column} {value:?} in appointments table").into())
        };
        Ok(Self::restore(Stored {
            service_type: ServiceType::from_name(&row.service_type)
                .ok_or_else(|| unknown("service_type", &row.service_type))?,
            status: AppointmentStatus::from_name(&row.status)
                .ok_or_else(|| unknown("status", &row.status))?,
            id: row.id,
            patient_id: row.patient_id,
            doctor_id: row.doctor_id,
            doctor_specialization: row.doctor_specialization,
            slot: Slot::restore(
                row.local_date,
                row.local_time,
                row.duration_minutes,
                row.starts_at,
                row.ends_at,
            )
            .map_err(|error| sqlx::Error::Decode(error.to_string().into()))?,
            notes: row.notes,
            cancellation_reason: row.cancellation_reason,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }))
    }
}

fn into_appointments(rows: Vec<AppointmentRow>) -> sqlx::Result<Vec<Appointment>> {
    rows.into_iter().map(Appointment::try_from).collect()
}

/// Filters of appointment listings. `from`/`to` are inclusive dates of the booked wall clock.
#[derive(Debug, Clone, Default)]
pub struct AppointmentFilter {
    pub doctor_id: Option<DoctorId>,
    pub patient_id: Option<PatientId>,
    pub status: Option<AppointmentStatus>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Clone, Debug)]
pub struct AppointmentStore {
    pool: PgPool,
}

impl AppointmentStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Appointments with these ids, in one query.
    #[tracing::instrument(skip_all, fields(count = ids.len()))]
    pub async fn find_many(&self, ids: &[AppointmentId]) -> sqlx::Result<Vec<Appointment>> {
        let rows = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM appointments WHERE id = ANY($1)"
        ))
        .bind(ids)
        .fetch_all(&self.pool)
        .await?;
        into_appointments(rows)
    }

    /// Appointments matching `filter`, by start time.
    #[tracing::instrument(skip_all)]
    pub async fn list(
        &self,
        filter: &AppointmentFilter,
        page: Page,
    ) -> sqlx::Result<Vec<Appointment>> {
        let mut query =
            QueryBuilder::<Postgres>::new(format!("SELECT {COLUMNS} FROM appointments"));
        push_filter(&mut query, filter);
        if let Some(after) = page.after {
            query
                .push(" AND (starts_at, id) > (SELECT starts_at, id FROM appointments WHERE id = ")
                .push_bind(after)
                .push(")");
        }
        query
            .push(" ORDER BY starts_at, id LIMIT ")
            .push_bind(page.fetch_limit());
        into_appointments(query.build_query_as().fetch_all(&self.pool).await?)
    }

    /// Scheduled and checked-in appointments matching `filter`, by start time, at most
    /// `limit`.
    #[tracing::instrument(skip_all)]
    pub async fn active(
        &self,
        filter: &AppointmentFilter,
        limit: i64,
    ) -> sqlx::Result<Vec<Appointment>> {
        let mut query =
            QueryBuilder::<Postgres>::new(format!("SELECT {COLUMNS} FROM appointments"));
        push_filter(&mut query, filter);
        query
            .push(" AND status IN ('SCHEDULED', 'CHECKED_IN') ORDER BY starts_at, id LIMIT ")
            .push_bind(limit);
        into_appointments(query.build_query_as().fetch_all(&self.pool).await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn count(&self, filter: &AppointmentFilter) -> sqlx::Result<i64> {
        let mut query = QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM appointments");
        push_filter(&mut query, filter);
        query.build_query_scalar().fetch_one(&self.pool).await
    }

    /// The doctors' scheduled and checked-in appointments overlapping `[since, until)`:
    /// doctor, start and end. An appointment lasts at most [`MAX_DURATION_MINUTES`] (a
    /// column check), so only those starting that long before `since` can reach into it:
    /// the index on `(doctor_id, starts_at)` is read between two bounds, not from the
    /// doctor's first appointment ever.
    #[tracing::instrument(skip_all, fields(doctors = doctor_ids.len()))]
    pub async fn busy(
        &self,
        doctor_ids: &[Uuid],
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> sqlx::Result<Vec<(Uuid, Range)>> {
        let rows: Vec<(Uuid, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
            "SELECT doctor_id, starts_at, ends_at FROM appointments
             WHERE doctor_id = ANY($1) AND status IN ('SCHEDULED', 'CHECKED_IN')
               AND starts_at < $3 AND ends_at > $2 AND starts_at > $2 - make_interval(mins => $4)",
        )
        .bind(doctor_ids)
        .bind(since)
        .bind(until)
        .bind(MAX_DURATION_MINUTES)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(doctor, starts, ends)| (doctor, (starts, ends)))
            .collect())
    }

    /// The appointment, locked for update until the transaction ends.
    #[tracing::instrument(skip_all)]
    pub async fn lock(
        conn: &mut PgConnection,
        id: AppointmentId,
    ) -> sqlx::Result<Option<Appointment>> {
        let row: Option<AppointmentRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM appointments WHERE id = $1 FOR UPDATE"
        ))
        .bind(id)
        .fetch_optional(conn)
        .await?;
        row.map(Appointment::try_from).transpose()
    }

    /// Writes a new appointment and its outbox rows (event, audit record) in one statement (one round trip,
    /// atomic on its own). The exclusion constraints are what guarantee no double booking;
    /// the advisory locks taken first ([`booking_locks`]) only queue concurrent bookings of
    /// the same doctor or patient, sparing overlapping inserts from waiting on each other
    /// until PostgreSQL's deadlock detector breaks the tie (1 s).
    #[tracing::instrument(skip_all)]
    pub async fn book(
        &self,
        appointment: &Appointment,
        outbox_rows: &[OutboxRow],
    ) -> Result<(), AppointmentError> {
        let [first, second] = booking_locks(appointment.doctor_id(), appointment.patient_id());
        let mut query =
            QueryBuilder::<Postgres>::new("WITH locked AS (SELECT pg_advisory_xact_lock(");
        query
            .push_bind(first)
            .push("), pg_advisory_xact_lock(")
            .push_bind(second)
            .push(
                ")), booked AS (INSERT INTO appointments (id, patient_id, doctor_id,
                 doctor_specialization, service_type, local_date, local_time, duration_minutes,
                 starts_at, ends_at, status, notes, created_at, updated_at) SELECT ",
            );
        let mut values = query.separated(", ");
        values.push_bind(appointment.id());
        values.push_bind(appointment.patient_id());
        values.push_bind(appointment.doctor_id());
        values.push_bind(appointment.doctor_specialization());
        values.push_bind(appointment.service_type().as_str());
        values.push_bind(appointment.slot().date());
        values.push_bind(appointment.slot().time());
        values.push_bind(appointment.slot().duration_minutes());
        values.push_bind(appointment.slot().starts_at());
        values.push_bind(appointment.slot().ends_at());
        values.push_bind(appointment.status().as_str());
        values.push_bind(appointment.notes());
        values.push_bind(appointment.created_at());
        values.push_bind(appointment.updated_at());
        query.push(" FROM locked RETURNING id) ");
        outbox::push_insert_from(&mut query, outbox_rows, "booked");
        query.build().execute(&self.pool).await.map_err(clash)?;
        Ok(())
    }

    /// Queues this transaction behind others booking the same doctor or patient, as
    /// [`Self::book`] does, for a move to a new time inside a longer transaction.
    #[tracing::instrument(skip_all)]
    pub async fn serialize_bookings_of(
        conn: &mut PgConnection,
        doctor_id: DoctorId,
        patient_id: PatientId,
    ) -> sqlx::Result<()> {
        let [first, second] = booking_locks(doctor_id, patient_id);
        sqlx::query("SELECT pg_advisory_xact_lock($1), pg_advisory_xact_lock($2)")
            .bind(first)
            .bind(second)
            .execute(conn)
            .await
            .map(drop)
    }

    #[tracing::instrument(skip_all)]
    pub async fn update(
        conn: &mut PgConnection,
        appointment: &Appointment,
    ) -> Result<(), AppointmentError> {
        sqlx::query(
            "UPDATE appointments SET local_date = $2, local_time = $3, starts_at = $4, ends_at = $5,
                 status = $6, cancellation_reason = $7, updated_at = $8
             WHERE id = $1",
        )
        .bind(appointment.id())
        .bind(appointment.slot().date())
        .bind(appointment.slot().time())
        .bind(appointment.slot().starts_at())
        .bind(appointment.slot().ends_at())
        .bind(appointment.status().as_str())
        .bind(appointment.cancellation_reason())
        .bind(appointment.updated_at())
        .execute(conn)
        .await
        .map_err(clash)?;
        Ok(())
    }
}

/// Advisory-lock namespaces, so a doctor and a patient never share a key by construction.
const DOCTOR_LOCKS: i64 = 0x0D0C_7025_0000_0001;
const PATIENT_LOCKS: i64 = 0x1A71_E475_0000_0002;

/// The advisory locks of a booking, in the one global order every booking takes them in
/// (a PostgreSQL select list is evaluated left to right), so two bookings never wait on
/// each other's locks in a cycle.
fn booking_locks(doctor_id: DoctorId, patient_id: PatientId) -> [i64; 2] {
    let mut keys = [
        lock_key(doctor_id.uuid(), DOCTOR_LOCKS),
        lock_key(patient_id.uuid(), PATIENT_LOCKS),
    ];
    keys.sort_unstable();
    keys
}

/// A 64-bit lock key for `id` in `namespace`. Two ids sharing a key only serialize more
/// than needed; correctness never depends on it.
fn lock_key(id: Uuid, namespace: i64) -> i64 {
    let (high, low) = id.as_u64_pair();
    (high ^ low).cast_signed() ^ namespace
}

fn push_filter(query: &mut QueryBuilder<'_, Postgres>, filter: &AppointmentFilter) {
    query.push(" WHERE TRUE");
    if let Some(doctor_id) = filter.doctor_id {
        query.push(" AND doctor_id = ").push_bind(doctor_id);
    }
    if let Some(patient_id) = filter.patient_id {
        query.push(" AND patient_id = ").push_bind(patient_id);
    }
    if let Some(status) = filter.status {
        query.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(from) = filter.from {
        query.push(" AND local_date >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        query.push(" AND local_date <= ").push_bind(to);
    }
}

/// The exclusion constraints' violations, in the caller's words.
fn clash(error: sqlx::Error) -> AppointmentError {
    let code = error
        .as_database_error()
        .and_then(|db| db.code())
        .map(|code| code.into_owned());
    // Two overlapping inserts checking both constraints can wait on each other.
    if code.as_deref() == Some("40P01") {
        return AppointmentError::Contended;
    }
    let constraint = error
        .as_database_error()
        .filter(|_| code.as_deref() == Some("23P01"))
        .and_then(|db| db.constraint().map(str::to_owned));
    match constraint.as_deref() {
        Some("appointments_doctor_busy") => AppointmentError::Conflict {
            subject: Subject::Doctor,
            message: "the doctor already has an appointment at that time".to_owned(),
        },
        Some("appointments_patient_busy") => AppointmentError::Conflict {
            subject: Subject::Patient,
            message: "the patient already has an appointment at that time".to_owned(),
        },
        _ => error.into(),
    }
}
