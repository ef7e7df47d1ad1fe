//! `Patient`: our patients. Contact details and the birth date come only for a token with
//! `patients:contact`; without it the resource has the name alone (instead of a refusal).

use serde::Deserialize;
use serde_json::json;

use crate::{
    App,
    dates::exact_day,
    model::{Address, ContactPoint, HumanName, Narrative, Patient, Resource},
    outcome::FhirError,
    resources::{page, record},
    search::{Search, SearchParam},
    supergraph::Caller,
};

pub const SEARCH: &[SearchParam] = &[
    SearchParam::id("The patient's id (searched alone)."),
    SearchParam::new(
        "name",
        "string",
        "Text anywhere in the name, in any case (with or without :contains). Active patients.",
    )
    .contains(),
    SearchParam::new(
        "email",
        "token",
        "The whole email address, in any case. Needs the patients:contact scope.",
    ),
    SearchParam::new(
        "birthdate",
        "date",
        "The birth date, a whole day (YYYY-MM-DD, prefix eq or none). Needs the patients:contact scope.",
    ),
];

/// What a Patient is built from.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientData {
    id: String,
    name: String,
    archived: bool,
    email: Option<String>,
    phone: Option<String>,
    date_of_birth: Option<String>,
    address: Option<String>,
}

/// The fields the caller may see.
pub fn fields(caller: &Caller) -> &'static str {
    if caller.claims_scope("patients:contact") {
        "id name archived email phone dateOfBirth address"
    } else {
        "id name archived"
    }
}

pub fn to_fhir(patient: PatientData) -> Resource {
    let mut telecom = Vec::new();
    if let Some(email) = patient.email {
        telecom.push(ContactPoint {
            system: "email",
            value: email,
        });
    }
    if let Some(phone) = patient.phone {
        telecom.push(ContactPoint {
            system: "phone",
            value: phone,
        });
    }
    let summary = match &patient.date_of_birth {
        Some(born) => format!("{}, born {born}", patient.name),
        None => patient.name.clone(),
    };
    Resource::Patient(Patient {
        id: patient.id,
        text: Narrative::of(&summary),
        active: !patient.archived,
        name: vec![HumanName { text: patient.name }],
        telecom,
        birth_date: patient.date_of_birth,
        address: patient
            .address
            .into_iter()
            .map(|text| Address { text })
            .collect(),
    })
}

/// The patient `id`, archived ones included (`active: false`).
pub async fn find(app: &App, caller: &Caller, id: &str) -> Result<Option<Resource>, FhirError> {
    let found: Option<PatientData> = record(app, caller, "patient", fields(caller), id).await?;
    Ok(found.map(to_fhir))
}

pub async fn read(app: &App, caller: &Caller, id: &str) -> Result<Resource, FhirError> {
    find(app, caller, id)
        .await?
        .ok_or_else(|| FhirError::not_found("Patient", id))
}

pub async fn search(app: &App, caller: &Caller, search: &Search) -> Result<Resource, FhirError> {
    if let Some(id) = search.alone_value("_id")? {
        return Ok(super::bundle_of(app, search, find(app, caller, id).await?));
    }
    let born = search
        .value("birthdate")
        .map(exact_day)
        .transpose()
        .map_err(|why| search.refuse("birthdate", why))?;
    let query = format!(
        "query($name: String, $email: String, $born: Date, $first: Int, $after: String) {{
            patients(name: $name, email: $email, dateOfBirth: $born, first: $first, after: $after) {{
                totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {} }}
            }}
        }}",
        fields(caller)
    );
    let variables = json!({
        "name": search.value("name"),
        "email": search.value("email"),
        "born": born,
    });
    page(
        app,
        caller,
        search,
        "patients",
        &query,
        variables,
        |patient| Ok(to_fhir(patient)),
    )
    .await
}
