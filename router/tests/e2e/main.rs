//! End to end through the router: the five subgraphs and the router binary, all against
//! real servers (see `system`).

mod abuse;
mod audit;
mod authentication;
mod authorization;
mod faults;
mod fhir_interface;
mod front_desk;
mod graphiql;
mod journey;
mod limits;
mod outage;
mod processes;
mod records;
mod stall;
mod start_up;
mod system;
mod transport;
mod trust;
