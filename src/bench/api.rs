use crate::config::Settings;

#[derive(clap::Args)]
pub struct ApiBenchArgs {}

pub async fn run(_settings: &Settings, _args: ApiBenchArgs) -> anyhow::Result<()> {
    anyhow::bail!("bench api: not written yet")
}
