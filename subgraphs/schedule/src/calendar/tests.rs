use chrono::{NaiveDate, TimeZone as _, Utc, Weekday};
use chrono_tz::Tz;
use uuid::Uuid;

use super::*;
use crate::WeeklyInterval;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

fn span(starts: &str, ends: &str) -> Span {
    Span::parse("span", starts, ends).expect("span")
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("instant")
}

/// The same spans on each of `days`.
fn week(valid_from: &str, days: &[Weekday], spans: &[(&str, &str)]) -> WeeklyHours {
    let intervals = days
        .iter()
        .flat_map(|weekday| {
            spans.iter().map(|(starts, ends)| WeeklyInterval {
                weekday: *weekday,
                span: span(starts, ends),
            })
        })
        .collect();
    WeeklyHours::new("intervals", date(valid_from), intervals).expect("valid week")
}

const WORKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// Mon-Fri 09:00-11:00 and 13:00-15:00 (lunch between), from Monday 2027-01-04; Wednesday
/// afternoon off; extra hours on Saturday 10:00-12:00.
fn clinic_week() -> Schedule {
    let hours = week(
        "2027-01-04",
        &WORKDAYS,
        &[("09:00", "11:00"), ("13:00", "15:00")],
    );
    let off = Exception::time_off(
        Uuid::nil(),
        date("2027-01-06"),
        Some(span("13:00", "18:00")),
        Some("congress"),
    )
    .expect("time off");
    let saturday = Exception::extra_hours(
        Uuid::nil(),
        date("2027-01-09"),
        span("10:00", "12:00"),
        None,
    )
    .expect("extra hours");
    Schedule::new(Tz::UTC, vec![hours], vec![off, saturday])
}

fn query(from: &str, to: &str, duration_minutes: u16, step_minutes: u16) -> SlotQuery {
    SlotQuery {
        from: date(from),
        to: date(to),
        duration_minutes,
        step_minutes,
        window: None,
        not_before: at("2027-01-01T00:00:00Z"),
    }
}

fn labels(slots: &[FreeSlot]) -> Vec<String> {
    slots
        .iter()
        .map(|slot| format!("{} {}", slot.date.format("%a"), slot.time))
        .collect()
}

#[test]
fn a_week_with_lunch_breaks_time_off_extra_hours_and_bookings_has_exactly_the_free_slots_left() {
    let busy = [
        (at("2027-01-05T09:30:00Z"), at("2027-01-05T10:30:00Z")),
        (at("2027-01-07T14:00:00Z"), at("2027-01-07T14:30:00Z")),
    ];
    let slots = clinic_week().free_slots(&query("2027-01-03", "2027-01-10", 60, 30), &busy);
    let expected = [
        "Mon 09:00",
        "Mon 09:30",
        "Mon 10:00",
        "Mon 13:00",
        "Mon 13:30",
        "Mon 14:00",
        // Tuesday's morning booking 09:30-10:30 leaves no hour free before 11:00.
        "Tue 13:00",
        "Tue 13:30",
        "Tue 14:00",
        // Wednesday afternoon off.
        "Wed 09:00",
        "Wed 09:30",
        "Wed 10:00",
        // Thursday 14:00-14:30 booked.
        "Thu 09:00",
        "Thu 09:30",
        "Thu 10:00",
        "Thu 13:00",
        "Fri 09:00",
        "Fri 09:30",
        "Fri 10:00",
        "Fri 13:00",
        "Fri 13:30",
        "Fri 14:00",
        "Sat 10:00",
        "Sat 10:30",
        "Sat 11:00",
    ];
    assert_eq!(labels(&slots), expected);
    assert!(
        slots
            .windows(2)
            .all(|pair| pair[0].starts_at < pair[1].starts_at)
    );
    assert_eq!(slots[0].starts_at, at("2027-01-04T09:00:00Z"));
    assert_eq!(slots[0].ends_at, at("2027-01-04T10:00:00Z"));
}

#[test]
fn slots_keep_to_the_window_and_never_start_in_the_past() {
    let mut search = query("2027-01-04", "2027-01-05", 30, 30);
    search.window = Some(span("10:00", "14:00"));
    search.not_before = at("2027-01-04T10:15:00Z");
    let slots = clinic_week().free_slots(&search, &[]);
    assert_eq!(
        labels(&slots),
        [
            "Mon 10:30",
            "Mon 13:00",
            "Mon 13:30",
            "Tue 10:00",
            "Tue 10:30",
            "Tue 13:00",
            "Tue 13:30"
        ]
    );
}

#[test]
fn a_booking_outside_hours_or_in_time_off_says_why() {
    let schedule = clinic_week();
    assert_eq!(
        schedule.check(at("2027-01-04T10:00:00Z"), at("2027-01-04T11:00:00Z")),
        Ok(())
    );
    assert_eq!(
        schedule.check(at("2027-01-09T10:00:00Z"), at("2027-01-09T12:00:00Z")),
        Ok(())
    );

    let sunday = schedule.check(at("2027-01-10T03:00:00Z"), at("2027-01-10T03:30:00Z"));
    assert_eq!(
        sunday.expect_err("sunday").to_string(),
        "has no working hours on Sunday 2027-01-10"
    );

    let lunch = schedule
        .check(at("2027-01-04T10:30:00Z"), at("2027-01-04T11:30:00Z"))
        .expect_err("runs into lunch");
    assert_eq!(
        lunch.to_string(),
        "works only 09:00-11:00, 13:00-15:00 on Monday 2027-01-04"
    );

    let congress = schedule
        .check(at("2027-01-06T14:00:00Z"), at("2027-01-06T14:30:00Z"))
        .expect_err("time off");
    assert_eq!(
        congress.to_string(),
        "is off 13:00-18:00 on Wednesday 2027-01-06 (congress)"
    );

    let sick = Exception::time_off(Uuid::nil(), date("2027-01-05"), None, None).expect("whole day");
    let schedule = Schedule::new(
        Tz::UTC,
        vec![week("2027-01-04", &WORKDAYS, &[("09:00", "17:00")])],
        vec![sick],
    );
    let error = schedule
        .check(at("2027-01-05T09:00:00Z"), at("2027-01-05T09:30:00Z"))
        .expect_err("sick");
    assert_eq!(error.to_string(), "is off all day on Tuesday 2027-01-05");
    assert_eq!(schedule.working_minutes(date("2027-01-05")), 0);
    assert_eq!(schedule.working_minutes(date("2027-01-04")), 480);
}

#[test]
fn hours_until_midnight_join_the_next_days_early_hours() {
    let late = week(
        "2027-01-04",
        &[Weekday::Mon, Weekday::Tue],
        &[("00:00", "02:00"), ("20:00", "24:00")],
    );
    let schedule = Schedule::new(Tz::UTC, vec![late], vec![]);
    assert_eq!(
        schedule.check(at("2027-01-04T23:30:00Z"), at("2027-01-05T00:30:00Z")),
        Ok(())
    );
    assert_eq!(schedule.working_minutes(date("2027-01-04")), 360);
}

#[test]
fn a_new_pattern_from_a_later_date_leaves_the_earlier_dates_as_they_were() {
    let mornings = week("2027-01-04", &WORKDAYS, &[("09:00", "12:00")]);
    let afternoons = week("2027-01-11", &WORKDAYS, &[("14:00", "18:00")]);
    let schedule = Schedule::new(Tz::UTC, vec![afternoons, mornings], vec![]);
    assert_eq!(schedule.spans(date("2027-01-08")), [span("09:00", "12:00")]);
    assert_eq!(schedule.spans(date("2027-01-11")), [span("14:00", "18:00")]);
    assert_eq!(
        schedule.spans(date("2027-01-03")),
        [],
        "before any pattern, no hours"
    );
}

#[test]
fn the_hour_clocks_skip_offers_no_slot_and_the_hour_they_repeat_offers_each_time_once() {
    let zone: Tz = "America/New_York".parse().expect("zone");
    let sundays = week("2027-01-03", &[Weekday::Sun], &[("00:00", "05:00")]);
    let schedule = Schedule::new(zone, vec![sundays], vec![]);
    let mut search = query("2027-03-14", "2027-03-14", 30, 30);

    // 14 March 2027: 02:00 EST becomes 03:00 EDT.
    let spring = schedule.free_slots(&search, &[]);
    let times: Vec<String> = spring.iter().map(|slot| slot.time.to_string()).collect();
    assert_eq!(
        times,
        [
            "00:00", "00:30", "01:00", "01:30", "03:00", "03:30", "04:00", "04:30"
        ]
    );
    assert_eq!(
        spring[3].ends_at, spring[4].starts_at,
        "01:30 EST + 30 min is 03:00 EDT"
    );
    assert_eq!(schedule.working_minutes(date("2027-03-14")), 4 * 60);

    // 7 November 2027: 02:00 EDT becomes 01:00 EST; 01:00-01:59 happens twice.
    search.from = date("2027-11-07");
    search.to = date("2027-11-07");
    let autumn = schedule.free_slots(&search, &[]);
    let times: Vec<String> = autumn.iter().map(|slot| slot.time.to_string()).collect();
    assert_eq!(
        times,
        [
            "00:00", "00:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30", "04:00",
            "04:30"
        ]
    );
    assert_eq!(
        autumn[2].starts_at,
        at("2027-11-07T05:00:00Z"),
        "01:00 is its first occurrence (EDT)"
    );
    assert!(
        autumn
            .windows(2)
            .all(|pair| pair[0].starts_at < pair[1].starts_at)
    );
    assert_eq!(schedule.working_minutes(date("2027-11-07")), 6 * 60);
}

#[test]
fn a_span_ending_in_the_skipped_hour_ends_when_the_clocks_resume() {
    let zone: Tz = "America/New_York".parse().expect("zone");
    let early = week("2027-01-03", &[Weekday::Sun], &[("01:00", "02:30")]);
    let schedule = Schedule::new(zone, vec![early], vec![]);
    let resume = zone
        .with_ymd_and_hms(2027, 3, 14, 3, 0, 0)
        .single()
        .expect("03:00 EDT");
    assert_eq!(
        schedule.ranges(date("2027-03-14")),
        [(at("2027-03-14T06:00:00Z"), resume.with_timezone(&Utc))]
    );
}
