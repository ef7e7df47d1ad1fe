//! The stored shapes: days, doctors' hours and events as documents.

use anyhow::Context as _;
use chrono::Utc;
use kit::events::CloudEvent;
use mongodb::{
    bson::{self, Document, RawDocumentBuf, cstr, doc, rawdoc},
    error::{ErrorKind, InsertManyError},
};
use uuid::Uuid;

use super::DUPLICATE_KEY;
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

/// An event as stored, but for its batch and the time it was stored (see [`stored_event`]):
/// the event itself as one JSON string, as it travelled. FerretDB 1.x decodes and encodes
/// every field of a document it stores; an event as a nested document cost it about 1 ms
/// of CPU, so analytics could store only about 1,000 events/s beside a booking load.
pub(super) fn event_document(topic: &str, event: &CloudEvent) -> anyhow::Result<RawDocumentBuf> {
    Ok(rawdoc! {
        "_id": event.id.to_string(),
        "topic": topic,
        "type": event.event_type.as_str(),
        "event": serde_json::to_string(event)?,
    })
}

/// A stored event, from its JSON string or (stored by versions before it was one) its
/// nested document.
pub(super) fn read_event_document(stored: &Document) -> anyhow::Result<CloudEvent> {
    if let Ok(json) = stored.get_str("event") {
        return Ok(serde_json::from_str(json)?);
    }
    let nested = stored.get_document("event")?.clone();
    let json = bson::deserialize_from_document::<serde_json::Value>(nested)?;
    Ok(serde_json::from_value(json)?)
}

/// `event` (from [`event_document`]) as stored by `batch_id`, now.
pub(super) fn stored_event(event: &RawDocumentBuf, batch_id: &str) -> RawDocumentBuf {
    let mut stored = event.clone();
    stored.append(cstr!("batch"), batch_id);
    stored.append(
        cstr!("stored"),
        bson::DateTime::from_millis(Utc::now().timestamp_millis()),
    );
    stored
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use uuid::Uuid;

    use super::*;
    use crate::domain::counter::{Counter, Group, MoneyTally, Name, StartTime, Tally};

    #[test]
    fn an_event_reads_back_as_it_was_stored_and_as_older_versions_stored_it() {
        let event = CloudEvent::new(
            "/appointments",
            event_contract::appointment::CREATED,
            "0197a1b2-0000-7000-8000-000000000001",
            serde_json::json!({ "appointment": { "durationMinutes": 30, "reason": "Check-up" } }),
        );
        let stored = stored_event(
            &event_document("appointment-events", &event).expect("writes"),
            "0197a1b2-0000-7000-8000-0000000000ff",
        );
        let stored = Document::try_from(stored).expect("a document");
        assert_eq!(
            stored.get_str("_id").ok(),
            Some(event.id.to_string().as_str())
        );
        assert_eq!(
            stored.get_str("type").ok(),
            Some("pms.appointment.created.v1")
        );
        assert_eq!(
            stored.get_str("batch").ok(),
            Some("0197a1b2-0000-7000-8000-0000000000ff")
        );
        assert_eq!(read_event_document(&stored).expect("reads"), event);

        let json = serde_json::to_value(&event).expect("json");
        let older = doc! {
            "_id": event.id.to_string(),
            "event": bson::serialize_to_document(&json).expect("bson"),
        };
        assert_eq!(read_event_document(&older).expect("reads"), event);
    }

    #[test]
    fn a_day_reads_back_as_it_was_written() {
        let date: NaiveDate = "2026-03-10".parse().expect("date");
        let mut day = Day::new(date);
        let name = |name: &str| Name::new(name).expect("name");
        let doctor: Uuid = "0197a1b2-0000-7000-8000-000000000001".parse().expect("id");
        let appointments = Counter::Appointments;
        for (counter, amount) in [
            (appointments(Group::All, Tally::Booked), 3),
            (appointments(Group::All, Tally::Minutes), 90),
            (Counter::Active(StartTime::new("09:30").expect("time")), 2),
            (appointments(Group::Doctor(doctor), Tally::NoShows), 1),
            (appointments(Group::Hour(9), Tally::Booked), 3),
            (Counter::PatientsRegistered, 4),
            (Counter::Revenue(MoneyTally::Billed), 16_050),
            (
                Counter::RevenueByPaymentType(name("CASH"), MoneyTally::Paid),
                8_000,
            ),
            (
                Counter::RevenueByServiceType(name("CONSULTATION"), MoneyTally::Billed),
                16_050,
            ),
            (
                appointments(Group::ServiceType(name("CONSULTATION")), Tally::Cancelled),
                1,
            ),
            (
                appointments(Group::Specialization(name("CARDIOLOGY")), Tally::Completed),
                2,
            ),
        ] {
            day.add(&counter, amount);
        }
        day.batches
            .push("0197a1b2-0000-7000-8000-0000000000ff".to_owned());
        let stored = day_document(&day).expect("writes");
        assert_eq!(stored.get_str("_id").ok(), Some("2026-03-10"));
        assert_eq!(read_day(stored).expect("reads"), day);
        assert_eq!(day.all.booked, 3);
        assert_eq!(day.hour["h09"].booked, 3);
        assert_eq!(day.active["t09:30"], 2);
        assert_eq!(day.doctor[&doctor.to_string()].no_shows, 1);
        assert_eq!(day.revenue_by_payment_type["CASH"].paid, 8_000);
    }
}
