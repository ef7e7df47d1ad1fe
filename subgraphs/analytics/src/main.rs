//! `analytics`: run the subgraph; `analytics --print-schema` prints its federation SDL;
//! `analytics --rebuild` recomputes the statistics from the stored events (stop the service
//! first).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|arg| arg == "--print-schema") {
        print!("{}", analytics::graphql::sdl());
        return Ok(());
    }
    kit::telemetry::init("analytics");
    let settings = analytics::Settings::from_env()?;
    if std::env::args().any(|arg| arg == "--rebuild") {
        let db = analytics::store::connect(&settings.mongo_url, &settings.database).await?;
        let store = analytics::store::StatsStore::new(db, settings.reading);
        let report = store.rebuild().await?;
        println!(
            "rebuilt {} days and {} doctors' hours from {} events ({} skipped: see the log)",
            report.days, report.doctors, report.events, report.skipped
        );
        return Ok(());
    }
    let app = analytics::App::build(settings).await?;
    app.service.run_until(kit::shutdown::on_signal()).await
}
