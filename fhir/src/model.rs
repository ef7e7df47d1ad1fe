//! The FHIR R4 structures this service emits, for these resources only: serde types whose
//! JSON is the R4 JSON format (empty elements left out, as FHIR requires).
//!
//! Why not a crate of generated models: `fhir-r4` 4.1 (200,000 lines for every R4 resource)
//! turns on `serde_json`'s `arbitrary_precision` for the whole workspace, which changes how
//! every crate here parses numbers, and its newer releases need a newer Rust than ours.

use serde::Serialize;
use serde_json::Value;

/// Any resource we emit; its JSON carries `resourceType`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType")]
pub enum Resource {
    Patient(Patient),
    Practitioner(Practitioner),
    PractitionerRole(PractitionerRole),
    Appointment(Appointment),
    Schedule(Schedule),
    Slot(Slot),
    Invoice(Invoice),
    Bundle(Bundle),
    OperationOutcome(OperationOutcome),
    CapabilityStatement(Value),
}

impl Resource {
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Patient(patient) => Some(&patient.id),
            Self::Practitioner(practitioner) => Some(&practitioner.id),
            Self::PractitionerRole(role) => Some(&role.id),
            Self::Appointment(appointment) => Some(&appointment.id),
            Self::Schedule(schedule) => Some(&schedule.id),
            Self::Slot(slot) => Some(&slot.id),
            Self::Invoice(invoice) => Some(&invoice.id),
            Self::Bundle(_) | Self::OperationOutcome(_) | Self::CapabilityStatement(_) => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Patient(_) => "Patient",
            Self::Practitioner(_) => "Practitioner",
            Self::PractitionerRole(_) => "PractitionerRole",
            Self::Appointment(_) => "Appointment",
            Self::Schedule(_) => "Schedule",
            Self::Slot(_) => "Slot",
            Self::Invoice(_) => "Invoice",
            Self::Bundle(_) => "Bundle",
            Self::OperationOutcome(_) => "OperationOutcome",
            Self::CapabilityStatement(_) => "CapabilityStatement",
        }
    }
}

/// A human-readable summary (`text`): R4 asks every resource for one (`dom-6`).
#[derive(Debug, Clone, Serialize)]
pub struct Narrative {
    pub status: &'static str,
    pub div: String,
}

impl Narrative {
    /// A generated narrative of one line of plain text.
    pub fn of(text: &str) -> Self {
        let mut escaped = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '<' => escaped.push_str("&lt;"),
                '>' => escaped.push_str("&gt;"),
                '&' => escaped.push_str("&amp;"),
                _ => escaped.push(c),
            }
        }
        Self {
            status: "generated",
            div: format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{escaped}</div>"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HumanName {
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactPoint {
    pub system: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Address {
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coding {
    pub system: &'static str,
    pub code: &'static str,
    pub display: &'static str,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CodeableConcept {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            coding: Vec::new(),
            text: Some(text.into()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Reference {
    pub fn to(resource_type: &str, id: &str) -> Self {
        Self {
            reference: format!("{resource_type}/{id}"),
            display: None,
        }
    }
}

/// An amount: FHIR's `decimal` is a JSON number.
#[derive(Debug, Clone, Serialize)]
pub struct Money {
    pub value: serde_json::Number,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    pub id: String,
    pub text: Narrative,
    pub active: bool,
    pub name: Vec<HumanName>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub telecom: Vec<ContactPoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub address: Vec<Address>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Practitioner {
    pub id: String,
    pub text: Narrative,
    pub active: bool,
    pub name: Vec<HumanName>,
    pub telecom: Vec<ContactPoint>,
    pub gender: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PractitionerRole {
    pub id: String,
    pub text: Narrative,
    pub active: bool,
    pub practitioner: Reference,
    pub specialty: Vec<CodeableConcept>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: String,
    pub meta: Meta,
    pub text: Narrative,
    pub status: &'static str,
    pub service_type: Vec<CodeableConcept>,
    pub start: String,
    pub end: String,
    pub minutes_duration: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub participant: Vec<AppointmentParticipant>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppointmentParticipant {
    pub actor: Reference,
    pub required: &'static str,
    pub status: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    pub id: String,
    pub text: Narrative,
    pub active: bool,
    pub specialty: Vec<CodeableConcept>,
    pub actor: Vec<Reference>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub id: String,
    pub text: Narrative,
    pub schedule: Reference,
    pub status: &'static str,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    pub id: String,
    pub text: Narrative,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_reason: Option<String>,
    pub subject: Reference,
    pub date: String,
    pub line_item: Vec<InvoiceLineItem>,
    pub total_net: Money,
    pub total_gross: Money,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Annotation {
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLineItem {
    pub sequence: u32,
    pub charge_item_codeable_concept: CodeableConcept,
    pub price_component: Vec<PriceComponent>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PriceComponent {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub amount: Money,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub total: u64,
    pub link: Vec<BundleLink>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entry: Vec<BundleEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleLink {
    pub relation: &'static str,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleEntry {
    pub full_url: String,
    pub resource: Resource,
    pub search: BundleSearch,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleSearch {
    pub mode: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct OperationOutcome {
    pub text: Narrative,
    pub issue: Vec<Issue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    pub severity: &'static str,
    pub code: &'static str,
    pub diagnostics: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expression: Vec<String>,
}
