//! `audit-events`: audit records, published by every service that serves a patient's data.
//! The records themselves are built from a request's caller in `kit::audit`.

pub const RECORDED: &str = "pms.audit.recorded.v1";
