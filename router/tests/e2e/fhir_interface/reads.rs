//! Reads and searches: valid FHIR, what was booked, HAPI FHIR's own client, paging.

use identity::Role;
use serde_json::{Value, json};

use super::*;

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
        let id = crate::journey::patient_named(
            &system,
            &format!("page{n}@example.org"),
            &format!("Paged Patient {n}"),
        )
        .await;
        registered.push(id);
    }
    crate::journey::patient_named(&system, "other@example.org", "Someone Else").await;

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
