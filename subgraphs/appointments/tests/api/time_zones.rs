use chrono::{Days, LocalResult, NaiveTime, TimeZone as _, Utc};
use chrono_tz::Tz;
use kit::testing::assert_error;
use serde_json::json;

use crate::helpers::clinic_with;

/// The next date, from tomorrow, on which `time` in `zone` is skipped (`LocalResult::None`)
/// or repeated (`LocalResult::Ambiguous`).
fn next_date_where(zone: Tz, time: &str, skipped: bool) -> chrono::NaiveDate {
    let time = NaiveTime::parse_from_str(time, "%H:%M").expect("time");
    let today = Utc::now().date_naive();
    (1..800)
        .map(|days| today + Days::new(days))
        .find(
            |date| match zone.from_local_datetime(&date.and_time(time)) {
                LocalResult::None => skipped,
                LocalResult::Ambiguous(..) => !skipped,
                LocalResult::Single(_) => false,
            },
        )
        .expect("a daylight-saving change within two years")
}

#[tokio::test(flavor = "multi_thread")]
async fn clinic_time_is_read_in_its_zone_across_daylight_saving_changes() {
    let zone: Tz = "America/New_York".parse().expect("zone");
    let clinic = clinic_with(|settings| settings.clinic_timezone = zone).await;
    let patient = clinic.patient("ana@example.com").await;
    let doctor = clinic.doctor("rui@clinic.org", json!({})).await;

    let spring_forward = next_date_where(zone, "02:30", true).to_string();
    let skipped = clinic
        .book(&patient, &doctor, &spring_forward, "02:30", 30)
        .await;
    assert_error(&skipped, "BAD_USER_INPUT", Some("input.time"));

    // On the fall-back day 01:30 happens twice; a booking means the first, daylight time.
    let fall_back = next_date_where(zone, "01:30", false);
    let repeated = clinic
        .book(&patient, &doctor, &fall_back.to_string(), "01:30", 30)
        .await;
    assert_eq!(
        repeated["data"]["createAppointment"]["startsAt"],
        format!("{fall_back}T05:30:00+00:00"),
        "01:30 EDT (-04:00): {repeated}"
    );
    assert_eq!(repeated["data"]["createAppointment"]["time"], "01:30");
}
