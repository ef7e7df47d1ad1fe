//! Who may call the API.
//!
//! - [`Role`]s and the [`scope`]s each grants: the table the README's API section shows and
//!   the schema's `@requiresScopes` checks.
//! - [`Claims`]: what a token says about its bearer (subject, role, scopes, and the patient
//!   or doctor it is), as the router validates it and the subgraphs read it.
//! - [`DevIssuer`]: the development issuer, an Ed25519 key pair kept outside the repository
//!   that signs tokens for local use (`scripts/token.sh`) and tests (a throwaway key each).
//!   A production deployment refuses it ([`is_development_key_set`]).

mod claims;
mod dev_issuer;
mod roles;

pub use claims::{AUDIENCE, Claims, Grant, GrantError, not_yet_valid};
pub use dev_issuer::{
    DEVELOPMENT_ISSUER, DEVELOPMENT_KEY_PREFIX, DevIssuer, is_development_key_set,
};
pub use roles::{Role, UnknownRole, scope};
