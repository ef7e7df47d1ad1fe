//! Ranges and groupings a caller gets wrong are refused with the field to fix; an empty
//! range answers zeros.

use serde_json::json;

use super::helpers::analytics;
use kit::testing::assert_error;

#[tokio::test(flavor = "multi_thread")]
async fn bad_ranges_and_groupings_are_bad_user_input_on_the_field() {
    let analytics = analytics().await;
    let dashboard = "query($from: Date!, $to: Date!) { dashboard(from: $from, to: $to) { appointmentsBooked } }";

    let reversed = analytics
        .app()
        .query(
            dashboard,
            json!({ "from": "2026-02-01", "to": "2026-01-01" }),
        )
        .await;
    assert_error(&reversed, "BAD_USER_INPUT", Some("from"));
    assert_eq!(
        reversed["errors"][0]["message"],
        "`from` (2026-02-01) is after `to` (2026-01-01)"
    );

    let too_long = analytics
        .app()
        .query(
            dashboard,
            json!({ "from": "2025-01-01", "to": "2026-01-02" }),
        )
        .await;
    assert_error(&too_long, "BAD_USER_INPUT", Some("to"));
    assert!(
        too_long["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("367 days") && m.contains("at most 366")),
        "{too_long}"
    );

    let not_a_date = analytics
        .app()
        .query(
            dashboard,
            json!({ "from": "2026-13-01", "to": "2026-01-02" }),
        )
        .await;
    assert_error(&not_a_date, "BAD_USER_INPUT", None);
    assert!(
        not_a_date["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("\"2026-13-01\" is not a date in the form YYYY-MM-DD")),
        "{not_a_date}"
    );

    let grouping = analytics
        .app()
        .query(
            "{ appointmentStats(from: \"2026-01-01\", to: \"2026-01-31\", groupBy: WEEKDAY) { key } }",
            json!({}),
        )
        .await;
    assert_error(&grouping, "BAD_USER_INPUT", Some("groupBy"));

    let revenue = analytics
        .app()
        .query(
            "{ revenueStats(from: \"2026-01-01\", to: \"2026-01-31\", groupBy: DOCTOR) { key } }",
            json!({}),
        )
        .await;
    assert_error(&revenue, "BAD_USER_INPUT", Some("groupBy"));

    let doctor = analytics
        .app()
        .query(
            "query($d: _Any!) { _entities(representations: [$d]) { ... on Doctor { stats(from: \"2026-02-01\", to: \"2026-01-01\") { booked } } } }",
            json!({ "d": { "__typename": "Doctor", "id": uuid::Uuid::now_v7() } }),
        )
        .await;
    assert_error(&doctor, "BAD_USER_INPUT", Some("from"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_range_without_data_answers_zeros() {
    let analytics = analytics().await;
    let response = analytics
        .app()
        .query(
            "{ dashboard(from: \"2024-02-01\", to: \"2024-02-29\") {
                 patientsRegistered appointmentsBooked noShows noShowRate
                 revenueBilled revenuePaid revenueOutstanding currency }
               appointmentStats(from: \"2024-02-01\", to: \"2024-02-29\", groupBy: DOCTOR) { key } }",
            json!({}),
        )
        .await;
    assert_eq!(
        response["data"],
        json!({
            "dashboard": {
                "patientsRegistered": 0, "appointmentsBooked": 0, "noShows": 0, "noShowRate": null,
                "revenueBilled": "0.00", "revenuePaid": "0.00", "revenueOutstanding": "0.00",
                "currency": "EUR",
            },
            "appointmentStats": [],
        }),
        "{response}"
    );
}
