//! The CloudEvents envelope every topic carries (defined with the rest of the event
//! contract in `event_contract`), stamped here with what a request knows: who made the
//! change and under which trace.

pub use event_contract::CloudEvent;

use crate::context::{Caller, RequestContext};

/// `event` as written to the outbox: stamped with the actor of `context`'s caller and its
/// trace context.
pub fn stamped(event: &CloudEvent, context: &RequestContext) -> serde_json::Result<String> {
    let (actor, actorrole) = match &context.caller {
        Caller::Internal => (None, None),
        Caller::Person(claims) => (Some(claims.sub.clone()), Some(claims.role.to_string())),
    };
    serde_json::to_string(&CloudEvent {
        actor,
        actorrole,
        traceparent: context.traceparent.clone(),
        ..event.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_made_inside_the_system_keeps_the_trace_and_names_no_actor() {
        let event = CloudEvent::new(
            "billing",
            event_contract::bill::CREATED,
            "b-1",
            serde_json::json!({}),
        );
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let context = RequestContext {
            traceparent: Some(traceparent.to_owned()),
            ..RequestContext::default()
        };
        let written: serde_json::Value =
            serde_json::from_str(&stamped(&event, &context).expect("writes")).expect("json");
        assert_eq!(written["traceparent"], traceparent);
        assert!(written.get("actor").is_none(), "{written}");
        assert_eq!(written["id"], event.id.to_string());
    }
}
