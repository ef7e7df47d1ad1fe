//! `Schedule` and `Slot`: each doctor's calendar is one Schedule (of the doctor's id), and
//! its free slots are the scheduling search's bookable start times. Slots are computed,
//! not stored: they are searched, never read by id.

use chrono::{Days, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::json;

use crate::{
    App,
    dates::DayRange,
    model::{Narrative, Reference, Resource, Schedule, Slot},
    outcome::FhirError,
    resources::{
        page,
        practitioner::{self, DoctorData, specialty, specialty_filter},
        referenced,
    },
    search::{Search, SearchParam},
    supergraph::Caller,
};

/// Days a Slot search covers when `start` leaves its end open; the most it may cover.
const DEFAULT_DAYS: u64 = 14;
const MAX_DAYS: i64 = 31;

pub const SCHEDULE_SEARCH: &[SearchParam] = &[
    SearchParam::id("The doctor's id (searched alone)."),
    SearchParam::new(
        "actor",
        "reference",
        "The doctor: `Practitioner/[id]` or the id (searched alone).",
    ),
];

pub const SLOT_SEARCH: &[SearchParam] = &[
    SearchParam::new("schedule", "reference", "The doctor's Schedule: `Schedule/[doctor id]` or the id. This or specialty is required."),
    SearchParam::new("specialty", "token", "Free slots of every available doctor of a specialty (SNOMED CT code, as PractitionerRole)."),
    SearchParam::new("start", "date", "Days in the clinic's time zone with eq, ge, gt, le or lt (as Appointment's date): at most 31 days; from today and 14 days on when open.")
        .repeating(),
    SearchParam::new("status", "token", "free: the only slots offered."),
];

pub fn to_fhir(doctor: DoctorData) -> Resource {
    let summary = format!(
        "{}'s calendar{}",
        doctor.name,
        if doctor.available && !doctor.archived {
            ""
        } else {
            " (not taking appointments)"
        }
    );
    Resource::Schedule(Schedule {
        text: Narrative::of(&summary),
        active: doctor.available && !doctor.archived,
        specialty: vec![specialty(&doctor.specialization)],
        actor: vec![Reference {
            reference: format!("Practitioner/{}", doctor.id),
            display: Some(doctor.name),
        }],
        id: doctor.id,
    })
}

pub async fn read(app: &App, caller: &Caller, id: &str) -> Result<Resource, FhirError> {
    practitioner::find(app, caller, id)
        .await?
        .map(to_fhir)
        .ok_or_else(|| FhirError::not_found("Schedule", id))
}

pub async fn search_schedules(
    app: &App,
    caller: &Caller,
    search: &Search,
) -> Result<Resource, FhirError> {
    if let Some(id) = search.alone_value("_id")? {
        return practitioner::one(app, caller, search, id, to_fhir).await;
    }
    if let Some(id) = referenced(search, "actor", "Practitioner")? {
        search.alone("actor")?;
        return practitioner::one(app, caller, search, id, to_fhir).await;
    }
    practitioner::list(app, caller, search, None, None, to_fhir).await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FreeSlot {
    doctor_id: String,
    starts_at: String,
    ends_at: String,
}

/// A slot's id: the doctor's and the start's digits (`<uuid>-202612011030`).
fn slot_id(slot: &FreeSlot) -> String {
    let digits: String = slot
        .starts_at
        .chars()
        .filter(char::is_ascii_digit)
        .take(12)
        .collect();
    format!("{}-{digits}", slot.doctor_id)
}

/// The days a Slot search covers: `start`'s range, closed and at most [`MAX_DAYS`].
fn days(search: &Search, today: NaiveDate) -> Result<Option<(NaiveDate, NaiveDate)>, FhirError> {
    let mut range = DayRange::default();
    for value in search.values("start") {
        range
            .narrow(value)
            .map_err(|why| search.refuse("start", why))?;
    }
    if range.is_empty() {
        return Ok(None);
    }
    let from = range.from.unwrap_or(today);
    let to = range.to.unwrap_or_else(|| {
        from.checked_add_days(Days::new(DEFAULT_DAYS - 1))
            .unwrap_or(from)
    });
    if (to - from).num_days() >= MAX_DAYS {
        return Err(search.refuse(
            "start",
            format!("Slots are searched {MAX_DAYS} days at a time: {from} to {to} is longer"),
        ));
    }
    Ok((from <= to).then_some((from, to)))
}

pub async fn search_slots(
    app: &App,
    caller: &Caller,
    search: &Search,
) -> Result<Resource, FhirError> {
    if let Some(status) = search.value("status")
        && status != "free"
    {
        return Err(search.refuse(
            "status",
            format!("`{status}`: only free slots are offered here (status=free)"),
        ));
    }
    let doctor = referenced(search, "schedule", "Schedule")?;
    let specialization = specialty_filter(search)?;
    if doctor.is_none() && specialization.is_none() {
        return Err(FhirError::invalid(
            "Give `schedule` (Schedule/[doctor id]) or `specialty`: free slots are searched for one doctor or one specialty",
        ));
    }
    let Some((from, to)) = days(
        search,
        Utc::now().with_timezone(&app.clinic_timezone).date_naive(),
    )?
    else {
        return Ok(super::bundle_of(app, search, None));
    };
    let query = "query($doctor: ID, $specialization: Specialization, $from: Date!, $to: Date!, $first: Int, $after: String) {
        freeSlots(doctorId: $doctor, specialization: $specialization, from: $from, to: $to, first: $first, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } nodes { doctorId startsAt endsAt }
        }
    }";
    let variables = json!({
        "doctor": doctor,
        "specialization": specialization,
        "from": from,
        "to": to,
    });
    page(
        app,
        caller,
        search,
        "freeSlots",
        query,
        variables,
        |slot: FreeSlot| {
            Ok(Resource::Slot(Slot {
                id: slot_id(&slot),
                text: Narrative::of(&format!("Free from {} to {}", slot.starts_at, slot.ends_at)),
                schedule: Reference::to("Schedule", &slot.doctor_id),
                status: "free",
                start: slot.starts_at,
                end: slot.ends_at,
            }))
        },
    )
    .await
}
