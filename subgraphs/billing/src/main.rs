//! `billing`: run the subgraph, or `billing --print-schema` to print its federation SDL.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|arg| arg == "--print-schema") {
        print!("{}", billing::graphql::sdl());
        return Ok(());
    }
    kit::telemetry::init("billing");
    let app = billing::App::build(billing::Settings::from_env()?).await?;
    app.service.run_until(kit::shutdown::on_signal()).await
}
