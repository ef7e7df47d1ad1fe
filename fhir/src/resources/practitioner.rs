//! `Practitioner` and `PractitionerRole`: our doctors. Each doctor is one Practitioner and
//! one PractitionerRole of the same id, whose `specialty` is the doctor's specialization as
//! a SNOMED CT code (the table below; R4's preferred value set for it is
//! `c80-practice-codes`, which has every one of ours but pediatrics).

use serde::Deserialize;
use serde_json::json;

use crate::{
    App,
    model::{
        CodeableConcept, Coding, ContactPoint, HumanName, Narrative, Practitioner,
        PractitionerRole, Reference, Resource,
    },
    outcome::FhirError,
    resources::{page, record, referenced},
    search::{Search, SearchParam},
    supergraph::Caller,
};

pub const SNOMED: &str = "http://snomed.info/sct";

/// Our specializations, their SNOMED CT codes and displays.
pub const SPECIALTIES: [(&str, &str, &str); 13] = [
    ("GENERAL_PRACTICE", "394814009", "General practice"),
    ("CARDIOLOGY", "394579002", "Cardiology"),
    ("DERMATOLOGY", "394582007", "Dermatology"),
    ("NEUROLOGY", "394591006", "Neurology"),
    ("PEDIATRICS", "394537008", "Pediatric specialty"),
    ("ORTHOPEDICS", "394801008", "Surgery-Trauma and orthopedics"),
    ("PSYCHIATRY", "394587001", "Psychiatry"),
    ("RADIOLOGY", "394914008", "Radiology"),
    ("ONCOLOGY", "394593009", "Medical oncology"),
    ("GYNECOLOGY", "394586005", "Gynecology"),
    ("OPHTHALMOLOGY", "394594003", "Ophthalmology"),
    ("UROLOGY", "394612005", "Urology"),
    ("ENT", "418960008", "Otolaryngology"),
];

pub const PRACTITIONER_SEARCH: &[SearchParam] = &[
    SearchParam::id("The doctor's id (searched alone)."),
    SearchParam::new(
        "name",
        "string",
        "Text anywhere in the name, in any case (with or without :contains). Active doctors.",
    )
    .contains(),
];

pub const ROLE_SEARCH: &[SearchParam] = &[
    SearchParam::id("The doctor's id (searched alone)."),
    SearchParam::new(
        "specialty",
        "token",
        "A SNOMED CT code of the README's table (`394579002` or `http://snomed.info/sct|394579002`). Active doctors.",
    ),
    SearchParam::new(
        "practitioner",
        "reference",
        "The doctor: `Practitioner/[id]` or the id (searched alone).",
    ),
];

pub const FIELDS: &str = "id name email phoneNumber gender specialization available archived";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DoctorData {
    pub id: String,
    pub name: String,
    email: String,
    phone_number: String,
    gender: String,
    pub specialization: String,
    pub available: bool,
    pub archived: bool,
}

/// The SNOMED CT coding of a specialization.
pub fn specialty(specialization: &str) -> CodeableConcept {
    match SPECIALTIES
        .iter()
        .find(|(ours, _, _)| *ours == specialization)
    {
        Some((_, code, display)) => CodeableConcept {
            coding: vec![Coding {
                system: SNOMED,
                code,
                display,
            }],
            text: Some((*display).to_owned()),
        },
        None => CodeableConcept::text(specialization),
    }
}

/// Our specialization a `specialty` search parameter names, if given.
pub fn specialty_filter(search: &Search) -> Result<Option<&'static str>, FhirError> {
    let Some(value) = search.value("specialty") else {
        return Ok(None);
    };
    specialization_of(value).map(Some).ok_or_else(|| {
        search.refuse(
            "specialty",
            format!("`{value}` is none of our specialties: give a SNOMED CT code of the README's table, e.g. 394579002 (Cardiology)"),
        )
    })
}

/// Our specialization of a `specialty` search value.
fn specialization_of(value: &str) -> Option<&'static str> {
    let code = match value.split_once('|') {
        Some((SNOMED | "", code)) => code,
        Some(_) => return None,
        None => value,
    };
    SPECIALTIES
        .iter()
        .find(|(_, snomed, _)| *snomed == code)
        .map(|(ours, _, _)| *ours)
}

pub fn practitioner(doctor: DoctorData) -> Resource {
    let gender = match doctor.gender.as_str() {
        "MALE" => "male",
        "FEMALE" => "female",
        _ => "other",
    };
    Resource::Practitioner(Practitioner {
        text: Narrative::of(&doctor.name),
        active: !doctor.archived,
        telecom: vec![
            ContactPoint {
                system: "email",
                value: doctor.email,
            },
            ContactPoint {
                system: "phone",
                value: doctor.phone_number,
            },
        ],
        name: vec![HumanName { text: doctor.name }],
        gender,
        id: doctor.id,
    })
}

fn role(doctor: DoctorData) -> Resource {
    let specialty = specialty(&doctor.specialization);
    let summary = format!(
        "{}: {}{}",
        doctor.name,
        specialty.text.as_deref().unwrap_or_default(),
        if doctor.available {
            ""
        } else {
            " (not taking appointments)"
        }
    );
    Resource::PractitionerRole(PractitionerRole {
        text: Narrative::of(&summary),
        active: doctor.available && !doctor.archived,
        practitioner: Reference {
            reference: format!("Practitioner/{}", doctor.id),
            display: Some(doctor.name),
        },
        specialty: vec![specialty],
        id: doctor.id,
    })
}

pub async fn find(app: &App, caller: &Caller, id: &str) -> Result<Option<DoctorData>, FhirError> {
    record(app, caller, "doctor", FIELDS, id).await
}

pub async fn read_practitioner(
    app: &App,
    caller: &Caller,
    id: &str,
) -> Result<Resource, FhirError> {
    find(app, caller, id)
        .await?
        .map(practitioner)
        .ok_or_else(|| FhirError::not_found("Practitioner", id))
}

pub async fn read_role(app: &App, caller: &Caller, id: &str) -> Result<Resource, FhirError> {
    find(app, caller, id)
        .await?
        .map(role)
        .ok_or_else(|| FhirError::not_found("PractitionerRole", id))
}

/// Active doctors by name or specialization, one page.
pub async fn list(
    app: &App,
    caller: &Caller,
    search: &Search,
    name: Option<&str>,
    specialization: Option<&str>,
    to_fhir: fn(DoctorData) -> Resource,
) -> Result<Resource, FhirError> {
    let query = format!(
        "query($name: String, $specialization: Specialization, $first: Int, $after: String) {{
            doctors(name: $name, specialization: $specialization, first: $first, after: $after) {{
                totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {FIELDS} }}
            }}
        }}"
    );
    let variables = json!({ "name": name, "specialization": specialization });
    page(
        app,
        caller,
        search,
        "doctors",
        &query,
        variables,
        |doctor| Ok(to_fhir(doctor)),
    )
    .await
}

/// The Bundle of the doctor `id` (an `_id` or reference search) as `to_fhir` makes it.
pub async fn one(
    app: &App,
    caller: &Caller,
    search: &Search,
    id: &str,
    to_fhir: fn(DoctorData) -> Resource,
) -> Result<Resource, FhirError> {
    let found = find(app, caller, id).await?.map(to_fhir);
    Ok(super::bundle_of(app, search, found))
}

pub async fn search_practitioners(
    app: &App,
    caller: &Caller,
    search: &Search,
) -> Result<Resource, FhirError> {
    if let Some(id) = search.alone_value("_id")? {
        return one(app, caller, search, id, practitioner).await;
    }
    list(
        app,
        caller,
        search,
        search.value("name"),
        None,
        practitioner,
    )
    .await
}

pub async fn search_roles(
    app: &App,
    caller: &Caller,
    search: &Search,
) -> Result<Resource, FhirError> {
    if let Some(id) = search.alone_value("_id")? {
        return one(app, caller, search, id, role).await;
    }
    if let Some(id) = referenced(search, "practitioner", "Practitioner")? {
        search.alone("practitioner")?;
        return one(app, caller, search, id, role).await;
    }
    let specialization = specialty_filter(search)?;
    list(app, caller, search, None, specialization, role).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specialties_are_searched_by_snomed_code_with_or_without_the_system() {
        assert_eq!(specialization_of("394579002"), Some("CARDIOLOGY"));
        assert_eq!(
            specialization_of("http://snomed.info/sct|418960008"),
            Some("ENT")
        );
        assert_eq!(specialization_of("|394591006"), Some("NEUROLOGY"));
        assert_eq!(specialization_of("http://loinc.org|394579002"), None);
        assert_eq!(specialization_of("CARDIOLOGY"), None);
        let coded = specialty("PEDIATRICS");
        assert_eq!(coded.coding[0].code, "394537008");
        assert_eq!(coded.text.as_deref(), Some("Pediatric specialty"));
    }
}
