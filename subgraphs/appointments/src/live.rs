//! Live appointment updates: every instance consumes `appointment-events` in a consumer
//! group of its own, starting at the latest offset, and fans each update out to its
//! subscribers. An update made through any replica therefore reaches subscribers of all.

use std::sync::Arc;

use event_contract::appointment::{AppointmentChanged, Change};
use kit::{consumer::EventHandler, events::CloudEvent};
use tokio::sync::broadcast;

use crate::domain::Appointment;

/// Updates buffered per subscriber; a subscriber further behind skips the oldest.
const BUFFER: usize = 1_024;

/// One change, as subscribers receive it.
#[derive(Debug, Clone)]
pub struct AppointmentUpdate {
    /// What happened: the booking or a workflow move.
    pub change: Change,
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
        let Some(change) = Change::of(&event.event_type) else {
            tracing::debug!(event_type = %event.event_type, "not an appointment update; skipped");
            return Ok(());
        };
        // A malformed body is skipped, not retried: retrying cannot fix it, and live
        // updates are a view, not a record.
        let appointment = event
            .data::<AppointmentChanged>()
            .and_then(|data| Appointment::try_from(data.appointment));
        match appointment {
            Ok(appointment) => {
                // No subscriber is not an error.
                let _ = self.sender.send(Arc::new(AppointmentUpdate {
                    change,
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
