//! Infrastructure shared by every subgraph, and nothing else: no domain types live here.
//!
//! - [`settings`]: reading configuration from environment variables with local defaults.
//! - [`telemetry`]: one-time `tracing` setup (JSON when stdout is not a terminal).
//! - [`error`]: the contract's error codes and the only way errors reach a GraphQL client.
//! - [`context`]: the typed caller context every request carries to resolvers and events.
//! - [`server`]: the axum + async-graphql HTTP bootstrap (`/graphql`, `/ws`, `/health`, `/ready`).
//! - [`limits`]: what one request may ask for (depth, fields, `_entities`, text length).
//! - [`parse_cache`]: an async-graphql extension caching parsed documents by their text.
//! - [`root_spans`]: a tracing span for each root field a request resolves.
//! - [`scalars`]: the contract scalars async-graphql names differently (`Date`).
//! - [`pagination`]: Relay `first`/`after` arguments and cursors.
//! - [`loader`]: batched lookups of entities by id (one query per request tick).
//! - [`events`]: the CloudEvents 1.0 envelope (from `event_contract`), stamped with a request's actor and trace.
//! - [`outbox`]: the transactional outbox and the relay that publishes it to Kafka.
//! - [`audit`]: the audit trail of every read and write of a patient's data.
//! - [`consumer`]: the at-least-once Kafka consumer loop with a dead-letter topic.
//! - [`watchdog`]: Kafka clients rebuilt when stuck, and the process given up when that fails.
//! - [`app`]: starting a service (database, migrations, outbox) and running it bound
//!   (listener, router, relay) under one cancellation token.
//! - [`db`]: the pool and its readiness probe, for either database.
//! - `mysql` (feature): MySQL specifics (`LIKE` escaping, reads of a table of entities).
//! - [`shutdown`]: SIGTERM / Ctrl-C turned into a cancellation token.
//! - `testing` (feature): helpers for integration tests against real servers.

pub mod app;
pub mod audit;
pub mod consumer;
pub mod context;
pub mod db;
pub mod error;
pub mod events;
pub mod kafka;
pub mod limits;
pub mod loader;
#[cfg(feature = "mysql")]
pub mod mysql;
pub mod outbox;
pub mod pagination;
pub mod parse_cache;
pub mod root_spans;
pub mod scalars;
pub mod server;
pub mod settings;
pub mod shutdown;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;
pub mod trust;
pub mod watchdog;
