//! `doctors`: run the subgraph, or `doctors --print-schema` to print its federation SDL.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|arg| arg == "--print-schema") {
        print!("{}", doctors::graphql::sdl());
        return Ok(());
    }
    kit::telemetry::init("doctors");
    let app = doctors::App::build(doctors::Settings::from_env()?).await?;
    app.service.run_until(kit::shutdown::on_signal()).await
}
