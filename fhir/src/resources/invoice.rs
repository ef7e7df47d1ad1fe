//! `Invoice`: our bills, one line for the appointment billed. The line names the service
//! and day for a token with `appointments:read`, the appointment's id otherwise.

use serde::Deserialize;
use serde_json::json;

use crate::{
    App,
    model::{
        Annotation, CodeableConcept, Invoice, InvoiceLineItem, Money, Narrative, PriceComponent,
        Reference, Resource,
    },
    outcome::FhirError,
    resources::{StatusFilter, appointment::service_name, page, record, referenced, status_filter},
    search::{Search, SearchParam},
    supergraph::Caller,
};

/// Our bill statuses and FHIR's (`http://hl7.org/fhir/invoice-status`).
pub const STATUSES: [(&str, &str); 3] = [
    ("UNPAID", "issued"),
    ("PAID", "balanced"),
    ("VOID", "cancelled"),
];

const UNUSED_STATUSES: [&str; 2] = ["draft", "entered-in-error"];

pub const SEARCH: &[SearchParam] = &[
    SearchParam::id("The bill's id (searched alone)."),
    SearchParam::new(
        "patient",
        "reference",
        "The patient billed: `Patient/[id]` or the id.",
    ),
    SearchParam::new(
        "status",
        "token",
        "issued (unpaid), balanced (paid) or cancelled (void).",
    ),
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillData {
    id: String,
    patient_id: String,
    appointment_id: String,
    amount: String,
    currency: String,
    status: String,
    payment_type: Option<String>,
    created_at: String,
    paid_at: Option<String>,
    appointment: Option<BilledAppointment>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BilledAppointment {
    service_type: String,
    date: String,
}

pub fn fields(caller: &Caller) -> &'static str {
    if caller.claims_scope("appointments:read") {
        "id patientId appointmentId amount currency status paymentType createdAt paidAt appointment { serviceType date }"
    } else {
        "id patientId appointmentId amount currency status paymentType createdAt paidAt"
    }
}

fn money(amount: &str, currency: &str) -> Result<Money, FhirError> {
    let value = amount.parse::<serde_json::Number>().map_err(|_| {
        FhirError::new(
            axum::http::StatusCode::BAD_GATEWAY,
            "exception",
            format!("The GraphQL API gave the amount `{amount}`, which is not a number"),
        )
    })?;
    Ok(Money {
        value,
        currency: currency.to_owned(),
    })
}

pub fn to_fhir(bill: BillData) -> Result<Resource, FhirError> {
    let status = STATUSES
        .iter()
        .find(|(ours, _)| *ours == bill.status)
        .map_or("issued", |(_, fhir)| fhir);
    let total = money(&bill.amount, &bill.currency)?;
    let charge = match &bill.appointment {
        Some(appointment) => format!(
            "{} on {}",
            service_name(&appointment.service_type),
            appointment.date
        ),
        None => format!("Appointment {}", bill.appointment_id),
    };
    let summary = format!("{charge}: {} {}, {status}", bill.amount, bill.currency);
    let note = match (&bill.payment_type, &bill.paid_at) {
        (Some(kind), Some(at)) => vec![Annotation {
            text: format!("Paid by {} at {at}", service_name(kind).to_lowercase()),
        }],
        _ => Vec::new(),
    };
    Ok(Resource::Invoice(Invoice {
        text: Narrative::of(&summary),
        status,
        cancelled_reason: (status == "cancelled")
            .then(|| "The appointment was cancelled".to_owned()),
        subject: Reference::to("Patient", &bill.patient_id),
        date: bill.created_at,
        line_item: vec![InvoiceLineItem {
            sequence: 1,
            charge_item_codeable_concept: CodeableConcept::text(charge),
            price_component: vec![PriceComponent {
                kind: "base",
                amount: total.clone(),
            }],
        }],
        total_net: total.clone(),
        total_gross: total,
        note,
        id: bill.id,
    }))
}

async fn find(app: &App, caller: &Caller, id: &str) -> Result<Option<Resource>, FhirError> {
    let found: Option<BillData> = record(app, caller, "bill", fields(caller), id).await?;
    found.map(to_fhir).transpose()
}

pub async fn read(app: &App, caller: &Caller, id: &str) -> Result<Resource, FhirError> {
    find(app, caller, id)
        .await?
        .ok_or_else(|| FhirError::not_found("Invoice", id))
}

pub async fn search(app: &App, caller: &Caller, search: &Search) -> Result<Resource, FhirError> {
    if let Some(id) = search.alone_value("_id")? {
        return Ok(super::bundle_of(app, search, find(app, caller, id).await?));
    }
    let patient = referenced(search, "patient", "Patient")?;
    let status = match status_filter(search, &STATUSES, &UNUSED_STATUSES)? {
        StatusFilter::Any => None,
        StatusFilter::Only(status) => Some(status),
        StatusFilter::Nothing => return Ok(super::bundle_of(app, search, None)),
    };
    let query = format!(
        "query($patient: ID, $status: BillStatus, $first: Int, $after: String) {{
            bills(patientId: $patient, status: $status, first: $first, after: $after) {{
                totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {} }}
            }}
        }}",
        fields(caller)
    );
    let variables = json!({ "patient": patient, "status": status });
    page(app, caller, search, "bills", &query, variables, to_fhir).await
}
