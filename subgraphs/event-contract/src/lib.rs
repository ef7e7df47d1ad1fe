//! The event contract between services: the CloudEvents 1.0 envelope every topic carries
//! (JSON structured mode), and for each topic the names of its event types and the data
//! each type carries, in the API's field names. Producers build their events from these
//! types and consumers parse into them, so a field renamed on one side fails to compile on
//! the other.
//!
//! | topic | module | types |
//! |---|---|---|
//! | `patient-events` | [`patient`] | created, updated, archived |
//! | `doctor-events` | [`doctor`] | created, updated, availability_changed, archived, weekly_hours_set, schedule_exception_added, schedule_exception_removed |
//! | `appointment-events` | [`appointment`] | created, rescheduled, cancelled, checked_in, completed, no_show |
//! | `billing-events` | [`bill`] | created, paid, voided |
//! | `audit-records` | [`audit`] | recorded (its records are built in `kit::audit`) |
//!
//! **Versioning.** A type's name ends in its version (`pms.bill.paid.v1`). Within a version
//! a payload may only gain fields, and a gained field is optional to readers (`Option` or
//! `#[serde(default)]`), so events already written (analytics keeps every one and rebuilds
//! from them) still parse; readers ignore fields they do not know. Removing, renaming or
//! retyping a field, or changing what it means, is a new type (`.v2`) with its own struct:
//! producers publish it beside the old one until every consumer reads it, and readers keep
//! the old struct for as long as stored events of that type exist.

pub mod appointment;
pub mod audit;
pub mod bill;
pub mod doctor;
pub mod patient;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use uuid::Uuid;

/// One event. `data` holds the entity after the change plus what changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudEvent {
    pub specversion: String,
    /// UUIDv7; consumers deduplicate on it.
    pub id: Uuid,
    /// The producing service (`patients`, ...).
    pub source: String,
    /// `pms.<aggregate>.<change>.v<version>`, e.g. `pms.patient.created.v1`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The aggregate's id; also the Kafka message key.
    pub subject: String,
    pub time: DateTime<Utc>,
    pub datacontenttype: String,
    /// Extension attributes: who made the change (the token's `sub`) and in which role;
    /// absent for changes made inside the system (a bill made from a booking's event).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actorrole: Option<String>,
    /// The W3C trace context of the request that made the change (CloudEvents' distributed
    /// tracing extension); what a consumer produces in turn carries it on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
    pub data: serde_json::Value,
}

impl CloudEvent {
    pub fn new(
        source: &str,
        event_type: impl Into<String>,
        subject: impl ToString,
        data: serde_json::Value,
    ) -> Self {
        Self {
            specversion: "1.0".to_owned(),
            id: Uuid::now_v7(),
            source: source.to_owned(),
            event_type: event_type.into(),
            subject: subject.to_string(),
            time: Utc::now(),
            datacontenttype: "application/json".to_owned(),
            actor: None,
            actorrole: None,
            traceparent: None,
            data,
        }
    }

    /// An event of `event_type` carrying `data`.
    pub fn with_data(
        source: &str,
        event_type: &str,
        subject: impl ToString,
        data: &impl Serialize,
    ) -> Self {
        // The contract's types are plain data (strings, numbers, ids, dates): serializing
        // them cannot fail.
        let data = serde_json::to_value(data).expect("the contract's data serializes");
        Self::new(source, event_type, subject, data)
    }

    /// The event's data as the contract's type `T`; the error says why it is not (the
    /// reason a consumer dead-letters it with).
    pub fn data<T: DeserializeOwned>(&self) -> Result<T, String> {
        T::deserialize(&self.data)
            .map_err(|error| format!("{} data is not valid: {error}", self.event_type))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_with_cloudevents_attribute_names() {
        let mut event = CloudEvent::new(
            "patients",
            patient::CREATED,
            "p-1",
            serde_json::json!({"a": 1}),
        );
        let json = serde_json::to_value(&event).expect("serializes");
        assert_eq!(json["specversion"], "1.0");
        assert_eq!(json["type"], "pms.patient.created.v1");
        assert_eq!(json["subject"], "p-1");
        assert_eq!(json["datacontenttype"], "application/json");
        assert!(json.get("traceparent").is_none(), "absent when unknown");
        let back: CloudEvent = serde_json::from_value(json).expect("parses back");
        assert_eq!(back, event);

        event.traceparent = Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
        let json = serde_json::to_value(&event).expect("serializes");
        assert_eq!(
            json["traceparent"],
            event.traceparent.as_deref().expect("set")
        );
    }

    #[test]
    fn data_of_the_wrong_shape_is_refused_naming_the_type() {
        let event = CloudEvent::new("billing", bill::PAID, "b-1", serde_json::json!({}));
        let error = event
            .data::<bill::BillChanged>()
            .expect_err("no bill in it");
        assert!(
            error.starts_with("pms.bill.paid.v1 data is not valid: missing field `bill`"),
            "{error}"
        );
    }
}
