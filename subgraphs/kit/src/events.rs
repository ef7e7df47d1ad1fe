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
    /// Extension attributes: who made the change (the token's `sub`) and in which role;
    /// absent for changes made inside the system (a bill made from a booking's event).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actorrole: Option<String>,
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
            data,
        }
    }

    /// The event as written to the outbox: stamped with the actor of `caller`.
    pub fn payload(&self, caller: &crate::context::Caller) -> serde_json::Result<String> {
        match caller {
            crate::context::Caller::Internal => serde_json::to_string(self),
            crate::context::Caller::Person(claims) => serde_json::to_string(&Self {
                actor: Some(claims.sub.clone()),
                actorrole: Some(claims.role.to_string()),
                ..self.clone()
            }),
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
