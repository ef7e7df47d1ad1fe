//! GraphiQL without a CDN: Hive Router's built-in page loads its scripts from unpkg.com,
//! which clinic networks often cannot reach. This plugin answers a browser's
//! `GET /graphql` with a page that has GraphiQL, React and the styles inlined (bundled by
//! `build.rs` from the npm packages); subscriptions in it go over WebSocket to the same
//! path.

use hive_router::{
    async_trait,
    ntex::http::{Method, Response, header},
    plugins::{
        hooks::{
            on_http_request::{OnHttpRequestHookFuture, OnHttpRequestHookPayload},
            on_plugin_init::{OnPluginInitPayload, OnPluginInitResult},
        },
        plugin_trait::{RouterPlugin, StartHookPayload as _},
    },
};

static PAGE: &str = include_str!(concat!(env!("OUT_DIR"), "/graphiql/graphiql.html"));

/// The path the page answers on: the router's GraphQL endpoint.
const PATH: &str = "/graphql";

pub struct OfflineGraphiql;

#[async_trait]
impl RouterPlugin for OfflineGraphiql {
    type Config = ();

    fn plugin_name() -> &'static str {
        "offline_graphiql"
    }

    fn on_plugin_init(payload: OnPluginInitPayload<Self>) -> OnPluginInitResult<Self> {
        payload.initialize_plugin(Self)
    }

    fn on_http_request<'req>(
        &'req self,
        payload: OnHttpRequestHookPayload<'req>,
    ) -> OnHttpRequestHookFuture<'req> {
        Box::pin(async move {
            let request = &payload.router_http_request;
            let wants_page = request.method() == Method::GET
                && request.path() == PATH
                && request
                    .headers()
                    .get(header::ACCEPT)
                    .and_then(|accept| accept.to_str().ok())
                    .is_some_and(|accept| accept.contains("text/html"));
            if wants_page {
                let page = Response::Ok()
                    .content_type("text/html; charset=utf-8")
                    .body(PAGE);
                return payload.end_with_response(page);
            }
            payload.proceed()
        })
    }
}
