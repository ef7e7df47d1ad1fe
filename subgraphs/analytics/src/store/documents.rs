//! The stored shapes: days, doctors' hours and events as documents.

use anyhow::Context as _;
use chrono::Utc;
use mongodb::{
    bson::{self, Document, doc},
    error::{ErrorKind, InsertManyError},
};
use uuid::Uuid;

use super::{DUPLICATE_KEY, Prepared};
use crate::domain::{Day, DoctorHours};

/// True when an insert failed only because some documents exist already.
pub(crate) fn only_duplicates(error: &mongodb::error::Error) -> bool {
    matches!(
        &*error.kind,
        ErrorKind::InsertMany(InsertManyError {
            write_errors: Some(errors),
            write_concern_error: None,
            ..
        }) if errors.iter().all(|error| error.code == DUPLICATE_KEY)
    )
}

pub(super) fn read_day(document: Document) -> anyhow::Result<Day> {
    let state = document
        .get_str("state")
        .context("a day document has no `state`")?;
    serde_json::from_str(state).context("a day document does not read")
}

/// A day as stored: its `_id` and its whole state as one JSON string. FerretDB 1.x reads
/// every document of a collection to find one by `_id`, decoding each field; one string
/// field per day keeps that cheap (a year of days as nested documents made each write of a
/// day cost about 45 ms, as one string about 1 ms).
pub(super) fn day_document(day: &Day) -> anyhow::Result<Document> {
    Ok(doc! { "_id": &day.date, "state": serde_json::to_string(day)? })
}

/// A doctor's hours as stored: the doctor's id and the hours as one JSON string (as a day).
pub(super) fn hours_document(doctor: Uuid, hours: &DoctorHours) -> anyhow::Result<Document> {
    Ok(doc! { "_id": doctor.to_string(), "state": serde_json::to_string(hours)? })
}

pub(super) fn event_document(item: &Prepared, batch_id: &str) -> anyhow::Result<Document> {
    let json = serde_json::to_value(&item.event)?;
    let event = bson::serialize_to_document(&json).context("event does not convert to BSON")?;
    Ok(doc! {
        "_id": item.event.id.to_string(),
        "topic": &item.topic,
        "type": &item.event.event_type,
        "batch": batch_id,
        "stored": bson::DateTime::from_millis(Utc::now().timestamp_millis()),
        "event": event,
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn a_day_reads_back_as_it_was_written() {
        let date: NaiveDate = "2026-03-10".parse().expect("date");
        let mut day = Day::new(date);
        for (path, amount) in [
            ("all.booked", 3),
            ("all.minutes", 90),
            ("active.t09:30", 2),
            ("doctor.0197a1b2-0000-7000-8000-000000000001.noShows", 1),
            ("hour.h09.booked", 3),
            ("patients.registered", 4),
            ("revenue.billed", 16_050),
            ("revenueByPaymentType.CASH.paid", 8_000),
            ("revenueByServiceType.CONSULTATION.billed", 16_050),
            ("serviceType.CONSULTATION.cancelled", 1),
            ("specialization.CARDIOLOGY.completed", 2),
        ] {
            day.add(path, amount);
        }
        day.batches
            .push("0197a1b2-0000-7000-8000-0000000000ff".to_owned());
        let stored = day_document(&day).expect("writes");
        assert_eq!(stored.get_str("_id").ok(), Some("2026-03-10"));
        assert_eq!(read_day(stored).expect("reads"), day);
        assert_eq!(day.all.booked, 3);
        assert_eq!(day.revenue_by_payment_type["CASH"].paid, 8_000);
    }
}
