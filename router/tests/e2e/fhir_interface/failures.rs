//! Failures as OperationOutcomes with the status that fits, and reads on the audit trail.

use identity::Role;
use reqwest::StatusCode;
use serde_json::json;

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn failures_are_operation_outcomes_with_the_status_that_fits() {
    let system = system().await;
    let fhir = fhir(&system).await;
    let ada = ada(&system).await;
    let grace = doctor_named(&system, "grace@clinic.org", "Grace Hopper", "CARDIOLOGY").await;
    let booked = book(&system, &ada, &grace, &in_days(2), "11:00").await;
    let desk = system.credentials.token(Role::FrontDesk, None);
    let clerk = system.credentials.token(Role::BillingClerk, None);

    let anonymous = fhir.get(None, &format!("Patient/{ada}")).await;
    assert_eq!(
        anonymous.headers[reqwest::header::WWW_AUTHENTICATE],
        "Bearer"
    );
    anonymous.refused(StatusCode::UNAUTHORIZED, "login");
    let unknown = uuid::Uuid::now_v7();
    fhir.get(Some(&desk), &format!("Patient/{unknown}"))
        .await
        .refused(StatusCode::NOT_FOUND, "not-found");
    fhir.get(Some(&desk), "Appointment/not-an-id")
        .await
        .refused(StatusCode::NOT_FOUND, "not-found");

    let misspelt = fhir.get(Some(&desk), "Patient?nmae=ada").await;
    let misspelt = misspelt.refused(StatusCode::BAD_REQUEST, "not-supported");
    assert!(
        issue_text(&misspelt).contains("`nmae` is not a search parameter of Patient"),
        "{misspelt}"
    );
    for (search, parameter, says) in [
        (
            "Appointment?date=2026-13-01",
            "Appointment.date",
            "not a date",
        ),
        ("Appointment?date=ne2026-01-01", "Appointment.date", "`ne`"),
        (
            "Appointment?date=2026-01-01T10:00:00Z",
            "Appointment.date",
            "booked day",
        ),
        (
            "Appointment?status=done",
            "Appointment.status",
            "booked, checked-in",
        ),
        (
            "Appointment?patient=Practitioner/1",
            "Appointment.patient",
            "not a reference to a Patient",
        ),
        (
            "Patient?birthdate=ge1990-01-01",
            "Patient.birthdate",
            "`ge`",
        ),
        ("Patient?name=a&name=b", "Patient.name", "more than once"),
        ("Patient?name:exact=Ada", "Patient.name", "`:exact`"),
        ("Patient?_count=0", "Patient._count", "page size"),
        (
            "PractitionerRole?specialty=CARDIOLOGY",
            "PractitionerRole.specialty",
            "none of our specialties",
        ),
        (
            "Slot?schedule=Schedule/x",
            "Slot.schedule",
            "not a reference",
        ),
        (
            "Slot?specialty=394579002&start=ge2027-01-01&start=le2027-03-01",
            "Slot.start",
            "31 days",
        ),
        (
            "Slot?specialty=394579002&status=busy",
            "Slot.status",
            "only free slots",
        ),
    ] {
        let outcome = fhir
            .get(Some(&desk), search)
            .await
            .refused(StatusCode::BAD_REQUEST, "invalid");
        assert_eq!(
            outcome["issue"][0]["expression"][0], parameter,
            "{search}: {outcome}"
        );
        assert!(issue_text(&outcome).contains(says), "{search}: {outcome}");
    }
    let unanchored = fhir.get(Some(&desk), "Slot?start=2027-01-01").await;
    assert!(
        issue_text(&unanchored.refused(StatusCode::BAD_REQUEST, "invalid")).contains("schedule")
    );

    // A billing clerk's token reaches no appointment, nor searches by contact details, and
    // reads a patient without them.
    let outcome = fhir
        .get(Some(&clerk), &format!("Appointment/{booked}"))
        .await
        .refused(StatusCode::FORBIDDEN, "forbidden");
    assert!(!issue_text(&outcome).is_empty());
    fhir.get(Some(&clerk), "Patient?email=ada@example.org")
        .await
        .refused(StatusCode::FORBIDDEN, "forbidden");
    let without_contact = fhir.get(Some(&clerk), &format!("Patient/{ada}")).await.ok();
    assert_eq!(without_contact["name"][0]["text"], "Ada Lovelace");
    assert!(
        without_contact.get("telecom").is_none(),
        "{without_contact}"
    );
    assert!(
        without_contact.get("birthDate").is_none(),
        "{without_contact}"
    );
    // A patient reads themself, and nobody else.
    let own = system.credentials.token(Role::Patient, Some(&ada));
    fhir.get(Some(&own), &format!("Patient/{ada}")).await.ok();
    let bob = crate::journey::patient(&system, "bob@example.org").await;
    fhir.get(Some(&own), &format!("Patient/{bob}"))
        .await
        .refused(StatusCode::FORBIDDEN, "forbidden");

    fhir.get(Some(&desk), "Patient?_format=xml")
        .await
        .refused(StatusCode::NOT_ACCEPTABLE, "not-supported");
    let xml = fhir
        .request(reqwest::Method::GET, Some(&desk), &format!("Patient/{ada}"))
        .header(reqwest::header::ACCEPT, "application/fhir+xml");
    fhir.send(xml)
        .await
        .refused(StatusCode::NOT_ACCEPTABLE, "not-supported");
    let write = fhir
        .request(reqwest::Method::POST, Some(&desk), "Patient")
        .body("{}");
    fhir.send(write)
        .await
        .refused(StatusCode::METHOD_NOT_ALLOWED, "not-supported");
    fhir.get(Some(&desk), "Observation?patient=x")
        .await
        .refused(StatusCode::NOT_FOUND, "not-supported");
    fhir.get(Some(&desk), &format!("Patient/{ada}/$validate"))
        .await
        .refused(StatusCode::NOT_FOUND, "not-supported");
    fhir.get(Some(&desk), "Slot/anything")
        .await
        .refused(StatusCode::METHOD_NOT_ALLOWED, "not-supported");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fhir_read_is_on_the_audit_trail() {
    let system = system().await;
    let fhir = fhir(&system).await;
    let ada = ada(&system).await;
    let from = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let doctor = system.credentials.token(Role::FrontDesk, None);
    fhir.get(Some(&doctor), &format!("Patient/{ada}"))
        .await
        .ok();

    let to = (chrono::Utc::now() + chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let trail = system
        .eventually(
            "query($patient: ID!, $from: DateTime!, $to: DateTime!) {
                auditTrail(patientId: $patient, from: $from, to: $to) { nodes { actor role action entity fields } }
            }",
            json!({ "patient": ada, "from": from, "to": to }),
            |data| data["auditTrail"]["nodes"].as_array().is_some_and(|nodes| !nodes.is_empty()),
        )
        .await;
    let read = &trail["auditTrail"]["nodes"][0];
    assert_eq!(read["actor"], "front-desk@development", "{trail}");
    assert_eq!(read["action"], "read");
    assert_eq!(read["entity"], "PATIENT");
    assert!(
        read["fields"]
            .as_array()
            .is_some_and(|fields| fields.contains(&json!("dateOfBirth"))),
        "{trail}"
    );
}
