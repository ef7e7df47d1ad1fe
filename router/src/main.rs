//! `router`: Hive Router serving the composed supergraph on port 4004 (config in
//! `router.config.yaml`, or the file `ROUTER_CONFIG_FILE_PATH` names).
//!
//! Unlike stock Hive Router, which starts without a usable supergraph and answers 503, it
//! refuses to start when the supergraph file is missing or is not a composed supergraph,
//! saying which file and why. Its GraphiQL page works offline (see [`graphiql`]), and it
//! serves the front desk web app at `/` ([`front_desk`]); what one
//! request may ask for is bounded and told in words ([`limits`]), each client address
//! has a request rate ([`rate_limit`]), every caller is authenticated ([`identity`]), and no WebSocket message can overflow a worker's
//! stack ([`worker`]).

// Hive Router's service stack is deep; its own crate raises the limit the same way.
#![recursion_limit = "256"]

mod front_desk;
mod graphiql;
mod identity;
mod limits;
mod rate_limit;
mod supergraph;
mod worker;

use hive_router::{
    PluginRegistry, RouterGlobalAllocator, configure_global_allocator, error::RouterInitError,
    init_rustls_crypto_provider, ntex, router_entrypoint,
};

configure_global_allocator!();

fn main() -> Result<(), RouterInitError> {
    if let Err(problem) = supergraph::check_configured() {
        eprintln!("router: {problem}");
        std::process::exit(2);
    }
    init_rustls_crypto_provider();
    // What `#[hive_router::main]` builds, with worker stacks sized by [`worker`].
    ntex::rt::System::build()
        .name("router")
        .stack_size(worker::STACK_BYTES)
        .build(ntex::rt::DefaultRuntime)
        .block_on(async {
            let plugins = PluginRegistry::new()
                .register::<rate_limit::RateLimit>()
                .register::<graphiql::OfflineGraphiql>()
                .register::<front_desk::FrontDesk>()
                .register::<limits::Limits>()
                .register::<identity::Identity>();
            router_entrypoint(plugins).await
        })
}
