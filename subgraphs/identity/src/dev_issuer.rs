//! The development issuer: an Ed25519 key pair that signs tokens for local use and tests.
//!
//! Its private key lives outside the repository (`~/.config/pms/dev-issuer/`, or
//! `PMS_DEV_ISSUER_DIR`), created on first use; beside it, `jwks.json` is the public key
//! set the router's `JWKS_FILE` names. Its key ids start with [`DEVELOPMENT_KEY_PREFIX`] so
//! that a production deployment can recognise and refuse them.

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use anyhow::Context as _;
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::signature::{Ed25519KeyPair, KeyPair as _};

use crate::{Claims, Grant};

/// The `iss` of the development issuer's tokens.
pub const DEVELOPMENT_ISSUER: &str = "pms-development";
/// How the development issuer's key ids begin.
pub const DEVELOPMENT_KEY_PREFIX: &str = "pms-development-";

const KEY_FILE: &str = "issuer.pk8";
const JWKS_FILE: &str = "jwks.json";

pub struct DevIssuer {
    key: EncodingKey,
    kid: String,
    public: Vec<u8>,
}

impl DevIssuer {
    /// A new key pair, kept in memory only (tests).
    pub fn generate() -> anyhow::Result<Self> {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new())
            .map_err(|_| anyhow::anyhow!("no randomness for a key pair"))?;
        Self::from_pkcs8(pkcs8.as_ref())
    }

    fn from_pkcs8(pkcs8: &[u8]) -> anyhow::Result<Self> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8)
            .map_err(|problem| anyhow::anyhow!("not an Ed25519 key (PKCS#8): {problem}"))?;
        let public = pair.public_key().as_ref().to_vec();
        let fingerprint: String = public[..6]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Ok(Self {
            key: EncodingKey::from_ed_der(pkcs8),
            kid: format!("{DEVELOPMENT_KEY_PREFIX}{fingerprint}"),
            public,
        })
    }

    /// Where the development key pair lives: `PMS_DEV_ISSUER_DIR`, else
    /// `$XDG_CONFIG_HOME/pms/dev-issuer`, else `~/.config/pms/dev-issuer`.
    pub fn default_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os("PMS_DEV_ISSUER_DIR") {
            return dir.into();
        }
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".config")))
            .unwrap_or_else(|| PathBuf::from("."));
        config.join("pms").join("dev-issuer")
    }

    /// The key pair kept in `dir`, created there (private key readable by its owner only,
    /// and `jwks.json`) if there is none yet.
    pub fn open_or_create(dir: &Path) -> anyhow::Result<Self> {
        let key_path = dir.join(KEY_FILE);
        let issuer = match std::fs::read(&key_path) {
            Ok(pkcs8) => Self::from_pkcs8(&pkcs8)
                .with_context(|| format!("reading the development key {}", key_path.display()))?,
            Err(missing) if missing.kind() == std::io::ErrorKind::NotFound => {
                let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new())
                    .map_err(|_| anyhow::anyhow!("no randomness for a key pair"))?;
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                write_private(&key_path, pkcs8.as_ref())?;
                Self::from_pkcs8(pkcs8.as_ref())?
            }
            Err(problem) => {
                return Err(problem).with_context(|| format!("reading {}", key_path.display()));
            }
        };
        issuer.write_jwks(&dir.join(JWKS_FILE))?;
        Ok(issuer)
    }

    /// The public key set (JWKS) that verifies this issuer's tokens.
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({
            "keys": [{
                "kty": "OKP",
                "crv": "Ed25519",
                "use": "sig",
                "alg": "EdDSA",
                "kid": self.kid,
                "x": URL_SAFE_NO_PAD.encode(&self.public),
            }]
        })
    }

    pub fn write_jwks(&self, path: &Path) -> anyhow::Result<()> {
        std::fs::write(path, self.jwks().to_string())
            .with_context(|| format!("writing {}", path.display()))
    }

    /// A token with exactly these claims (tests build expired or foreign ones with it).
    pub fn sign(&self, claims: &Claims) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.key).expect("an Ed25519 key signs any claims")
    }

    /// A token for `grant`, valid from now for `lifetime`.
    pub fn token(&self, grant: &Grant, lifetime: Duration) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        self.sign(&grant.claims(DEVELOPMENT_ISSUER, now, lifetime.as_secs()))
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))
}

/// Whether a JWKS document holds a development issuer's key.
pub fn is_development_key_set(jwks: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(jwks)
        .ok()
        .and_then(|set| set["keys"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .any(|key| {
            key["kid"]
                .as_str()
                .is_some_and(|kid| kid.starts_with(DEVELOPMENT_KEY_PREFIX))
        })
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{DecodingKey, Validation, jwk::JwkSet};

    use super::*;
    use crate::{AUDIENCE, Role};

    fn verify(jwks: &serde_json::Value, token: &str) -> jsonwebtoken::errors::Result<Claims> {
        let set: JwkSet = serde_json::from_value(jwks.clone()).expect("a JWKS");
        let key = DecodingKey::from_jwk(&set.keys[0]).expect("a key");
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[DEVELOPMENT_ISSUER]);
        jsonwebtoken::decode::<Claims>(token, &key, &validation).map(|data| data.claims)
    }

    #[test]
    fn its_tokens_verify_with_its_jwks_and_not_with_another_issuers() {
        let issuer = DevIssuer::generate().expect("key pair");
        let token = issuer.token(&Grant::staff(Role::FrontDesk), Duration::from_secs(60));
        let claims = verify(&issuer.jwks(), &token).expect("valid");
        assert_eq!(claims.role, Role::FrontDesk);
        assert_eq!(claims.iss, DEVELOPMENT_ISSUER);

        let other = DevIssuer::generate().expect("key pair");
        assert!(verify(&other.jwks(), &token).is_err());
    }

    #[test]
    fn the_key_pair_is_created_once_and_kept_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("pms-issuer-{}", uuid::Uuid::now_v7()));
        let first = DevIssuer::open_or_create(&dir).expect("created");
        let again = DevIssuer::open_or_create(&dir).expect("opened");
        assert_eq!(first.jwks(), again.jwks());
        let mode = std::fs::metadata(dir.join(KEY_FILE))
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let jwks = std::fs::read_to_string(dir.join(JWKS_FILE)).expect("jwks.json");
        assert!(is_development_key_set(&jwks));
        let token = again.token(&Grant::staff(Role::Administrator), Duration::from_secs(60));
        verify(&serde_json::from_str(&jwks).expect("json"), &token).expect("valid");
        std::fs::remove_dir_all(dir).expect("clean up");
    }

    #[test]
    fn a_foreign_key_set_is_not_the_development_one() {
        let foreign = r#"{"keys":[{"kty":"RSA","kid":"idp-2026","n":"AQAB","e":"AQAB"}]}"#;
        assert!(!is_development_key_set(foreign));
        assert!(!is_development_key_set("not json"));
    }
}
