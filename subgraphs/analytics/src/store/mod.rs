//! MongoDB: the event store and the per-day statistics, kept exact without transactions.
//!
//! Collections, each with only its `_id` index (every read and write goes by `_id`):
//! - `events`: every event once (as a JSON string), `_id` = its CloudEvents id, with its
//!   topic and the batch that stored it. The unique `_id` is the deduplication: inserting
//!   an event again fails, and an event that fails to insert is not counted again.
//! - `days`: one document per clinic date, `_id` = `YYYY-MM-DD`, holding the counters of
//!   [`crate::domain::contribution`] and the marks of the unfinished batches counted in it.
//! - `batches`: the batches noted and not finished, with their events' ids.
//! - `hours`: one document per doctor, `_id` = the doctor's id, holding the working hours
//!   of [`crate::domain::hours`] (from the doctors' schedule events).
//!
//! A batch is applied in steps, each idempotent: (1) note the batch, (2) insert its events
//!   (duplicates drop out), (3) write each day it touches with the new counts and the
//!   batch's mark, skipping days that carry the mark already, and each doctor whose hours
//!   its new events change (a change sets a state, so applying it again is harmless),
//!   (4) delete the note. A crash
//!   between steps leaves the note; when one of its events comes again (Kafka redelivers
//!   what was not committed), or at start-up, the batch is applied again from the event
//!   store, and the days already marked skip it.
//!
//! One writer, and reads from memory: the process keeps every day in a read model, loaded
//! at start and updated by its own writes; queries read it (a year is 365 documents, so a
//! query costs microseconds). This needs the process to be the only writer: run one
//! analytics instance, with as many consumers inside it as wanted (`ANALYTICS_CONSUMERS`).
//! With FerretDB 1.x (the server provisioned here) there is no other choice: it applies an
//! update as read, modify, write without isolation, so concurrent updates of one document
//! lose some (50 tasks each doing 20 `$inc` of one counter left 93, not 1,000).
//!
//! Here: the store, its read model and what every part shares; [`batches`]: the steps of a
//! batch; [`hours`]: doctors' working hours; [`rebuild`]: from the event store;
//! [`documents`]: the stored shapes.

mod batches;
mod documents;
mod hours;
mod rebuild;

pub(crate) use documents::only_duplicates;
use documents::read_day;
pub use rebuild::RebuildReport;

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::{Arc, RwLock},
    time::Duration,
};

use anyhow::Context as _;
use chrono::NaiveDate;
use futures::TryStreamExt as _;
use kit::{events::CloudEvent, server::Probe, settings::Secret};
use mongodb::{
    Client, Collection, Database,
    bson::{self, Document, RawDocumentBuf, doc},
    options::ClientOptions,
};
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::domain::{
    Contribution, DateRange, Day, DoctorHours, HoursChange, Reading, contribution, hours_change,
};

const EVENTS: &str = "events";
const DAYS: &str = "days";
const BATCHES: &str = "batches";
const HOURS: &str = "hours";
const DUPLICATE_KEY: i32 = 11000;
/// Statements per `update` command (see [`StatsStore::apply`]).
const UPDATES_PER_COMMAND: usize = 50;
/// Events per `insert` command (FerretDB writes them 100 to a transaction).
const INSERTS_PER_COMMAND: usize = 1_000;

/// An event checked and translated, ready to be stored: only its id, its stored form and
/// what it contributes are kept (a batch holds up to `ANALYTICS_BATCH_SIZE` of them, and the
/// parsed event took several times the memory of its stored form).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub id: Uuid,
    /// The event as stored (see [`documents::event_document`]), without its batch.
    event: RawDocumentBuf,
    pub contribution: Contribution,
    pub hours: Option<HoursChange>,
}

impl Prepared {
    pub fn new(topic: &str, event: CloudEvent, reading: &Reading) -> Result<Self, String> {
        let (contribution, hours) = read_event(&event, reading)?;
        Ok(Self {
            id: event.id,
            event: documents::event_document(topic, &event).map_err(|error| error.to_string())?,
            contribution,
            hours,
        })
    }
}

/// What an event adds to the days, and how it changes a doctor's hours.
fn read_event(
    event: &CloudEvent,
    reading: &Reading,
) -> Result<(Contribution, Option<HoursChange>), String> {
    Ok((contribution(event, reading)?, hours_change(event)?))
}

/// Connects with short timeouts, so an unreachable server fails requests promptly.
pub async fn connect(url: &Secret, database: &str) -> anyhow::Result<Database> {
    let mut options = ClientOptions::parse(url.expose())
        .await
        .map_err(|_| anyhow::anyhow!("the analytics MongoDB URL is not valid"))?;
    options.app_name = Some("analytics".to_owned());
    options.server_selection_timeout = Some(Duration::from_secs(3));
    options.connect_timeout = Some(Duration::from_secs(3));
    let client = Client::with_options(options).context("cannot create the MongoDB client")?;
    let db = client.database(database);
    db.run_command(doc! { "ping": 1 })
        .await
        .context("cannot reach the analytics MongoDB server")?;
    Ok(db)
}

#[derive(Clone)]
pub struct StatsStore {
    db: Database,
    reading: Reading,
    /// Held by every write to `days` (see the module documentation).
    writer: Arc<Mutex<()>>,
    /// Every day, as stored (see the module documentation).
    cache: Arc<RwLock<BTreeMap<NaiveDate, Day>>>,
    /// Every doctor's hours, as stored.
    hours: Arc<RwLock<HashMap<Uuid, DoctorHours>>>,
    /// Batches noted and not finished: their marks stay on the days.
    in_flight: Arc<std::sync::Mutex<BTreeSet<String>>>,
}

/// A batch whose events are stored, and what its new events contribute.
#[derive(Debug, Clone)]
pub struct Noted {
    pub id: String,
    pub total: Contribution,
    /// The new events' changes of hours, in order.
    pub hours: Vec<HoursChange>,
}

impl StatsStore {
    pub fn new(db: Database, reading: Reading) -> Self {
        Self {
            db,
            reading,
            writer: Arc::default(),
            cache: Arc::default(),
            hours: Arc::default(),
            in_flight: Arc::default(),
        }
    }

    pub fn reading(&self) -> &Reading {
        &self.reading
    }

    fn events(&self) -> Collection<Document> {
        self.db.collection(EVENTS)
    }

    fn days_collection(&self) -> Collection<Document> {
        self.db.collection(DAYS)
    }

    fn batches(&self) -> Collection<Document> {
        self.db.collection(BATCHES)
    }

    fn hours_collection(&self) -> Collection<Document> {
        self.db.collection(HOURS)
    }

    /// `/ready` check: the server answers a ping.
    pub fn probe(&self) -> Probe {
        let db = self.db.clone();
        std::sync::Arc::new(move || {
            let db = db.clone();
            Box::pin(async move {
                db.run_command(doc! { "ping": 1 })
                    .await
                    .map(drop)
                    .map_err(|_| "database unreachable".to_owned())
            })
        })
    }

    /// Writes `documents` into `collection`, each whole by its `_id` (inserted or replaced).
    async fn write_whole(
        &self,
        collection: &str,
        documents: Vec<Document>,
        what: &str,
    ) -> anyhow::Result<()> {
        let updates: Vec<Document> = documents
            .into_iter()
            .map(|document| {
                let id = document.get("_id").cloned().unwrap_or(bson::Bson::Null);
                doc! { "q": { "_id": id }, "u": document, "upsert": true }
            })
            .collect();
        // FerretDB 1.x keeps a connection per statement of an `update` command until the
        // command ends, from a pool of 100: a longer command waits on itself forever.
        for chunk in updates.chunks(UPDATES_PER_COMMAND) {
            let reply = self
                .db
                .run_command(doc! { "update": collection, "updates": chunk, "ordered": true })
                .await
                .with_context(|| format!("cannot update {what}"))?;
            if let Ok(errors) = reply.get_array("writeErrors")
                && !errors.is_empty()
            {
                anyhow::bail!("{what} refused an update: {errors:?}");
            }
        }
        Ok(())
    }

    /// Loads every day and every doctor's hours into the read model, replacing it.
    #[tracing::instrument(skip_all)]
    pub async fn reload(&self) -> anyhow::Result<usize> {
        let _writer = self.writer.lock().await;
        let mut hours = HashMap::new();
        let mut cursor = self.hours_collection().find(doc! {}).await?;
        while let Some(document) = cursor.try_next().await? {
            let doctor = document
                .get_str("_id")
                .ok()
                .and_then(|id| id.parse::<Uuid>().ok())
                .context("an hours document's id is not a doctor id")?;
            let state = document
                .get_str("state")
                .context("an hours document has no `state`")?;
            let read: DoctorHours =
                serde_json::from_str(state).context("an hours document does not read")?;
            hours.insert(doctor, read);
        }
        *self
            .hours
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = hours;
        let stored: Vec<Document> = self
            .days_collection()
            .find(doc! {})
            .await?
            .try_collect()
            .await?;
        let mut days = BTreeMap::new();
        for document in stored {
            let day = read_day(document)?;
            let date = day
                .date
                .parse::<NaiveDate>()
                .with_context(|| format!("a day document has the id {:?}", day.date))?;
            days.insert(date, day);
        }
        let count = days.len();
        *self
            .cache
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = days;
        Ok(count)
    }

    /// Runs `read` over the days of `range` that have statistics, in order, from the read
    /// model.
    pub fn with_days<T>(&self, range: DateRange, read: impl FnOnce(&[&Day]) -> T) -> T {
        let cache = self
            .cache
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let days: Vec<&Day> = cache
            .range(range.from..=range.to)
            .map(|(_, day)| day)
            .collect();
        read(&days)
    }

    /// What a stored event contributes and how it changes hours; `None` (logged) when it no
    /// longer reads.
    fn read_stored(&self, stored: Document) -> Option<(Contribution, Option<HoursChange>)> {
        let id = stored.get_str("_id").unwrap_or("?").to_owned();
        let read = documents::read_event_document(&stored)
            .map_err(|error| error.to_string())
            .and_then(|event| read_event(&event, &self.reading));
        match read {
            Ok(read) => Some(read),
            Err(error) => {
                tracing::warn!(event_id = %id, %error, "stored event skipped");
                None
            }
        }
    }
}
