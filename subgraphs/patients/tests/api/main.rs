//! Integration tests: each spawns the patients subgraph on a random port against its own
//! fresh MariaDB database and its own Kafka topic (see `helpers`).

mod audit;
mod entities;
mod errors;
mod faults;
mod helpers;
mod lifecycle;
mod listing;
mod schema;
