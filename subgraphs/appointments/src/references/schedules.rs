//! Doctors' working hours over a date range, for the free-slot search: one doctor by
//! reference, or every available doctor of a specialization through the doctors listing;
//! the hours themselves from the cache while each doctor's `scheduleVersion` stays.

use std::sync::Arc;

use chrono::NaiveDate;
use kit::context::RequestContext;
use schedule::Schedule;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::{References, unavailable};
use crate::error::AppointmentError;

/// Which doctors a search covers.
#[derive(Debug, Clone, Copy)]
pub enum Doctors<'a> {
    /// One doctor, if bookable.
    One(Uuid),
    /// These doctors, bookable or not (their appointments are checked against their hours).
    Many(&'a [Uuid]),
    /// A specialization's API name (`CARDIOLOGY`).
    Specialization(&'a str),
}

/// Pages of 100 read from the doctors listing at most: a specialization of up to 1,000
/// doctors is searched whole.
const MAX_PAGES: usize = 10;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DoctorState {
    id: Uuid,
    archived: bool,
    available: bool,
    schedule_version: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DoctorPage {
    page_info: PageInfo,
    nodes: Vec<DoctorState>,
}

impl References {
    /// The schedules from `from` to `to` of `doctors`, by doctor id: for one doctor or a
    /// specialization only the bookable ones (neither archived nor closed to appointments).
    #[tracing::instrument(skip_all, fields(?doctors, %from, %to))]
    pub async fn schedules(
        &self,
        doctors: Doctors<'_>,
        from: NaiveDate,
        to: NaiveDate,
        context: &RequestContext,
    ) -> Result<Vec<(Uuid, Arc<Schedule>)>, AppointmentError> {
        let fields = "id archived available scheduleVersion";
        let at = (self.doctors_url.as_str(), "doctors", context);
        let bookable_only = !matches!(doctors, Doctors::Many(_));
        let found: Vec<DoctorState> = match doctors {
            Doctors::Many(ids) => self
                .entities(at, "Doctor", ids, fields)
                .await?
                .into_iter()
                .flatten()
                .collect(),
            Doctors::One(id) => self
                .entity(at, "Doctor", id, fields)
                .await?
                .into_iter()
                .collect(),
            Doctors::Specialization(specialization) => {
                let query = format!(
                    "query($specialization: Specialization!, $after: String) {{
                        doctors(specialization: $specialization, available: true, first: 100, after: $after) {{
                            pageInfo {{ hasNextPage endCursor }} nodes {{ {fields} }}
                        }}
                    }}"
                );
                let mut found = Vec::new();
                let mut after: Option<String> = None;
                for _ in 0..MAX_PAGES {
                    let body = json!({
                        "query": query,
                        "variables": { "specialization": specialization, "after": after },
                    });
                    let mut data = self.post(at, &body).await?;
                    let page: DoctorPage = serde_json::from_value(data["doctors"].take())
                        .map_err(|error| unavailable("doctors", error.to_string()))?;
                    found.extend(page.nodes);
                    match page.page_info {
                        PageInfo {
                            has_next_page: true,
                            end_cursor: Some(cursor),
                        } => after = Some(cursor),
                        _ => break,
                    }
                }
                found
            }
        };
        let versions: Vec<(Uuid, i64)> = found
            .into_iter()
            .filter(|doctor| !bookable_only || (!doctor.archived && doctor.available))
            .map(|doctor| (doctor.id, doctor.schedule_version))
            .collect();
        let mut hours = self.hours(&versions, (from, to), context).await?;
        // In the listing's order; a doctor the second call no longer found is left out.
        Ok(versions
            .iter()
            .filter_map(|(id, _)| Some((*id, hours.remove(id)?)))
            .collect())
    }
}
