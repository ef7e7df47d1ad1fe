//! Live appointment updates: every instance consumes `appointment-events` in a consumer
//! group of its own, starting at the latest offset, and fans each update out to its
//! subscribers. An update made through any replica therefore reaches subscribers of all.

use std::sync::Arc;

use kit::{consumer::EventHandler, events::CloudEvent};
use tokio::sync::broadcast;

use crate::{
    domain::{Appointment, Transition},
    events::{AppointmentData, transition_of},
};

/// Updates buffered per subscriber; a subscriber further behind skips the oldest.
const BUFFER: usize = 1_024;

/// One change, as subscribers receive it.
#[derive(Debug, Clone)]
pub struct AppointmentUpdate {
    /// `None` for a booking, else the workflow move.
    pub transition: Option<Transition>,
    pub appointment: Appointment,
}

#[derive(Clone, Debug)]
pub struct LiveUpdates {
    sender: broadcast::Sender<Arc<AppointmentUpdate>>,
}

impl Default for LiveUpdates {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(BUFFER).0,
        }
    }
}

impl LiveUpdates {
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<AppointmentUpdate>> {
        self.sender.subscribe()
    }
}

impl EventHandler for LiveUpdates {
    async fn handle(&self, _topic: &str, event: CloudEvent) -> anyhow::Result<()> {
        let Some(transition) = transition_of(&event.event_type) else {
            tracing::debug!(event_type = %event.event_type, "not an appointment update; skipped");
            return Ok(());
        };
        // A malformed body is skipped, not retried: retrying cannot fix it, and live
        // updates are a view, not a record.
        let appointment =
            serde_json::from_value::<AppointmentData>(event.data["appointment"].clone())
                .map_err(|error| error.to_string())
                .and_then(Appointment::try_from);
        match appointment {
            Ok(appointment) => {
                // No subscriber is not an error.
                let _ = self.sender.send(Arc::new(AppointmentUpdate {
                    transition,
                    appointment,
                }));
            }
            Err(error) => {
                tracing::warn!(event_id = %event.id, %error, "appointment event without a readable appointment")
            }
        }
        Ok(())
    }
}
