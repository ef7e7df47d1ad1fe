//! `fhir`: the FHIR R4 interface on port 8090, a client of the router's GraphQL API.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    kit::telemetry::init("fhir");
    let settings = fhir::Settings::from_env()?;
    fhir::serve(&settings, kit::shutdown::on_signal()).await
}
