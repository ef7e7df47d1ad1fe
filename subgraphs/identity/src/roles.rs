//! Roles and the scopes each grants.

use serde::{Deserialize, Serialize};

/// The scopes the schema asks for (`@requiresScopes`). Contact details and date of birth
/// are protected health information with a scope of their own.
pub mod scope {
    /// Patients' names and ids.
    pub const PATIENTS_READ: &str = "patients:read";
    /// Patients' contact details, date of birth and address (PHI).
    pub const PATIENTS_CONTACT: &str = "patients:contact";
    /// Register a patient, change their details.
    pub const PATIENTS_WRITE: &str = "patients:write";
    /// Archive a patient.
    pub const PATIENTS_ARCHIVE: &str = "patients:archive";
    /// Doctors and their specializations.
    pub const DOCTORS_READ: &str = "doctors:read";
    /// Register and change doctors.
    pub const DOCTORS_WRITE: &str = "doctors:write";
    /// Set doctors' weekly hours, time off and extra hours.
    pub const SCHEDULES_WRITE: &str = "schedules:write";
    /// Appointments and their live updates.
    pub const APPOINTMENTS_READ: &str = "appointments:read";
    /// Book, reschedule and cancel.
    pub const APPOINTMENTS_BOOK: &str = "appointments:book";
    /// Book outside a doctor's working hours, on purpose.
    pub const APPOINTMENTS_OUTSIDE_HOURS: &str = "appointments:outside-hours";
    /// Check a patient in.
    pub const APPOINTMENTS_CHECK_IN: &str = "appointments:check-in";
    /// Complete an appointment or mark it a no-show.
    pub const APPOINTMENTS_TREAT: &str = "appointments:treat";
    /// Bills and balances.
    pub const BILLS_READ: &str = "bills:read";
    /// Record a payment.
    pub const BILLS_PAY: &str = "bills:pay";
    /// The clinic's statistics.
    pub const ANALYTICS_READ: &str = "analytics:read";
    /// The audit trail.
    pub const AUDIT_READ: &str = "audit:read";

    /// Every scope, in the order of the README's table.
    pub const ALL: [&str; 16] = [
        PATIENTS_READ,
        PATIENTS_CONTACT,
        PATIENTS_WRITE,
        PATIENTS_ARCHIVE,
        DOCTORS_READ,
        DOCTORS_WRITE,
        SCHEDULES_WRITE,
        APPOINTMENTS_READ,
        APPOINTMENTS_BOOK,
        APPOINTMENTS_OUTSIDE_HOURS,
        APPOINTMENTS_CHECK_IN,
        APPOINTMENTS_TREAT,
        BILLS_READ,
        BILLS_PAY,
        ANALYTICS_READ,
        AUDIT_READ,
    ];
}

/// Who a caller is to the clinic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    FrontDesk,
    Doctor,
    BillingClerk,
    Administrator,
    /// A patient, for themself (self-service).
    Patient,
}

#[derive(Debug, thiserror::Error)]
#[error("unknown role `{0}`; the roles are {roles}", roles = Role::NAMES.join(", "))]
pub struct UnknownRole(pub String);

impl Role {
    pub const ALL: [Role; 5] = [
        Role::FrontDesk,
        Role::Doctor,
        Role::BillingClerk,
        Role::Administrator,
        Role::Patient,
    ];
    const NAMES: [&str; 5] = [
        "front-desk",
        "doctor",
        "billing-clerk",
        "administrator",
        "patient",
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::FrontDesk => Self::NAMES[0],
            Role::Doctor => Self::NAMES[1],
            Role::BillingClerk => Self::NAMES[2],
            Role::Administrator => Self::NAMES[3],
            Role::Patient => Self::NAMES[4],
        }
    }

    /// The scopes the role grants. A doctor's and a patient's are narrowed further to their
    /// own records by the subgraphs.
    pub fn scopes(self) -> &'static [&'static str] {
        use scope::*;
        match self {
            Role::FrontDesk => &[
                PATIENTS_READ,
                PATIENTS_CONTACT,
                PATIENTS_WRITE,
                DOCTORS_READ,
                SCHEDULES_WRITE,
                APPOINTMENTS_READ,
                APPOINTMENTS_BOOK,
                APPOINTMENTS_CHECK_IN,
                BILLS_READ,
            ],
            Role::Doctor => &[
                PATIENTS_READ,
                PATIENTS_CONTACT,
                DOCTORS_READ,
                APPOINTMENTS_READ,
                APPOINTMENTS_TREAT,
            ],
            Role::BillingClerk => &[
                PATIENTS_READ,
                DOCTORS_READ,
                BILLS_READ,
                BILLS_PAY,
                ANALYTICS_READ,
            ],
            Role::Administrator => &scope::ALL,
            Role::Patient => &[
                PATIENTS_READ,
                PATIENTS_CONTACT,
                PATIENTS_WRITE,
                DOCTORS_READ,
                APPOINTMENTS_READ,
                APPOINTMENTS_BOOK,
                BILLS_READ,
                BILLS_PAY,
            ],
        }
    }

    /// Whether a token of this role names the patient or doctor it is.
    pub fn needs_person(self) -> bool {
        matches!(self, Role::Doctor | Role::Patient)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Role {
    type Err = UnknownRole;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.name() == name)
            .ok_or_else(|| UnknownRole(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_back_from_its_name() {
        for role in Role::ALL {
            assert_eq!(role.name().parse::<Role>().expect("known"), role);
            let json = serde_json::to_string(&role).expect("serialises");
            assert_eq!(json, format!("\"{}\"", role.name()));
        }
        let unknown = "nurse".parse::<Role>().expect_err("unknown");
        assert!(
            unknown.to_string().contains("front-desk, doctor"),
            "{unknown}"
        );
    }

    #[test]
    fn only_the_administrator_reads_the_audit_trail_and_archives() {
        for role in Role::ALL {
            let admin = role == Role::Administrator;
            assert_eq!(role.scopes().contains(&scope::AUDIT_READ), admin, "{role}");
            assert_eq!(
                role.scopes().contains(&scope::PATIENTS_ARCHIVE),
                admin,
                "{role}"
            );
        }
    }

    /// The README's table of roles and scopes is this module's, cell for cell.
    #[test]
    fn the_readmes_table_is_the_one_enforced() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
                .expect("README.md");
        let header = readme
            .lines()
            .find(|line| line.starts_with("| scope |"))
            .expect("the table's header");
        let roles: Vec<Role> = header
            .split('|')
            .skip(3)
            .filter(|cell| !cell.trim().is_empty())
            .map(|cell| cell.trim().replace(' ', "-").parse().expect("a role"))
            .collect();
        assert_eq!(roles.len(), Role::ALL.len(), "{header}");
        let mut rows = 0;
        for line in readme.lines().filter(|line| line.starts_with("| `")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let scope = cells[1].trim_matches('`');
            if !scope::ALL.contains(&scope) {
                continue;
            }
            rows += 1;
            for (role, cell) in roles.iter().zip(&cells[3..]) {
                let granted = *cell == "✓";
                assert_eq!(role.scopes().contains(&scope), granted, "{role} / {scope}");
            }
        }
        assert_eq!(rows, scope::ALL.len(), "one row per scope");
    }

    #[test]
    fn the_billing_clerk_sees_no_contact_details() {
        assert!(
            !Role::BillingClerk
                .scopes()
                .contains(&scope::PATIENTS_CONTACT)
        );
        assert!(Role::BillingClerk.scopes().contains(&scope::PATIENTS_READ));
    }
}
