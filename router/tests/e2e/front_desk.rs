//! The front desk web app, served by the router at `/`, in headless Chromium, as a
//! receptionist's day goes: an expiring token, the development sign-in, the day board with
//! another desk's changes arriving live, the specialization filter, booking from free slots
//! (and losing a slot to another desk), checking in and cancelling from the board with the
//! keyboard, registering and editing a patient, and an administrator taking a payment
//! (`front-desk/tests/day-board.mjs` drives the browser; this test sets up the system and
//! checks what it reports).

use std::{process::Command, time::Duration};

use identity::{Grant, Role};
use serde_json::{Value, json};

use super::{
    journey::{book, doctor, doctor_named, in_days, patient, patient_named},
    system::{DEV_ROUTER_ENV, system_with},
};

#[tokio::test(flavor = "multi_thread")]
async fn the_day_board_signs_in_and_follows_another_desk_live() {
    let mut env = DEV_ROUTER_ENV.to_vec();
    env.push(("PMS_DEV_SIGN_IN", "true"));
    let system = system_with(&env).await;
    let other_patient = patient_named(&system, "charles@example.org", "Charles Babbage").await;
    let patient = patient(&system, "ada@example.org").await;
    let cardiologist = doctor(&system, "grace@clinic.org").await;
    let neurologist = doctor_named(&system, "oliver@clinic.org", "Oliver Sacks", "NEUROLOGY").await;
    let day = in_days(3);
    let booked = book(&system, &patient, &cardiologist, &day, "09:30").await;
    // Valid long enough for the browser to start and open the board with it.
    let short = system
        .credentials
        .issuer
        .token(&Grant::staff(Role::FrontDesk), Duration::from_secs(6));
    let scenario = json!({
        "day": day,
        "adminToken": system.credentials.admin,
        "shortToken": short,
        "cardiologist": "Grace Hopper",
        "neurologist": neurologist,
        "patientId": patient,
        "otherPatientId": other_patient,
        "booked": { "id": booked, "time": "09:30" },
        "free": { "time": "11:00" },
    });
    let run = uuid::Uuid::now_v7();
    let scenario_file = std::env::temp_dir().join(format!("front-desk-{run}.json"));
    std::fs::write(&scenario_file, scenario.to_string()).expect("scenario");
    let screenshot = std::env::temp_dir().join(format!("front-desk-{run}.png"));

    let output = Command::new("node")
        .arg("tests/day-board.mjs")
        .arg(&system.router_url)
        .arg(&scenario_file)
        .arg(&screenshot)
        .current_dir(concat!(env!("OUT_DIR"), "/front-desk"))
        .output()
        .expect("node runs (scripts/test.sh installs Node.js and Chromium)");
    let _ = std::fs::remove_file(&scenario_file);
    assert!(
        output.status.success(),
        "day-board.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    println!("front desk: {report}");

    assert_eq!(
        report["external"],
        json!([]),
        "the page reached outside the router or failed"
    );
    assert_eq!(
        report["signedIn"], "Signed in as front-desk@development (front-desk)",
        "{report}"
    );
    let label = report["bookedLabel"].as_str().unwrap_or_default();
    assert!(
        label.contains("Ada Lovelace")
            && label.contains("30 minutes")
            && label.contains("Scheduled"),
        "the block says who, how long and its status: {label}"
    );
    // Another desk's booking, check-in and cancellation each reached the board within a
    // second of the change being made (the subscription, no reload).
    for change in ["booking", "check-in", "cancellation"] {
        let after = report["shown"][change]["shownAfterMs"]
            .as_u64()
            .unwrap_or_else(|| panic!("{change} was timed: {report}"));
        assert!(after < 1_000, "{change} shown after {after} ms: {report}");
    }
    // A dropped connection is shown while it lasts, and what it missed shows once it is back.
    assert!(
        report["banner"]
            .as_str()
            .is_some_and(|text| text.contains("connection to the clinic server is lost")),
        "{report}"
    );
    assert_eq!(report["missedWhileDown"], 0, "{report}");
    assert_eq!(report["caughtUp"], true, "{report}");
    let columns = report["columns"].as_array().expect("columns");
    assert!(
        columns.len() == 1
            && columns[0]
                .as_str()
                .unwrap_or_default()
                .contains("Oliver Sacks"),
        "only the neurologist's column: {report}"
    );
    let expired = report["expired"].as_str().unwrap_or_default();
    assert!(expired.contains("expired"), "{expired}");
    assert!(
        report["conflict"]
            .as_str()
            .is_some_and(|text| text.contains("pick another")),
        "a slot taken meanwhile is refused in words: {report}"
    );
    assert!(
        report["bookedInPage"]
            .as_str()
            .is_some_and(|text| text.contains("Ada Lovelace with Oliver Sacks")),
        "{report}"
    );
    // What the front desk is offered: by the appointment's status and the role's scopes
    // (completing and no-shows are the doctor's).
    assert_eq!(
        report["offeredScheduled"],
        json!(["Check in", "Reschedule…", "Cancel the appointment", "Close"]),
        "{report}"
    );
    assert_eq!(
        report["offeredCheckedIn"],
        json!(["Cancel the appointment", "Close"]),
        "{report}"
    );
    assert!(
        report["phoneProblem"]
            .as_str()
            .is_some_and(|text| text.contains("digits")),
        "the phone's problem beside the phone: {report}"
    );
    assert!(
        report["found"]
            .as_str()
            .is_some_and(|text| text.contains("+44 20 7946 0002")),
        "the edited phone is found: {report}"
    );
    assert_eq!(
        report["frontDeskScreens"],
        json!(["Day board", "Book", "Patients", "Bills"]),
        "{report}"
    );
    assert_eq!(report["signedOut"], true, "{report}");
    assert!(
        report["utilisation"]
            .as_str()
            .is_some_and(|text| text.contains("Grace Hopper") && text.contains("Oliver Sacks")),
        "the dashboard's utilisation per doctor: {report}"
    );
    assert_eq!(
        report["charts"],
        json!(["Appointments booked per day", "Payments per week"]),
        "{report}"
    );
    assert_eq!(
        report["adminScreens"],
        json!(["Day board", "Book", "Patients", "Bills", "Dashboard"]),
        "{report}"
    );
    assert!(
        report["patientBills"]
            .as_str()
            .is_some_and(|text| text.contains("Paid")),
        "the paid bill shows as paid on the patient's page: {report}"
    );

    let png = std::fs::read(&screenshot).expect("screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real screenshot"
    );
    let _ = std::fs::remove_file(&screenshot);
    let _ =
        std::fs::remove_file(screenshot.with_file_name(format!("front-desk-{run}-dashboard.png")));
}
