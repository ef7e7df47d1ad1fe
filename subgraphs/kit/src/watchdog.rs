//! Kafka clients that heal: a watchdog per client rebuilds it when it stops making progress
//! while the broker answers, and gives up on the process when rebuilding did not help.
//!
//! librdkafka reconnects by itself after an outage, and a consumer rejoins its group; but a
//! client can end up in a state it never leaves (a fatal error of an idempotent producer, a
//! consumer whose group join never completes, a poll loop that is never woken), and then
//! only a new client helps. Each client reports progress on its [`Progress`]:
//! - a consumer, each time librdkafka's statistics (delivered only while the loop polls)
//!   show its group `up` and `steady`, and while its handler is busy with a message;
//! - a relay, each time a round found nothing pending or the broker took some of it.
//!
//! Its watchdog task looks every [`WatchdogSettings::check_every`]. A client without
//! progress for [`WatchdogSettings::stall`] while the broker has answered metadata requests
//! (asked by a fresh client each time, so a wedged client cannot vouch for itself) for as
//! long is asked to rebuild; if it still makes none [`WatchdogSettings::grace`] later, the
//! watchdog fails [`Liveness`]: `/health` answers 503 with the reason and the service shuts
//! down gracefully and exits non-zero, for its supervisor (Compose `restart:`, systemd,
//! Kubernetes) to start it again. A broker that does not answer is an outage, not a wedge:
//! readiness reports it and nothing is rebuilt.

use std::{
    sync::{
        Arc, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use futures::future::BoxFuture;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::settings::{KafkaSettings, env_parse};

/// How the watchdogs judge a client.
#[derive(Debug, Clone, Copy)]
pub struct WatchdogSettings {
    /// `KAFKA_STALL_SECONDS` (default 60): no progress for this long, the broker answering,
    /// and the client is rebuilt.
    pub stall: Duration,
    /// `KAFKA_STALL_GRACE_SECONDS` (default 60): still no progress this long after the
    /// rebuild, and the process gives up (`/health` fails, the service exits non-zero).
    pub grace: Duration,
    /// How often a watchdog looks (5 s).
    pub check_every: Duration,
}

impl WatchdogSettings {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            stall: Duration::from_secs(env_parse("KAFKA_STALL_SECONDS", 60)?),
            grace: Duration::from_secs(env_parse("KAFKA_STALL_GRACE_SECONDS", 60)?),
            check_every: Duration::from_secs(5),
        })
    }
}

impl Default for WatchdogSettings {
    fn default() -> Self {
        Self {
            stall: Duration::from_secs(60),
            grace: Duration::from_secs(60),
            check_every: Duration::from_secs(5),
        }
    }
}

/// Whether the process is still worth running, as `/health` reports it.
#[derive(Debug, Clone, Default)]
pub struct Liveness {
    failure: Arc<OnceLock<String>>,
    failed: CancellationToken,
}

impl Liveness {
    /// Gives up on the process for `reason` (the first reason stays).
    pub fn fail(&self, reason: String) {
        tracing::error!(%reason, "giving up: the service stops so that its supervisor restarts it");
        let _ = self.failure.set(reason);
        self.failed.cancel();
    }

    /// `Err(reason)` once a watchdog gave up.
    pub fn check(&self) -> Result<(), String> {
        self.failure
            .get()
            .map_or(Ok(()), |reason| Err(reason.clone()))
    }

    /// Completes when a watchdog gives up.
    pub async fn failed(&self) {
        self.failed.cancelled().await;
    }
}

/// A client's progress, reported by the client and read by its watchdog.
#[derive(Clone)]
pub struct Progress(Arc<ProgressState>);

struct ProgressState {
    name: String,
    epoch: Instant,
    /// Milliseconds after `epoch` of the last progress.
    last: AtomicU64,
    rebuild: Notify,
    rebuilds: AtomicU64,
}

impl Progress {
    fn new(name: String) -> Self {
        Self(Arc::new(ProgressState {
            name,
            epoch: Instant::now(),
            last: AtomicU64::new(0),
            rebuild: Notify::new(),
            rebuilds: AtomicU64::new(0),
        }))
    }

    /// The client is doing its job now.
    pub fn advanced(&self) {
        let now = u64::try_from(self.0.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.0.last.store(now, Ordering::Release);
    }

    /// How long since the client last advanced (or was created).
    pub fn stalled_for(&self) -> Duration {
        let last = Duration::from_millis(self.0.last.load(Ordering::Acquire));
        self.0.epoch.elapsed().saturating_sub(last)
    }

    /// Completes when the watchdog asks for a new client (a request made meanwhile is kept).
    pub async fn rebuild_requested(&self) {
        self.0.rebuild.notified().await;
    }

    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// Asks the client for a new one (its watchdog does; so may an operator's tool).
    pub fn request_rebuild(&self) {
        self.0.rebuild.notify_one();
    }

    /// The client replaced itself with a new one.
    pub fn rebuilt(&self) {
        self.0.rebuilds.fetch_add(1, Ordering::AcqRel);
    }

    /// How many times the client was replaced.
    pub fn rebuilds(&self) -> u64 {
        self.0.rebuilds.load(Ordering::Acquire)
    }
}

/// The watchdogs of one service: they share its broker settings and its [`Liveness`].
#[derive(Clone)]
pub struct Watchdog {
    kafka: KafkaSettings,
    settings: WatchdogSettings,
    liveness: Liveness,
}

/// A watchdog's task, run beside the service until shutdown.
pub type WatchTask = Box<dyn FnOnce(CancellationToken) -> BoxFuture<'static, ()> + Send>;

impl Watchdog {
    pub fn new(kafka: &KafkaSettings, settings: WatchdogSettings) -> Self {
        Self {
            kafka: kafka.clone(),
            settings,
            liveness: Liveness::default(),
        }
    }

    pub fn liveness(&self) -> Liveness {
        self.liveness.clone()
    }

    /// A client to watch, named for the logs and `/health` (e.g. `consumer billing`): the
    /// [`Progress`] it reports on, and the watchdog task to run beside it.
    pub fn watch(&self, name: impl Into<String>) -> (Progress, WatchTask) {
        let progress = Progress::new(name.into());
        let watched = progress.clone();
        let watchdog = self.clone();
        let task: WatchTask = Box::new(move |shutdown| Box::pin(watchdog.run(watched, shutdown)));
        (progress, task)
    }

    async fn run(self, progress: Progress, shutdown: CancellationToken) {
        let WatchdogSettings {
            stall,
            grace,
            check_every,
        } = self.settings;
        // Since when the broker has answered without a break, as seen from here.
        let mut broker_since: Option<Instant> = None;
        let mut rebuilt_at: Option<Instant> = None;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(check_every) => {}
            }
            let stalled = progress.stalled_for();
            if stalled < check_every {
                rebuilt_at = None;
                continue;
            }
            if !crate::kafka::broker_answers(&self.kafka, Duration::from_secs(2)).await {
                broker_since = None;
                continue;
            }
            let now = Instant::now();
            let broker_for = now - *broker_since.get_or_insert(now);
            let stalled_while_up = stalled.min(broker_for + check_every);
            match rebuilt_at {
                None if stalled_while_up >= stall => {
                    tracing::warn!(
                        client = progress.name(),
                        stalled_seconds = stalled.as_secs(),
                        "Kafka client made no progress while the broker answers; rebuilding it"
                    );
                    progress.request_rebuild();
                    rebuilt_at = Some(now);
                }
                Some(at) if now - at >= grace => {
                    self.liveness.fail(format!(
                        "{}: no progress for {} s while the broker answers, even after a new client",
                        progress.name(),
                        stalled.as_secs()
                    ));
                    return;
                }
                _ => {}
            }
        }
    }
}
