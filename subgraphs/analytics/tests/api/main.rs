//! Integration tests: the analytics subgraph on a random port with a fresh MongoDB
//! database, fed the producers' own events through its own Kafka topics (see `helpers`).

mod counting;
mod faults;
mod helpers;
mod queries;
mod schema;
mod script;
