//! The FHIR R4 interface (`fhir` crate) in front of the whole system: every response it
//! gives in these tests, resources, Bundles and OperationOutcomes alike, is checked against
//! the official R4 definitions by HAPI FHIR's validator and parsed by HAPI's strict parser
//! (`validator`), and what it says is checked against what was booked through GraphQL.

mod validator;

use std::time::Duration;

use identity::Role;
use reqwest::{StatusCode, header::HeaderMap};
use serde_json::{Value, json};

use super::{
    journey::{book, doctor_named, in_days},
    system::{System, free_port, system},
};

/// The FHIR interface on a free port, a client of `system`'s router.
struct Fhir {
    base: String,
    http: reqwest::Client,
    _stop: tokio_util::sync::DropGuard,
}

/// One answer, checked: FHIR's JSON media type and valid R4.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

async fn fhir(system: &System) -> Fhir {
    let port = free_port();
    let settings = fhir::Settings {
        port,
        host: "127.0.0.1".to_owned(),
        router_url: format!("{}/graphql", system.router_url),
        base_url: format!("http://127.0.0.1:{port}/fhir"),
        upstream_timeout: Duration::from_secs(10),
        clinic_timezone: chrono_tz::Tz::UTC,
    };
    let stop = tokio_util::sync::CancellationToken::new();
    let shutdown = stop.clone();
    tokio::spawn(async move { fhir::serve(&settings, shutdown).await });
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await
            .is_ok()
        {
            return Fhir {
                base: format!("http://127.0.0.1:{port}/fhir"),
                http,
                _stop: stop.drop_guard(),
            };
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the FHIR interface did not start");
}

impl Fhir {
    /// `GET` of `path` (under `/fhir`, or an absolute link) as `token`.
    async fn get(&self, token: Option<&str>, path: &str) -> Reply {
        self.send(self.request(reqwest::Method::GET, token, path))
            .await
    }

    fn request(
        &self,
        method: reqwest::Method,
        token: Option<&str>,
        path: &str,
    ) -> reqwest::RequestBuilder {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}/{path}", self.base)
        };
        let request = self.http.request(method, url);
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("the FHIR interface answers");
        let status = response.status();
        let headers = response.headers().clone();
        let what = format!("{} ({status})", response.url());
        let body: Value = response.json().await.expect("a JSON body");
        assert!(
            headers[reqwest::header::CONTENT_TYPE]
                .to_str()
                .is_ok_and(|media| media.starts_with("application/fhir+json")),
            "{what}: {headers:?}"
        );
        validator::assert_valid(&what, &body).await;
        Reply {
            status,
            headers,
            body,
        }
    }
}

impl Reply {
    /// The body of a 200, or a panic with what came instead.
    fn ok(self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{:#}", self.body);
        self.body
    }

    /// The OperationOutcome of a failure with `status` and FHIR issue `code`.
    fn refused(self, status: StatusCode, code: &str) -> Value {
        assert_eq!(self.status, status, "{:#}", self.body);
        assert_eq!(
            self.body["resourceType"], "OperationOutcome",
            "{:#}",
            self.body
        );
        assert_eq!(self.body["issue"][0]["code"], code, "{:#}", self.body);
        assert_eq!(self.body["issue"][0]["severity"], "error");
        self.body
    }
}

/// The ids of a searchset Bundle's entries, checking `total` equals `expected`.
fn ids(bundle: &Value, expected_total: u64) -> Vec<String> {
    assert_eq!(bundle["resourceType"], "Bundle", "{bundle:#}");
    assert_eq!(bundle["type"], "searchset");
    assert_eq!(bundle["total"], expected_total, "{bundle:#}");
    bundle["entry"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| {
                    let resource = &entry["resource"];
                    let id = resource["id"].as_str().expect("an id");
                    assert_eq!(
                        entry["fullUrl"].as_str().map(|url| url.ends_with(&format!(
                            "/fhir/{}/{id}",
                            resource["resourceType"].as_str().expect("a type")
                        ))),
                        Some(true),
                        "{entry:#}"
                    );
                    id.to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn issue_text(outcome: &Value) -> &str {
    outcome["issue"][0]["diagnostics"]
        .as_str()
        .unwrap_or_default()
}

/// A patient with every detail the interface maps.
async fn ada(system: &System) -> String {
    let data = system
        .data(
            "mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }",
            json!({ "input": {
                "name": "Ada Lovelace", "email": "ada@example.org", "phone": "+44 20 7946 0000",
                "dateOfBirth": "1990-04-12", "address": "12 St James's Square, London",
            } }),
        )
        .await;
    data["createPatient"]["id"].as_str().expect("id").to_owned()
}

/// The bills of `appointments`, once billing has made them, in that order.
async fn bills(system: &System, appointments: &[&str]) -> Vec<Value> {
    let mut bills = Vec::new();
    for appointment in appointments {
        let data = system
            .eventually(
                "query($id: ID!) { appointment(id: $id) { bill { id amount currency } } }",
                json!({ "id": appointment }),
                |data| data["appointment"]["bill"]["id"].is_string(),
            )
            .await;
        bills.push(data["appointment"]["bill"].clone());
    }
    bills
}

#[tokio::test(flavor = "multi_thread")]
async fn every_read_and_search_answers_valid_fhir_with_what_was_booked() {
    let system = system().await;
    let fhir = fhir(&system).await;
    let ada = ada(&system).await;
    let grace = doctor_named(&system, "grace@clinic.org", "Grace Hopper", "CARDIOLOGY").await;
    let (day1, day2) = (in_days(3), in_days(4));
    let first = book(&system, &ada, &grace, &day1, "09:00").await;
    let second = book(&system, &ada, &grace, &day2, "10:00").await;
    let bills = bills(&system, &[&first, &second]).await;
    let token = system.credentials.token(Role::FrontDesk, None);
    let get = |path: String| {
        let (fhir, token) = (&fhir, token.clone());
        async move { fhir.get(Some(&token), &path).await.ok() }
    };

    let capability = fhir.get(None, "metadata").await.ok();
    assert_eq!(capability["fhirVersion"], "4.0.1");
    let types: Vec<&str> = capability["rest"][0]["resource"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|resource| resource["type"].as_str().expect("type"))
        .collect();
    assert_eq!(
        types,
        [
            "Patient",
            "Practitioner",
            "PractitionerRole",
            "Appointment",
            "Schedule",
            "Slot",
            "Invoice"
        ]
    );

    let patient = get(format!("Patient/{ada}")).await;
    assert_eq!(patient["name"][0]["text"], "Ada Lovelace");
    assert_eq!(patient["birthDate"], "1990-04-12");
    assert_eq!(patient["active"], true);
    assert_eq!(
        patient["telecom"],
        json!([{ "system": "email", "value": "ada@example.org" }, { "system": "phone", "value": "+44 20 7946 0000" }])
    );
    assert_eq!(
        patient["address"][0]["text"],
        "12 St James's Square, London"
    );
    for (search, total) in [
        ("name=lovelace", 1),
        ("name:contains=LACE", 1),
        ("name=hopper", 0),
        ("email=ADA@example.org", 1),
        ("email=ada", 0),
        ("birthdate=1990-04-12", 1),
        ("birthdate=eq1990-04-13", 0),
        (&format!("_id={ada}"), 1),
    ] {
        let found = ids(&get(format!("Patient?{search}")).await, total);
        assert_eq!(found, vec![ada.clone(); total as usize], "{search}");
    }

    let practitioner = get(format!("Practitioner/{grace}")).await;
    assert_eq!(practitioner["name"][0]["text"], "Grace Hopper");
    assert_eq!(practitioner["gender"], "female");
    assert_eq!(
        ids(&get("Practitioner?name=hopp".into()).await, 1),
        std::slice::from_ref(&grace)
    );
    let role = get(format!("PractitionerRole/{grace}")).await;
    assert_eq!(role["specialty"][0]["coding"][0]["code"], "394579002");
    assert_eq!(
        role["practitioner"]["reference"],
        format!("Practitioner/{grace}")
    );
    for (search, total) in [
        ("specialty=394579002", 1),
        ("specialty=http://snomed.info/sct|394579002", 1),
        ("specialty=394582007", 0),
        (&format!("practitioner=Practitioner/{grace}"), 1),
    ] {
        ids(&get(format!("PractitionerRole?{search}")).await, total);
    }

    let appointment = get(format!("Appointment/{first}")).await;
    assert_eq!(appointment["status"], "booked");
    assert_eq!(appointment["minutesDuration"], 30);
    assert_eq!(appointment["serviceType"][0]["text"], "Consultation");
    let actors: Vec<&Value> = appointment["participant"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|participant| &participant["actor"]["reference"])
        .collect();
    assert_eq!(
        actors,
        [
            &json!(format!("Patient/{ada}")),
            &json!(format!("Practitioner/{grace}"))
        ]
    );
    let both = vec![first.clone(), second.clone()];
    for (search, found) in [
        (format!("patient=Patient/{ada}"), both.clone()),
        (format!("patient={ada}&date={day1}"), vec![first.clone()]),
        (format!("patient={ada}&date=eq{day2}"), vec![second.clone()]),
        (format!("patient={ada}&date=ge{day2}"), vec![second.clone()]),
        (format!("patient={ada}&date=gt{day1}"), vec![second.clone()]),
        (format!("patient={ada}&date=le{day1}"), vec![first.clone()]),
        (format!("patient={ada}&date=lt{day2}"), vec![first.clone()]),
        (
            format!("patient={ada}&date=ge{day1}&date=le{day2}"),
            both.clone(),
        ),
        (format!("patient={ada}&date=gt{day1}&date=lt{day2}"), vec![]),
        (
            format!("practitioner=Practitioner/{grace}&status=booked"),
            both.clone(),
        ),
        (format!("practitioner={grace}&status=cancelled"), vec![]),
        (format!("practitioner={grace}&status=arrived"), vec![]),
        (format!("_id={second}"), vec![second.clone()]),
    ] {
        let bundle = get(format!("Appointment?{search}")).await;
        assert_eq!(ids(&bundle, found.len() as u64), found, "{search}");
    }

    let bill = &bills[0];
    let bill_id = bill["id"].as_str().expect("bill id");
    let invoice = get(format!("Invoice/{bill_id}")).await;
    assert_eq!(invoice["status"], "issued");
    assert_eq!(invoice["subject"]["reference"], format!("Patient/{ada}"));
    assert_eq!(invoice["totalGross"]["currency"], bill["currency"]);
    let amount: f64 = bill["amount"]
        .as_str()
        .expect("amount")
        .parse()
        .expect("a number");
    assert_eq!(invoice["totalGross"]["value"].as_f64(), Some(amount));
    assert_eq!(
        invoice["lineItem"][0]["chargeItemCodeableConcept"]["text"],
        format!("Consultation on {day1}")
    );
    ids(
        &get(format!("Invoice?patient=Patient/{ada}&status=issued")).await,
        2,
    );
    ids(
        &get(format!("Invoice?patient={ada}&status=balanced")).await,
        0,
    );

    let schedule = get(format!("Schedule/{grace}")).await;
    assert_eq!(
        schedule["actor"][0]["reference"],
        format!("Practitioner/{grace}")
    );
    assert_eq!(schedule["active"], true);
    assert_eq!(
        ids(
            &get(format!("Schedule?actor=Practitioner/{grace}")).await,
            1
        ),
        std::slice::from_ref(&grace)
    );
    // Around the clock in 15-minute steps, but for 09:00-09:30 (booked): 30-minute slots
    // may start at neither 08:45 nor 09:00 nor 09:15.
    let slots = get(format!(
        "Slot?schedule=Schedule/{grace}&start={day1}&status=free&_count=100"
    ))
    .await;
    let total = slots["total"].as_u64().expect("total");
    assert_eq!(total, 24 * 4 - 1 - 3, "{slots:#}");
    let starts: Vec<&str> = slots["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| {
            assert_eq!(
                entry["resource"]["schedule"]["reference"],
                format!("Schedule/{grace}")
            );
            entry["resource"]["start"].as_str().expect("start")
        })
        .collect();
    assert!(
        starts.iter().all(|start| start.starts_with(&day1)),
        "{starts:?}"
    );
    assert!(
        !starts.iter().any(|start| start.contains("T09:00")),
        "{starts:?}"
    );
    assert!(
        starts.iter().any(|start| start.contains("T09:30")),
        "{starts:?}"
    );

    let everything = get(format!("Patient/{ada}/$everything")).await;
    let mut kinds: Vec<(String, String)> = everything["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| {
            let resource = &entry["resource"];
            (
                resource["resourceType"].as_str().expect("type").to_owned(),
                resource["id"].as_str().expect("id").to_owned(),
            )
        })
        .collect();
    assert_eq!(kinds[0], ("Patient".to_owned(), ada.clone()));
    kinds.sort();
    let mut expected = vec![
        ("Appointment".to_owned(), first.clone()),
        ("Appointment".to_owned(), second.clone()),
        ("Invoice".to_owned(), bill_id.to_owned()),
        (
            "Invoice".to_owned(),
            bills[1]["id"].as_str().expect("id").to_owned(),
        ),
        ("Patient".to_owned(), ada.clone()),
        ("Practitioner".to_owned(), grace.clone()),
    ];
    expected.sort();
    assert_eq!(kinds, expected);
    assert_eq!(everything["total"], 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn hapi_fhirs_generic_client_reads_and_searches_unchanged() {
    let system = system().await;
    let fhir = fhir(&system).await;
    let ada = ada(&system).await;
    let grace = doctor_named(&system, "grace@clinic.org", "Grace Hopper", "CARDIOLOGY").await;
    let mut booked = Vec::new();
    for days in 2..5 {
        booked.push(book(&system, &ada, &grace, &in_days(days), "10:00").await);
    }
    bills(
        &system,
        &booked.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await;
    let token = system.credentials.token(Role::FrontDesk, None);

    let found = validator::hapi_client(&fhir.base, &token, &ada, "lovelace", &in_days(2)).await;
    assert_eq!(found["fhirVersion"], "4.0.1", "{found}");
    assert_eq!(found["patientName"], "Ada Lovelace");
    assert_eq!(found["birthDate"], "1990-04-12");
    assert_eq!(found["patientsNamed"], 1);
    assert_eq!(found["appointmentsTotal"], 3);
    assert_eq!(
        found["appointmentPages"], 3,
        "one a page, by the next links"
    );
    assert_eq!(found["appointmentsSeen"], 3);
    assert_eq!(found["cardiologists"], 1);
    assert_eq!(found["invoices"], 3);
    // The patient, three appointments, their doctor and three invoices.
    assert_eq!(found["everything"], 8);
    assert!(
        found["unknownPatient"]
            .as_str()
            .is_some_and(|text| text.starts_with("404")),
        "{found}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn searches_page_through_their_next_links() {
    let system = system().await;
    let fhir = fhir(&system).await;
    let token = system.credentials.token(Role::FrontDesk, None);
    let mut registered = Vec::new();
    for n in 1..=5 {
        let id = super::journey::patient_named(
            &system,
            &format!("page{n}@example.org"),
            &format!("Paged Patient {n}"),
        )
        .await;
        registered.push(id);
    }
    super::journey::patient_named(&system, "other@example.org", "Someone Else").await;

    let mut seen = Vec::new();
    let mut link = "Patient?name=paged&_count=2".to_owned();
    let mut pages = 0;
    loop {
        let page = fhir.get(Some(&token), &link).await.ok();
        let found = ids(&page, 5);
        assert!(found.len() <= 2, "{page:#}");
        seen.extend(found);
        pages += 1;
        let next = page["link"]
            .as_array()
            .expect("links")
            .iter()
            .find(|link| link["relation"] == "next")
            .map(|link| link["url"].as_str().expect("url").to_owned());
        match next {
            Some(next) => {
                assert!(next.starts_with(&fhir.base), "{next}");
                link = next;
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen, registered,
        "every patient once, in registration order"
    );
}

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
    let bob = super::journey::patient(&system, "bob@example.org").await;
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
