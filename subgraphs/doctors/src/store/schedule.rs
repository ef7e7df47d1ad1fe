//! Weekly hours and schedule exceptions rows. Times are stored as minutes after midnight.

use std::collections::HashMap;

use chrono::{NaiveDate, Weekday};
use chrono_tz::Tz;
use kit::mysql::push_ids;
use schedule::{ClockTime, Exception, ExceptionKind, Schedule, Span, WeeklyHours, WeeklyInterval};
use sqlx::{MySql, MySqlConnection, QueryBuilder};
use uuid::Uuid;

use super::DoctorStore;

#[derive(sqlx::FromRow)]
struct IntervalRow {
    doctor_id: Uuid,
    valid_from: NaiveDate,
    weekday: Option<i8>,
    starts_minute: Option<i16>,
    ends_minute: Option<i16>,
}

#[derive(sqlx::FromRow)]
struct ExceptionRow {
    id: Uuid,
    doctor_id: Uuid,
    kind: String,
    date: NaiveDate,
    starts_minute: Option<i16>,
    ends_minute: Option<i16>,
    reason: Option<String>,
}

const EXCEPTION_COLUMNS: &str = "id, doctor_id, kind, date, starts_minute, ends_minute, reason";

fn corrupt(what: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("working hours row: {what}").into())
}

fn span(starts: i16, ends: i16) -> sqlx::Result<Span> {
    let time = |minutes: i16| {
        u16::try_from(minutes)
            .ok()
            .and_then(ClockTime::from_minutes)
            .ok_or_else(|| corrupt(format!("minute {minutes} is not within a day")))
    };
    Span::new("row", time(starts)?, time(ends)?).map_err(corrupt)
}

fn minutes(time: ClockTime) -> i16 {
    // At most 1440.
    time.minutes() as i16
}

impl TryFrom<ExceptionRow> for (Uuid, Exception) {
    type Error = sqlx::Error;

    fn try_from(row: ExceptionRow) -> sqlx::Result<Self> {
        let kind = ExceptionKind::from_name(&row.kind)
            .ok_or_else(|| corrupt(format!("unknown kind {:?}", row.kind)))?;
        let span = match (row.starts_minute, row.ends_minute) {
            (Some(starts), Some(ends)) => Some(span(starts, ends)?),
            _ => None,
        };
        let exception =
            Exception::new(row.id, kind, row.date, span, row.reason.as_deref()).map_err(corrupt)?;
        Ok((row.doctor_id, exception))
    }
}

/// Groups interval rows (ordered by doctor and date) into each doctor's patterns.
fn into_patterns(rows: Vec<IntervalRow>) -> sqlx::Result<HashMap<Uuid, Vec<WeeklyHours>>> {
    let mut grouped: HashMap<(Uuid, NaiveDate), Vec<WeeklyInterval>> = HashMap::new();
    for row in rows {
        let intervals = grouped.entry((row.doctor_id, row.valid_from)).or_default();
        // A pattern without intervals comes back as one row of NULLs (LEFT JOIN).
        if let (Some(weekday), Some(starts), Some(ends)) =
            (row.weekday, row.starts_minute, row.ends_minute)
        {
            let weekday = u8::try_from(weekday)
                .ok()
                .filter(|day| (1..=7).contains(day))
                .and_then(|day| Weekday::try_from(day - 1).ok())
                .ok_or_else(|| corrupt(format!("weekday {weekday}")))?;
            intervals.push(WeeklyInterval {
                weekday,
                span: span(starts, ends)?,
            });
        }
    }
    let mut patterns: HashMap<Uuid, Vec<WeeklyHours>> = HashMap::new();
    for ((doctor_id, valid_from), intervals) in grouped {
        let week = WeeklyHours::new("row", valid_from, intervals).map_err(corrupt)?;
        patterns.entry(doctor_id).or_default().push(week);
    }
    Ok(patterns)
}

impl DoctorStore {
    /// The schedules of `ids` from `from` to `to` (inclusive): every pattern in force on one
    /// of those dates and the exceptions on them. Doctors without rows get an empty schedule.
    #[tracing::instrument(skip_all, fields(count = ids.len()))]
    pub async fn schedules(
        &self,
        ids: &[Uuid],
        from: NaiveDate,
        to: NaiveDate,
        zone: Tz,
    ) -> sqlx::Result<HashMap<Uuid, Schedule>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut query = QueryBuilder::<MySql>::new(
            "SELECT h.doctor_id, h.valid_from, i.weekday, i.starts_minute, i.ends_minute
             FROM weekly_hours h LEFT JOIN weekly_intervals i
               ON i.doctor_id = h.doctor_id AND i.valid_from = h.valid_from
             WHERE h.valid_from <= ",
        );
        query.push_bind(to).push(" AND h.doctor_id IN (");
        push_ids(&mut query, ids);
        query.push(")");
        let rows: Vec<IntervalRow> = query.build_query_as().fetch_all(self.pool()).await?;
        let mut patterns = into_patterns(rows)?;

        let mut query = QueryBuilder::<MySql>::new(format!(
            "SELECT {EXCEPTION_COLUMNS} FROM schedule_exceptions WHERE date BETWEEN "
        ));
        query
            .push_bind(from)
            .push(" AND ")
            .push_bind(to)
            .push(" AND doctor_id IN (");
        push_ids(&mut query, ids);
        query.push(") ORDER BY date, starts_minute");
        let rows: Vec<ExceptionRow> = query.build_query_as().fetch_all(self.pool()).await?;
        let mut exceptions: HashMap<Uuid, Vec<Exception>> = HashMap::new();
        for row in rows {
            let (doctor_id, exception) = row.try_into()?;
            exceptions.entry(doctor_id).or_default().push(exception);
        }

        Ok(ids
            .iter()
            .map(|id| {
                let mut weeks = patterns.remove(id).unwrap_or_default();
                weeks.sort_by_key(WeeklyHours::valid_from);
                // Patterns replaced before `from` say nothing about the range.
                let in_force = weeks.iter().rposition(|week| week.valid_from() <= from);
                weeks.drain(..in_force.unwrap_or(0));
                let schedule =
                    Schedule::new(zone, weeks, exceptions.remove(id).unwrap_or_default());
                (*id, schedule)
            })
            .collect())
    }

    /// Bumps the doctor's `schedule_version`: call it in the transaction of every change of
    /// their hours.
    #[tracing::instrument(skip_all)]
    pub async fn schedule_changed(conn: &mut MySqlConnection, doctor_id: Uuid) -> sqlx::Result<()> {
        sqlx::query("UPDATE doctors SET schedule_version = schedule_version + 1 WHERE id = ?")
            .bind(doctor_id)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Stores `week` for the doctor, replacing a pattern starting on the same date.
    #[tracing::instrument(skip_all)]
    pub async fn put_weekly_hours(
        conn: &mut MySqlConnection,
        doctor_id: Uuid,
        week: &WeeklyHours,
    ) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM weekly_hours WHERE doctor_id = ? AND valid_from = ?")
            .bind(doctor_id)
            .bind(week.valid_from())
            .execute(&mut *conn)
            .await?;
        sqlx::query("INSERT INTO weekly_hours (doctor_id, valid_from) VALUES (?, ?)")
            .bind(doctor_id)
            .bind(week.valid_from())
            .execute(&mut *conn)
            .await?;
        if week.intervals().is_empty() {
            return Ok(());
        }
        let mut insert = QueryBuilder::<MySql>::new(
            "INSERT INTO weekly_intervals (doctor_id, valid_from, weekday, starts_minute, ends_minute) ",
        );
        insert.push_values(week.intervals(), |mut row, interval| {
            // Monday 1 to Sunday 7 fits.
            row.push_bind(doctor_id)
                .push_bind(week.valid_from())
                .push_bind(interval.weekday.number_from_monday() as i8)
                .push_bind(minutes(interval.span.starts()))
                .push_bind(minutes(interval.span.ends()));
        });
        insert.build().execute(conn).await?;
        Ok(())
    }

    /// The doctor's exceptions on `date` (under the doctor's lock, to check for clashes).
    #[tracing::instrument(skip_all)]
    pub async fn exceptions_on(
        conn: &mut MySqlConnection,
        doctor_id: Uuid,
        date: NaiveDate,
    ) -> sqlx::Result<Vec<Exception>> {
        let rows: Vec<ExceptionRow> = sqlx::query_as(&format!(
            "SELECT {EXCEPTION_COLUMNS} FROM schedule_exceptions WHERE doctor_id = ? AND date = ?"
        ))
        .bind(doctor_id)
        .bind(date)
        .fetch_all(conn)
        .await?;
        rows.into_iter()
            .map(|row| <(Uuid, Exception)>::try_from(row).map(|(_, exception)| exception))
            .collect()
    }

    #[tracing::instrument(skip_all)]
    pub async fn insert_exception(
        conn: &mut MySqlConnection,
        doctor_id: Uuid,
        exception: &Exception,
    ) -> sqlx::Result<()> {
        let span = (!exception.is_whole_day()).then(|| exception.span());
        sqlx::query(
            "INSERT INTO schedule_exceptions (id, doctor_id, kind, date, starts_minute, ends_minute, reason)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(exception.id)
        .bind(doctor_id)
        .bind(exception.kind.as_str())
        .bind(exception.date)
        .bind(span.map(|span| minutes(span.starts())))
        .bind(span.map(|span| minutes(span.ends())))
        .bind(exception.reason())
        .execute(conn)
        .await?;
        Ok(())
    }

    /// The exception with this id and its doctor, if there is one.
    #[tracing::instrument(skip_all)]
    pub async fn find_exception(
        conn: &mut MySqlConnection,
        id: Uuid,
    ) -> sqlx::Result<Option<(Uuid, Exception)>> {
        let row: Option<ExceptionRow> = sqlx::query_as(&format!(
            "SELECT {EXCEPTION_COLUMNS} FROM schedule_exceptions WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(conn)
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    #[tracing::instrument(skip_all)]
    pub async fn delete_exception(conn: &mut MySqlConnection, id: Uuid) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM schedule_exceptions WHERE id = ?")
            .bind(id)
            .execute(conn)
            .await?;
        Ok(())
    }
}
