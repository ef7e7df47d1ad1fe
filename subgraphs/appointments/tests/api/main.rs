//! Integration tests: each starts the real patients and doctors subgraphs (on MariaDB) and
//! the appointments subgraph (on PostgreSQL), all on random ports with fresh databases and
//! their own Kafka topics (see `helpers`).

mod booking;
mod faults;
mod helpers;
mod hours;
mod live;
mod race;
mod schema;
mod slots;
mod time_zones;
mod workflow;
