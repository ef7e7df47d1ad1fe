//! Integration tests: each spawns the doctors subgraph on a random port against its own
//! fresh MariaDB database and its own Kafka topic (see `helpers`).

mod entities;
mod errors;
mod helpers;
mod lifecycle;
mod listing;
mod schedule;
mod schema;
