//! `GET /fhir/Patient/{id}/$everything`: the patient, their appointments, the doctors of
//! those and their invoices, in one Bundle, read page by page through the GraphQL API.

use serde::Deserialize;
use serde_json::json;

use crate::{
    App,
    model::{Bundle, BundleLink, Resource},
    outcome::FhirError,
    resources::{appointment, invoice, missing, patient, practitioner},
    search::{MAX_COUNT, entry},
    supergraph::{Caller, Connection},
};

/// The most appointments or invoices one answer holds; beyond, the caller pages through
/// the searches instead.
pub const MAX_RECORDS: usize = 1_000;

#[derive(Deserialize)]
struct Booked {
    #[serde(flatten)]
    appointment: appointment::AppointmentData,
    doctor: practitioner::DoctorData,
}

/// Every node of a connection, page by page, at most [`MAX_RECORDS`].
async fn every<T: for<'de> Deserialize<'de>>(
    app: &App,
    caller: &Caller,
    query: &str,
    field: &str,
    patient: &str,
) -> Result<Vec<T>, FhirError> {
    let mut nodes = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let variables = json!({ "patient": patient, "first": MAX_COUNT, "after": after });
        let mut data: std::collections::HashMap<String, Connection<T>> =
            app.supergraph.query(caller, query, variables).await?;
        let page = data.remove(field).ok_or_else(|| missing(field))?;
        if page.total_count as usize > MAX_RECORDS {
            return Err(FhirError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "too-costly",
                format!(
                    "The patient has {} {field}, more than the {MAX_RECORDS} one answer holds: page through `{}?patient={patient}` instead",
                    page.total_count,
                    if field == "bills" {
                        "Invoice"
                    } else {
                        "Appointment"
                    },
                ),
            ));
        }
        after = page.next_cursor().map(str::to_owned);
        nodes.extend(page.nodes);
        if after.is_none() {
            return Ok(nodes);
        }
    }
}

pub async fn everything(app: &App, caller: &Caller, id: &str) -> Result<Resource, FhirError> {
    let patient = patient::find(app, caller, id)
        .await?
        .ok_or_else(|| FhirError::not_found("Patient", id))?;
    let appointments_query = format!(
        "query($patient: ID!, $first: Int, $after: String) {{
            appointments(patientId: $patient, first: $first, after: $after) {{
                totalCount pageInfo {{ hasNextPage endCursor }}
                nodes {{ {} doctor {{ {} }} }}
            }}
        }}",
        appointment::FIELDS,
        practitioner::FIELDS
    );
    let booked: Vec<Booked> = every(app, caller, &appointments_query, "appointments", id).await?;
    let bills_query = format!(
        "query($patient: ID!, $first: Int, $after: String) {{
            bills(patientId: $patient, first: $first, after: $after) {{
                totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {} }}
            }}
        }}",
        invoice::fields(caller)
    );
    let bills: Vec<invoice::BillData> = every(app, caller, &bills_query, "bills", id).await?;

    let mut resources = vec![patient];
    let mut doctors = Vec::new();
    for Booked {
        appointment,
        doctor,
    } in booked
    {
        resources.push(appointment::to_fhir(appointment));
        if !doctors
            .iter()
            .any(|seen: &practitioner::DoctorData| seen.id == doctor.id)
        {
            doctors.push(doctor);
        }
    }
    resources.extend(doctors.into_iter().map(practitioner::practitioner));
    for bill in bills {
        resources.push(invoice::to_fhir(bill)?);
    }
    let base = &app.base_url;
    Ok(Resource::Bundle(Bundle {
        kind: "searchset",
        total: resources.len() as u64,
        link: vec![BundleLink {
            relation: "self",
            url: format!("{base}/Patient/{id}/$everything"),
        }],
        entry: resources
            .into_iter()
            .enumerate()
            .map(|(index, resource)| {
                entry(base, resource, if index == 0 { "match" } else { "include" })
            })
            .collect(),
    }))
}
