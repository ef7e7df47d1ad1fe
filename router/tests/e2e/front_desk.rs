//! The front desk web app, served by the router at `/`, in headless Chromium: a
//! receptionist's day, and what each role is offered (`front-desk/tests/*.mjs` drive the
//! browser with playwright-core; these tests set up the system and check what the scripts
//! report). Every screen the scripts visit is checked with axe-core; with `SCREENSHOTS`
//! set to a directory, each is saved there as a PNG (`scripts/front-desk.sh screenshots`).

use std::{process::Command, time::Duration};

use identity::{Grant, Role};
use serde_json::{Value, json};

use super::{
    journey::{book, doctor, doctor_named, in_days, patient, patient_named},
    system::{DEV_ROUTER_ENV, System, system_with},
};

/// The system with the development sign-in on, as `scripts/dev.sh` runs it.
async fn signing_in() -> System {
    let mut env = DEV_ROUTER_ENV.to_vec();
    env.push(("PMS_DEV_SIGN_IN", "true"));
    system_with(&env).await
}

/// Runs `front-desk/tests/<script>` against `system` with `scenario`; what it reports.
fn drive(system: &System, script: &str, scenario: &Value) -> Value {
    let file = std::env::temp_dir().join(format!("front-desk-{}.json", uuid::Uuid::now_v7()));
    std::fs::write(&file, scenario.to_string()).expect("scenario");
    let output = Command::new("node")
        .arg(format!("tests/{script}"))
        .arg(&system.router_url)
        .arg(&file)
        .current_dir(concat!(env!("OUT_DIR"), "/front-desk"))
        .output()
        .expect("node runs (scripts/test.sh installs Node.js and Chromium)");
    let _ = std::fs::remove_file(&file);
    assert!(
        output.status.success(),
        "{script} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    println!("{script}: {report}");
    assert_eq!(
        report["external"],
        json!([]),
        "the page reached outside the router or failed"
    );
    // No serious or critical accessibility violation on any screen.
    let screens = report["accessibility"]
        .as_object()
        .expect("screens checked");
    assert!(!screens.is_empty(), "{report}");
    for (screen, violations) in screens {
        assert_eq!(violations, &json!([]), "{screen}: {violations}");
    }
    report
}

fn text<'a>(report: &'a Value, key: &str) -> &'a str {
    report[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` reported: {report}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receptionists_day_through_the_front_desk() {
    let system = signing_in().await;
    patient_named(&system, "charles@example.org", "Charles Babbage").await;
    let ada = patient(&system, "ada@example.org").await;
    let cardiologist = doctor(&system, "grace@clinic.org").await;
    let neurologist = doctor_named(&system, "oliver@clinic.org", "Oliver Sacks", "NEUROLOGY").await;
    let charles = system
        .data(
            "{ patients(search: \"Babbage\") { nodes { id } } }",
            json!({}),
        )
        .await["patients"]["nodes"][0]["id"]
        .as_str()
        .expect("Charles")
        .to_owned();
    let day = in_days(3);
    let booked = book(&system, &ada, &cardiologist, &day, "09:30").await;
    // Valid long enough for the browser to start and open the board with it.
    let short = system
        .credentials
        .issuer
        .token(&Grant::staff(Role::FrontDesk), Duration::from_secs(6));
    let report = drive(
        &system,
        "receptionist.mjs",
        &json!({
            "day": day,
            "adminToken": system.credentials.admin,
            "shortToken": short,
            "neurologist": neurologist,
            "patientId": ada,
            "otherPatientId": charles,
            "booked": { "id": booked },
        }),
    );

    assert!(text(&report, "expired").contains("expired"), "{report}");
    assert_eq!(
        text(&report, "signedIn"),
        "Signed in as front-desk@development (front-desk)"
    );
    let label = text(&report, "bookedLabel");
    assert!(
        label.contains("Ada Lovelace")
            && label.contains("30 minutes")
            && label.contains("Scheduled"),
        "the block says who, how long and its status: {label}"
    );
    // Another desk's changes reach the board within a second, without reloading.
    for change in ["booking", "check-in", "cancellation"] {
        let after = report["shown"][change]["shownAfterMs"]
            .as_u64()
            .unwrap_or_else(|| panic!("{change} was timed: {report}"));
        assert!(after < 1_000, "{change} shown after {after} ms: {report}");
    }
    let seen = report["otherDeskSawAfterMs"].as_u64().expect("timed");
    assert!(
        seen < 1_000,
        "the other desk saw the booking after {seen} ms"
    );
    // A dropped connection is shown while it lasts, and what it missed shows once it is back.
    assert!(
        text(&report, "banner").contains("connection to the clinic server is lost"),
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
    // Two desks, one slot: one books it, the other is told and offered the slots again.
    assert!(
        text(&report, "bookedInPage").contains("Ada Lovelace with Oliver Sacks"),
        "{report}"
    );
    assert!(
        text(&report, "conflict").contains("pick another"),
        "{report}"
    );
    // What the front desk is offered: by the appointment's status and the role's scopes
    // (completing and no-shows are the doctor's).
    assert_eq!(
        report["offeredScheduled"],
        json!(["Check in", "Reschedule…", "Cancel the appointment", "Close"])
    );
    assert_eq!(
        report["offeredCheckedIn"],
        json!(["Cancel the appointment", "Close"])
    );
    assert_eq!(
        report["rescheduled"]["now"], report["rescheduled"]["to"],
        "rescheduled to the slot picked: {report}"
    );
    assert_eq!(report["cancelledByB"], 1, "{report}");
    assert!(
        text(&report, "phoneProblem").contains("digits"),
        "the phone's problem beside the phone: {report}"
    );
    assert!(
        text(&report, "found").contains("+44 20 7946 0002"),
        "the edited phone is found: {report}"
    );
    assert_eq!(
        report["frontDeskScreens"],
        json!(["Day board", "Book", "Patients", "Bills"])
    );
    assert_eq!(report["signedOut"], true);
    assert_eq!(
        report["adminScreens"],
        json!(["Day board", "Book", "Patients", "Bills", "Dashboard"])
    );
    assert!(
        text(&report, "patientBills").contains("Paid"),
        "the paid bill shows as paid on the patient's page: {report}"
    );
    let completed = &report["completed"];
    assert_eq!(
        completed["after"].as_u64(),
        completed["before"].as_u64().map(|before| before + 1),
        "the dashboard counts the completed appointment: {report}"
    );
    let utilisation = text(&report, "utilisation");
    assert!(
        utilisation.contains("Grace Hopper") && utilisation.contains("Oliver Sacks"),
        "{report}"
    );
    assert_eq!(
        report["charts"],
        json!(["Appointments booked per day", "Payments per week"])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_role_sees_what_it_may_in_the_front_desk() {
    let system = signing_in().await;
    let charles = patient_named(&system, "charles@example.org", "Charles Babbage").await;
    let ada = patient(&system, "ada@example.org").await;
    let grace = doctor(&system, "grace@clinic.org").await;
    let day = in_days(2);
    let ada_appointment = book(&system, &ada, &grace, &day, "09:00").await;
    let charles_appointment = book(&system, &charles, &grace, &day, "10:00").await;
    // Both bills exist before the browser looks.
    for patient in [&ada, &charles] {
        system
            .eventually(
                "query($id: ID!) { bills(patientId: $id) { nodes { id } } }",
                json!({ "id": patient }),
                |data| {
                    data["bills"]["nodes"]
                        .as_array()
                        .is_some_and(|bills| !bills.is_empty())
                },
            )
            .await;
    }
    let report = drive(
        &system,
        "roles.mjs",
        &json!({
            "day": day,
            "patientId": ada,
            "otherPatientId": charles,
            "doctorId": grace,
            "adaAppointment": ada_appointment,
            "charlesAppointment": charles_appointment,
        }),
    );

    // A billing clerk: bills and figures, nothing to book or treat with.
    assert_eq!(report["clerkScreens"], json!(["Bills", "Dashboard"]));
    assert_eq!(text(&report, "clerkOnBoardSees"), "Unpaid bills");
    assert!(report["clerkPayButtons"].as_u64() >= Some(2), "{report}");
    assert_eq!(report["clerkBookButtons"], 0, "{report}");
    // A patient: her own appointments, record and bills only, and booking for herself.
    assert_eq!(
        report["patientScreens"],
        json!(["Day board", "Book", "My record", "Bills"])
    );
    assert_eq!(report["patientSeesOwn"], 1);
    assert_eq!(
        report["patientSeesOther"], 0,
        "another patient's appointment on a patient's board"
    );
    assert_eq!(
        report["patientRecordActions"],
        json!(["Edit contact details"])
    );
    assert_eq!(report["patientBackLink"], 0);
    let rows = report["patientBillRows"].as_array().expect("rows");
    assert!(
        !rows.is_empty() && rows.iter().all(|row| row == "Ada Lovelace"),
        "only her own bills: {report}"
    );
    assert_eq!(
        text(&report, "patientBooksFor"),
        "Booking for Ada Lovelace."
    );
    // A doctor: treats, does not check in or cancel.
    assert_eq!(
        report["doctorScreens"],
        json!(["Day board", "Patients"]),
        "{report}"
    );
    assert_eq!(report["doctorOffered"], json!(["Complete", "Close"]));
}
