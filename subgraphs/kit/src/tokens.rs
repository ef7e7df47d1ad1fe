//! The subgraph's own check of the caller's token: the router validates every token, and
//! each subgraph verifies the one it forwards again before building the caller from it
//! ([`crate::context::Caller`]), so no identity is ever taken from an unsigned header.
//!
//! Keys come from `JWKS_FILE` (read at start) or `JWKS_URL` (fetched on first use and every
//! ten minutes, or sooner when a token names a key id not seen yet), issuers and audiences
//! from `JWT_ISSUERS` and `JWT_AUDIENCES`: the router's settings, so that both accept the
//! same tokens.
//!
//! A session sends the same token with every request, and a signature check costs more
//! than the rest of a small read: a token that verified is remembered, by its exact text,
//! for [`REMEMBER`] (and never past its `exp`), so it is checked again at most once a minute.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use jsonwebtoken::{
    Algorithm, DecodingKey, Validation,
    jwk::{Jwk, JwkSet},
};
use tokio::sync::RwLock;

use crate::settings::env_or;

/// How long fetched keys are used before they are fetched again.
const REFRESH: Duration = Duration::from_secs(600);
/// A token naming a key id not in the set fetches the set again, at most this often (a
/// stream of made-up key ids must not become a stream of requests to the provider).
const REFETCH_UNKNOWN: Duration = Duration::from_secs(30);

/// How long a verified token is taken without checking its signature again: a key removed
/// from the set stops being honoured within this long.
pub const REMEMBER: Duration = Duration::from_secs(60);
/// Verified tokens remembered at most; when full, the ones past their time are dropped, or
/// all if none is.
const REMEMBERED: usize = 10_000;
/// Clock skew allowed on `exp` and `nbf`, as the router allows it.
const LEEWAY_SECONDS: u64 = 60;

/// The algorithms accepted, as the router's `allowed_algorithms`.
const ALGORITHMS: [Algorithm; 4] = [
    Algorithm::EdDSA,
    Algorithm::ES256,
    Algorithm::RS256,
    Algorithm::PS256,
];

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token does not verify ({0})")]
    Invalid(String),
    #[error("the keys that verify tokens cannot be read: {0}")]
    Keys(String),
}

enum Source {
    Fixed(Keys),
    Url {
        url: String,
        http: reqwest::Client,
        fetched: RwLock<Option<(Keys, Instant)>>,
    },
}

/// A key set's keys, each decoded once, when the set is read, not on every request.
type Keys = Arc<Vec<Key>>;

struct Key {
    kid: Option<String>,
    /// The algorithm the key declares (`alg`), if it declares one.
    declared: Option<Result<Algorithm, String>>,
    decoding: Result<DecodingKey, String>,
}

fn prepared(set: JwkSet) -> Keys {
    let key = |jwk: &Jwk| Key {
        kid: jwk.common.key_id.clone(),
        declared: jwk.common.key_algorithm.map(|declared| {
            declared
                .to_string()
                .parse::<Algorithm>()
                .map_err(|problem| problem.to_string())
        }),
        decoding: DecodingKey::from_jwk(jwk).map_err(|problem| problem.to_string()),
    };
    Arc::new(set.keys.iter().map(key).collect())
}

/// Verifies tokens as the router does.
pub struct TokenVerifier {
    source: Source,
    issuers: Vec<String>,
    audiences: Vec<String>,
    verified: Mutex<HashMap<Box<str>, Verified>>,
}

/// A token that verified, and until when it is taken as verified.
struct Verified {
    claims: identity::Claims,
    until: Instant,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("issuers", &self.issuers)
            .field("audiences", &self.audiences)
            .finish_non_exhaustive()
    }
}

impl TokenVerifier {
    /// A verifier of tokens signed by a key of `jwks` (a JWKS document).
    pub fn from_jwks(
        jwks: &str,
        issuers: Vec<String>,
        audiences: Vec<String>,
    ) -> anyhow::Result<Self> {
        let keys: JwkSet = serde_json::from_str(jwks)
            .map_err(|problem| anyhow::anyhow!("not a JWKS document: {problem}"))?;
        Ok(Self {
            source: Source::Fixed(prepared(keys)),
            issuers,
            audiences,
            verified: Mutex::default(),
        })
    }

    /// From `JWKS_FILE` or `JWKS_URL` (with `JWT_ISSUERS`, `JWT_AUDIENCES`); `None` when
    /// neither is set.
    pub fn from_env() -> anyhow::Result<Option<Self>> {
        let list = |name: &str, default: &str| -> Vec<String> {
            env_or(name, default)
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let issuers = list("JWT_ISSUERS", identity::DEVELOPMENT_ISSUER);
        let audiences = list("JWT_AUDIENCES", identity::AUDIENCE);
        let file = env_or("JWKS_FILE", "");
        let url = env_or("JWKS_URL", "");
        if !url.is_empty() {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()?;
            return Ok(Some(Self {
                source: Source::Url {
                    url,
                    http,
                    fetched: RwLock::new(None),
                },
                issuers,
                audiences,
                verified: Mutex::default(),
            }));
        }
        if file.is_empty() {
            return Ok(None);
        }
        let jwks = std::fs::read_to_string(&file)
            .map_err(|problem| anyhow::anyhow!("JWKS_FILE={file} cannot be read: {problem}"))?;
        Self::from_jwks(&jwks, issuers, audiences)
            .map(Some)
            .map_err(|problem| anyhow::anyhow!("JWKS_FILE={file}: {problem}"))
    }

    /// The claims of `token` if it verifies: a known key, an accepted algorithm, issuer and
    /// audience, not expired, not before its `nbf`.
    pub async fn verify(&self, token: &str) -> Result<identity::Claims, TokenError> {
        if let Some(claims) = self.remembered(token) {
            return Ok(claims);
        }
        let claims = self.check(token).await?;
        self.remember(token, &claims);
        Ok(claims)
    }

    /// The claims of `token` if it verified less than [`REMEMBER`] ago and has not expired.
    fn remembered(&self, token: &str) -> Option<identity::Claims> {
        let verified = self
            .verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = verified.get(token)?;
        (Instant::now() < entry.until && !expired(&entry.claims)).then(|| entry.claims.clone())
    }

    fn remember(&self, token: &str, claims: &identity::Claims) {
        let now = Instant::now();
        let mut verified = self
            .verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if verified.len() >= REMEMBERED {
            verified.retain(|_, entry| entry.until > now);
            if verified.len() >= REMEMBERED {
                verified.clear();
            }
        }
        let entry = Verified {
            claims: claims.clone(),
            until: now + REMEMBER,
        };
        verified.insert(token.into(), entry);
    }

    /// Checks `token`'s signature, algorithm, issuer, audience and times.
    async fn check(&self, token: &str) -> Result<identity::Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|problem| TokenError::Invalid(problem.to_string()))?;
        let keys = self.keys(header.kid.as_deref()).await?;
        let candidates = keys
            .iter()
            .filter(|key| header.kid.is_none() || key.kid == header.kid);
        let mut last = TokenError::Invalid("no key of the key set matches it".to_owned());
        for key in candidates {
            match self.verify_with(token, header.alg, key) {
                Ok(claims) => return Ok(claims),
                Err(problem) => last = problem,
            }
        }
        Err(last)
    }

    fn verify_with(
        &self,
        token: &str,
        alg: Algorithm,
        key: &Key,
    ) -> Result<identity::Claims, TokenError> {
        let invalid =
            |problem: jsonwebtoken::errors::Error| TokenError::Invalid(problem.to_string());
        let alg = match &key.declared {
            Some(declared) => declared.clone().map_err(TokenError::Invalid)?,
            None => alg,
        };
        if !ALGORITHMS.contains(&alg) {
            return Err(TokenError::Invalid(format!("{alg:?} is not accepted")));
        }
        let decoding = key
            .decoding
            .as_ref()
            .map_err(|problem| TokenError::Invalid(problem.clone()))?;
        let mut validation = Validation::new(alg);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&self.issuers);
        validation.set_audience(&self.audiences);
        jsonwebtoken::decode::<identity::Claims>(token, decoding, &validation)
            .map(|data| data.claims)
            .map_err(invalid)
    }

    async fn keys(&self, kid: Option<&str>) -> Result<Keys, TokenError> {
        let (url, http, fetched) = match &self.source {
            Source::Fixed(keys) => return Ok(Arc::clone(keys)),
            Source::Url { url, http, fetched } => (url, http, fetched),
        };
        let current = |cached: &Option<(Keys, Instant)>| {
            cached.as_ref().and_then(|(keys, at)| {
                let known =
                    kid.is_none_or(|kid| keys.iter().any(|key| key.kid.as_deref() == Some(kid)));
                let age = at.elapsed();
                (age < REFRESH && (known || age < REFETCH_UNKNOWN)).then(|| Arc::clone(keys))
            })
        };
        if let Some(keys) = current(&*fetched.read().await) {
            return Ok(keys);
        }
        let mut cached = fetched.write().await;
        if let Some(keys) = current(&cached) {
            return Ok(keys);
        }
        let keys: JwkSet = http
            .get(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|problem| TokenError::Keys(format!("{url}: {problem}")))?
            .json()
            .await
            .map_err(|problem| TokenError::Keys(format!("{url}: {problem}")))?;
        let keys = prepared(keys);
        *cached = Some((Arc::clone(&keys), Instant::now()));
        Ok(keys)
    }
}

/// Whether `claims` are past their `exp` (with the leeway verification allows).
fn expired(claims: &identity::Claims) -> bool {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    now > claims.exp.saturating_add(LEEWAY_SECONDS)
}

#[cfg(test)]
mod tests {
    use identity::{DEVELOPMENT_ISSUER, DevIssuer, Grant, Role};

    use super::*;

    fn verifier(issuer: &DevIssuer) -> TokenVerifier {
        TokenVerifier::from_jwks(
            &issuer.jwks().to_string(),
            vec![DEVELOPMENT_ISSUER.to_owned()],
            vec![identity::AUDIENCE.to_owned()],
        )
        .expect("a verifier")
    }

    #[tokio::test]
    async fn a_verified_token_is_remembered_by_its_exact_text_and_never_past_its_expiry() {
        let issuer = DevIssuer::generate().expect("key pair");
        let verifier = verifier(&issuer);
        let grant = Grant::new(Role::Patient, Some(uuid::Uuid::now_v7())).expect("grant");
        let token = issuer.token(&grant, Duration::from_secs(60));
        let claims = verifier.verify(&token).await.expect("verifies");
        assert_eq!(verifier.remembered(&token), Some(claims), "remembered");

        // One character changed in the signature: not the remembered token, and refused.
        let mut tampered = token.clone();
        let last = tampered.pop().expect("a character");
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        assert!(
            verifier.verify(&tampered).await.is_err(),
            "a tampered token"
        );

        // A remembered token past its expiry is not taken.
        let mut stale = verifier.remembered(&token).expect("remembered");
        stale.exp = 1_000;
        verifier.remember("stale", &stale);
        assert_eq!(verifier.remembered("stale"), None, "expired");
    }

    #[tokio::test]
    async fn a_token_of_the_key_set_verifies_and_others_do_not() {
        let issuer = DevIssuer::generate().expect("key pair");
        let verifier = verifier(&issuer);
        let grant = Grant::new(Role::Patient, Some(uuid::Uuid::now_v7())).expect("grant");
        let token = issuer.token(&grant, Duration::from_secs(60));
        let claims = verifier.verify(&token).await.expect("verifies");
        assert_eq!(claims.role, Role::Patient);
        assert_eq!(claims.patient_id, grant.person);

        let stranger = DevIssuer::generate().expect("key pair");
        let foreign = stranger.token(&grant, Duration::from_secs(60));
        assert!(verifier.verify(&foreign).await.is_err());

        let mut later = grant.claims(DEVELOPMENT_ISSUER, 4_000_000_000, 60);
        later.aud = identity::AUDIENCE.to_owned();
        assert!(
            verifier.verify(&issuer.sign(&later)).await.is_err(),
            "not before its nbf"
        );

        let mut other = grant.claims("https://elsewhere.example", 1_000, 4_000_000_000);
        other.nbf = 0;
        assert!(
            verifier.verify(&issuer.sign(&other)).await.is_err(),
            "another issuer"
        );
    }
}
