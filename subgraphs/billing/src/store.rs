//! Bill rows in PostgreSQL. The only module that writes SQL.

use chrono::{DateTime, Utc};
use kit::pagination::Page;
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::domain::{Bill, BillStatus, PaymentType};

const COLUMNS: &str = "id, appointment_id, patient_id, service_type, amount, currency, status, payment_type, created_at, paid_at";

#[derive(sqlx::FromRow)]
struct BillRow {
    id: Uuid,
    appointment_id: Uuid,
    patient_id: Uuid,
    service_type: String,
    amount: Decimal,
    currency: String,
    status: String,
    payment_type: Option<String>,
    created_at: DateTime<Utc>,
    paid_at: Option<DateTime<Utc>>,
}

impl TryFrom<BillRow> for Bill {
    type Error = sqlx::Error;

    fn try_from(row: BillRow) -> Result<Self, Self::Error> {
        let unknown = |column: &str, value: &str| {
            sqlx::Error::Decode(format!("unknown {column} {value:?} in bills").into())
        };
        Ok(Self {
            status: BillStatus::from_name(&row.status)
                .ok_or_else(|| unknown("status", &row.status))?,
            payment_type: row
                .payment_type
                .map(|name| {
                    PaymentType::from_name(&name).ok_or_else(|| unknown("payment_type", &name))
                })
                .transpose()?,
            id: row.id,
            appointment_id: row.appointment_id,
            patient_id: row.patient_id,
            service_type: row.service_type,
            amount: row.amount,
            currency: row.currency,
            created_at: row.created_at,
            paid_at: row.paid_at,
        })
    }
}

fn into_bills(rows: Vec<BillRow>) -> sqlx::Result<Vec<Bill>> {
    rows.into_iter().map(Bill::try_from).collect()
}

/// Which bills a listing returns: one patient's, in one status, or all.
#[derive(Clone, Copy, Debug, Default)]
pub struct BillFilter {
    pub patient_id: Option<Uuid>,
    pub status: Option<BillStatus>,
}

impl BillFilter {
    fn push_to(self, query: &mut QueryBuilder<'_, Postgres>) {
        query.push(" WHERE TRUE");
        if let Some(patient_id) = self.patient_id {
            query.push(" AND patient_id = ").push_bind(patient_id);
        }
        if let Some(status) = self.status {
            query.push(" AND status = ").push_bind(status.as_str());
        }
    }
}

#[derive(Clone, Debug)]
pub struct BillStore {
    pool: PgPool,
}

impl BillStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Bills with these ids, in one query.
    #[tracing::instrument(skip_all, fields(count = ids.len()))]
    pub async fn find_many(&self, ids: &[Uuid]) -> sqlx::Result<Vec<Bill>> {
        into_bills(
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM bills WHERE id = ANY($1)"))
                .bind(ids)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The bills of these appointments, in one query.
    #[tracing::instrument(skip_all)]
    pub async fn find_by_appointments(&self, appointment_ids: &[Uuid]) -> sqlx::Result<Vec<Bill>> {
        into_bills(
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM bills WHERE appointment_id = ANY($1)"
            ))
            .bind(appointment_ids)
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// A page of the bills matching `filter`, by id (creation order).
    #[tracing::instrument(skip_all)]
    pub async fn list(&self, filter: BillFilter, page: Page) -> sqlx::Result<Vec<Bill>> {
        let mut query = QueryBuilder::<Postgres>::new(format!("SELECT {COLUMNS} FROM bills"));
        filter.push_to(&mut query);
        if let Some(after) = page.after {
            query.push(" AND id > ").push_bind(after);
        }
        query
            .push(" ORDER BY id LIMIT ")
            .push_bind(page.fetch_limit());
        into_bills(query.build_query_as().fetch_all(&self.pool).await?)
    }

    /// How many bills match `filter`.
    #[tracing::instrument(skip_all)]
    pub async fn count(&self, filter: BillFilter) -> sqlx::Result<i64> {
        let mut query = QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM bills");
        filter.push_to(&mut query);
        query.build_query_scalar().fetch_one(&self.pool).await
    }

    /// What a patient owes: the sum of their unpaid bills.
    #[tracing::instrument(skip_all)]
    pub async fn balance(&self, patient_id: Uuid) -> sqlx::Result<Decimal> {
        let owed: Option<Decimal> = sqlx::query_scalar(
            "SELECT SUM(amount) FROM bills WHERE patient_id = $1 AND status = 'UNPAID'",
        )
        .bind(patient_id)
        .fetch_one(&self.pool)
        .await?;
        let mut owed = owed.unwrap_or_default();
        owed.rescale(2);
        Ok(owed)
    }

    /// Records `event_id` as processed; false when it already was (a redelivery).
    #[tracing::instrument(skip_all)]
    pub async fn claim_event(conn: &mut PgConnection, event_id: Uuid) -> sqlx::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING",
        )
        .bind(event_id)
        .execute(conn)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    /// Inserts the appointment's bill unless it has one; true when inserted.
    #[tracing::instrument(skip_all)]
    pub async fn insert(conn: &mut PgConnection, bill: &Bill) -> sqlx::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO bills (id, appointment_id, patient_id, service_type, amount, currency, status, created_at, voided_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $7 = 'VOID' THEN $8 END)
             ON CONFLICT (appointment_id) DO NOTHING",
        )
        .bind(bill.id)
        .bind(bill.appointment_id)
        .bind(bill.patient_id)
        .bind(&bill.service_type)
        .bind(bill.amount)
        .bind(&bill.currency)
        .bind(bill.status.as_str())
        .bind(bill.created_at)
        .execute(conn)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    /// Voids the appointment's bill if it is unpaid; returns it when voided.
    #[tracing::instrument(skip_all)]
    pub async fn void_unpaid(
        conn: &mut PgConnection,
        appointment_id: Uuid,
    ) -> sqlx::Result<Option<Bill>> {
        let row: Option<BillRow> = sqlx::query_as(&format!(
            "UPDATE bills SET status = 'VOID', voided_at = now()
             WHERE appointment_id = $1 AND status = 'UNPAID' RETURNING {COLUMNS}"
        ))
        .bind(appointment_id)
        .fetch_optional(conn)
        .await?;
        row.map(Bill::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    pub async fn has_bill(conn: &mut PgConnection, appointment_id: Uuid) -> sqlx::Result<bool> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM bills WHERE appointment_id = $1)")
            .bind(appointment_id)
            .fetch_one(conn)
            .await
    }

    /// Remembers a cancellation that arrived before its booking.
    #[tracing::instrument(skip_all)]
    pub async fn remember_cancellation(
        conn: &mut PgConnection,
        appointment_id: Uuid,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO early_cancellations (appointment_id) VALUES ($1) ON CONFLICT DO NOTHING",
        )
        .bind(appointment_id)
        .execute(conn)
        .await
        .map(drop)
    }

    #[tracing::instrument(skip_all)]
    pub async fn was_cancelled_early(
        conn: &mut PgConnection,
        appointment_id: Uuid,
    ) -> sqlx::Result<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM early_cancellations WHERE appointment_id = $1)",
        )
        .bind(appointment_id)
        .fetch_one(conn)
        .await
    }

    /// Marks an unpaid bill paid, atomically: of concurrent payments, one wins.
    #[tracing::instrument(skip_all)]
    pub async fn pay(
        conn: &mut PgConnection,
        id: Uuid,
        payment: PaymentType,
    ) -> sqlx::Result<Option<Bill>> {
        let row: Option<BillRow> = sqlx::query_as(&format!(
            "UPDATE bills SET status = 'PAID', payment_type = $2, paid_at = now()
             WHERE id = $1 AND status = 'UNPAID' RETURNING {COLUMNS}"
        ))
        .bind(id)
        .bind(payment.as_str())
        .fetch_optional(conn)
        .await?;
        row.map(Bill::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    pub async fn status_of(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<BillStatus>> {
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM bills WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
        Ok(status.and_then(|status| BillStatus::from_name(&status)))
    }
}
