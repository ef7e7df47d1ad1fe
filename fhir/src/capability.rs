//! `GET /fhir/metadata`: the CapabilityStatement, built from the same tables the searches
//! parse by, so it lists exactly what is supported.

use serde_json::{Value, json};

use crate::{
    model::{Narrative, Resource},
    resources::{appointment, invoice, patient, practitioner, schedule},
    search::SearchParam,
};

/// When this statement last changed (R4 requires a date).
const PUBLISHED: &str = "2026-12-05";

fn resource(kind: &str, params: &[SearchParam], read: bool) -> Value {
    let mut interaction = vec![json!({ "code": "search-type" })];
    if read {
        interaction.insert(0, json!({ "code": "read" }));
    }
    let search_param: Vec<Value> = params
        .iter()
        .map(|param| {
            json!({ "name": param.name, "type": param.kind, "documentation": param.documentation })
        })
        .collect();
    json!({
        "type": kind,
        "interaction": interaction,
        "searchParam": search_param,
    })
}

pub fn statement(base_url: &str) -> Resource {
    let mut patient = resource("Patient", patient::SEARCH, true);
    patient["operation"] = json!([{
        "name": "everything",
        "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
        "documentation": "The patient, their appointments, the doctors of those, and their invoices, in one Bundle.",
    }]);
    let text = Narrative::of(
        "PMS FHIR R4 server: read and search of patients, practitioners, appointments, schedules, free slots and invoices.",
    );
    Resource::CapabilityStatement(json!({
        "text": text,
        "name": "PmsFhirServer",
        "title": "PMS FHIR R4 interface",
        "status": "active",
        "date": PUBLISHED,
        "publisher": "PMS",
        "kind": "instance",
        "software": { "name": "pms-fhir", "version": env!("CARGO_PKG_VERSION") },
        "implementation": {
            "description": "The clinic's patients, doctors, appointments and bills, read through its GraphQL API with the caller's token",
            "url": base_url,
        },
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "documentation": "Searches page with _count (1 to 100, default 20); follow the Bundle's next link. Unknown parameters, modifiers and OR lists are refused (400), never ignored.",
            "security": {
                "cors": false,
                "service": [{
                    "coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "code": "OAuth",
                        "display": "OAuth",
                    }],
                }],
                "description": "A bearer token of the clinic's identity provider on every request; its role's scopes decide what it may read (401 without one, 403 beyond them).",
            },
            "resource": [
                patient,
                resource("Practitioner", practitioner::PRACTITIONER_SEARCH, true),
                resource("PractitionerRole", practitioner::ROLE_SEARCH, true),
                resource("Appointment", appointment::SEARCH, true),
                resource("Schedule", schedule::SCHEDULE_SEARCH, true),
                resource("Slot", schedule::SLOT_SEARCH, false),
                resource("Invoice", invoice::SEARCH, true),
            ],
        }],
    }))
}
