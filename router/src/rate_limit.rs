//! Requests per client, a token bucket each (governor's GCRA): `per_second` sustained, up
//! to `burst` at once. Over it a client gets `429 Too Many Requests` with `Retry-After` and a
//! GraphQL error coded `RATE_LIMITED`, before its request is read, so an abusive client
//! costs the router almost nothing and others keep their share.
//!
//! The client is its address: the TCP peer, or the header named by `client_address_header`
//! when the router sits behind a proxy that sets it (only then: a client could write it
//! itself). `/health` and `/readiness` are never limited.

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock as _, DefaultClock},
};
use hive_router::{
    async_trait,
    ntex::http::{Response, StatusCode, header},
    plugins::{
        hooks::{
            on_http_request::{OnHttpRequestHookFuture, OnHttpRequestHookPayload},
            on_plugin_init::{OnPluginInitPayload, OnPluginInitResult},
        },
        plugin_trait::{RouterPlugin, StartHookPayload as _},
    },
    sonic_rs,
};
use serde::Deserialize;

/// The code of a refusal by the rate limit.
pub const CODE: &str = "RATE_LIMITED";

/// Paths that are never limited: probes must answer whatever a client does.
const OPEN_PATHS: [&str; 2] = ["/health", "/readiness"];

/// How many requests pass between two sweeps of buckets that have refilled.
const SWEEP_EVERY: u64 = 4096;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Requests per second a client may sustain.
    #[serde(deserialize_with = "number")]
    pub(crate) per_second: u32,
    /// Requests a client may send at once, above the sustained rate.
    #[serde(deserialize_with = "number")]
    pub(crate) burst: u32,
    /// A header carrying the client's address, set by a trusted proxy (`x-forwarded-for`:
    /// its first address counts).
    #[serde(default)]
    client_address_header: Option<String>,
}

pub struct RateLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    per_second: u32,
    burst: u32,
    client_address_header: Option<String>,
    seen: AtomicU64,
}

#[async_trait]
impl RouterPlugin for RateLimit {
    type Config = RateLimitConfig;

    fn plugin_name() -> &'static str {
        "rate_limit"
    }

    fn on_plugin_init(payload: OnPluginInitPayload<Self>) -> OnPluginInitResult<Self> {
        let config = payload.config()?;
        let per_second = NonZeroU32::new(config.per_second)
            .ok_or("plugins.rate_limit.config.per_second must be at least 1")?;
        let burst = NonZeroU32::new(config.burst)
            .ok_or("plugins.rate_limit.config.burst must be at least 1")?;
        let quota = Quota::per_second(per_second).allow_burst(burst);
        payload.initialize_plugin(Self {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            per_second: config.per_second,
            burst: config.burst,
            client_address_header: config.client_address_header,
            seen: AtomicU64::new(0),
        })
    }

    fn on_http_request<'req>(
        &'req self,
        payload: OnHttpRequestHookPayload<'req>,
    ) -> OnHttpRequestHookFuture<'req> {
        Box::pin(async move {
            let request = &payload.router_http_request;
            if OPEN_PATHS.contains(&request.path()) {
                return payload.proceed();
            }
            let Some(client) = self.client_of(request) else {
                return payload.proceed();
            };
            self.sweep_now_and_then();
            match self.limiter.check_key(&client) {
                Ok(()) => payload.proceed(),
                Err(not_until) => {
                    let wait = not_until.wait_time_from(self.clock.now());
                    payload.end_with_response(self.refusal(wait))
                }
            }
        })
    }
}

impl RateLimit {
    fn client_of(
        &self,
        request: &hive_router::ntex::web::WebRequest<hive_router::ntex::web::DefaultError>,
    ) -> Option<IpAddr> {
        let forwarded = self.client_address_header.as_deref().and_then(|name| {
            let value = request.headers().get(name)?.to_str().ok()?;
            value.split(',').next()?.trim().parse().ok()
        });
        forwarded.or_else(|| request.peer_addr().map(|address| address.ip()))
    }

    /// Forgets clients whose buckets are full again, so the table holds only the clients of
    /// the last moments however many addresses have called.
    fn sweep_now_and_then(&self) {
        if self.seen.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
    }

    fn refusal(&self, wait: Duration) -> Response {
        // Whole seconds, rounded up: a client retrying after them finds a token.
        let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let retry_after = retry_after.max(1);
        let body = sonic_rs::json!({
            "errors": [{
                "message": format!(
                    "Too many requests from your address: at most {} per second, {} at once (limit `rate_limit`). Retry after {retry_after} s.",
                    self.per_second, self.burst
                ),
                "extensions": {
                    "code": CODE,
                    "limit": "rate_limit",
                    "max": self.per_second,
                    "retryAfterSeconds": retry_after,
                }
            }]
        });
        Response::build(StatusCode::TOO_MANY_REQUESTS)
            .header(header::RETRY_AFTER, retry_after.to_string())
            .content_type("application/json")
            .body(body.to_string())
    }
}

/// A count given as a number, or as a string (what `from_env` yields).
fn number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrText {
        Number(u32),
        Text(String),
    }
    match NumberOrText::deserialize(deserializer)? {
        NumberOrText::Number(number) => Ok(number),
        NumberOrText::Text(text) => text
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("{text:?} is not a whole number"))),
    }
}
