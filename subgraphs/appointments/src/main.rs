//! `appointments`: run the subgraph, or `appointments --print-schema` to print its federation SDL.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|arg| arg == "--print-schema") {
        print!("{}", appointments::graphql::sdl());
        return Ok(());
    }
    kit::telemetry::init("appointments");
    let app = appointments::App::build(appointments::Settings::from_env()?).await?;
    app.service.run_until(kit::shutdown::on_signal()).await
}
