//! `patients`: run the subgraph, or `patients --print-schema` to print its federation SDL.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|arg| arg == "--print-schema") {
        print!("{}", patients::graphql::sdl());
        return Ok(());
    }
    kit::telemetry::init("patients");
    let app = patients::App::build(patients::Settings::from_env()?).await?;
    app.service.run_until(kit::shutdown::on_signal()).await
}
