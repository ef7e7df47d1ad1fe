//! Integration tests: the billing subgraph on a random port with a fresh PostgreSQL
//! database, fed appointment events through its own Kafka topics (see `helpers`).

mod consuming;
mod helpers;
mod paying;
mod schema;
mod start;
