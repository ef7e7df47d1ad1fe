//! The CloudEvents 1.0 envelope (JSON structured mode) every topic carries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
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
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_with_cloudevents_attribute_names() {
        let event = CloudEvent::new(
            "patients",
            "pms.patient.created.v1",
            "p-1",
            serde_json::json!({"a": 1}),
        );
        let json = serde_json::to_value(&event).expect("serializes");
        assert_eq!(json["specversion"], "1.0");
        assert_eq!(json["type"], "pms.patient.created.v1");
        assert_eq!(json["subject"], "p-1");
        assert_eq!(json["datacontenttype"], "application/json");
        let back: CloudEvent = serde_json::from_value(json).expect("parses back");
        assert_eq!(back, event);
    }
}
