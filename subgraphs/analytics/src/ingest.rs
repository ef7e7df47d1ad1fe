//! Consuming: every event of the four topics goes through [`Ingest`] into the store.

use kit::{
    consumer::{BatchHandler, Reject},
    events::CloudEvent,
};

use crate::store::{Prepared, StatsStore};

#[derive(Clone)]
pub struct Ingest {
    pub store: StatsStore,
}

impl BatchHandler for Ingest {
    type Item = Prepared;

    fn prepare(&self, topic: &str, event: CloudEvent) -> Result<Prepared, Reject> {
        Prepared::new(topic, event, self.store.reading()).map_err(Reject)
    }

    async fn apply(&self, batch: &[Prepared]) -> anyhow::Result<()> {
        self.store.record(batch).await
    }
}
