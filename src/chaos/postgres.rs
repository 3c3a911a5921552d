//! A PostgreSQL cluster of the run's own (`initdb` into its directory, a free port), so it can be
//! stopped and started while other work on the machine keeps using the shared one. As root the
//! server runs as `postgres`, which PostgreSQL insists on.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use tokio::process::Command;

pub struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
    pub port: u16,
    as_postgres: bool,
}

impl Postgres {
    /// Creates the cluster under `dir` and starts it.
    pub async fn start(dir: &Path, bin: Option<PathBuf>) -> anyhow::Result<Self> {
        let bin = match bin {
            Some(bin) => bin,
            None => find_bin()?,
        };
        let data = dir.join("pg");
        std::fs::create_dir_all(&data)?;
        let as_postgres = is_root().await;
        if as_postgres {
            run(Command::new("chown").arg("-R").arg("postgres:postgres").arg(dir), "chown").await?;
        }
        let postgres = Self { log: dir.join("postgres.log"), data, bin, port: super::free_port()?, as_postgres };
        let initdb = postgres.command("initdb");
        postgres.run_as(initdb, &["-D", &postgres.data_str(), "-A", "trust", "-U", "postgres", "--no-sync"]).await?;
        postgres.start_server().await?;
        Ok(postgres)
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Stops the server the way an orderly restart does (`-m fast`: sessions are ended, work in
    /// flight rolls back, everything committed is on disk).
    pub async fn stop(&self) -> anyhow::Result<()> {
        let ctl = self.command("pg_ctl");
        self.run_as(ctl, &["-D", &self.data_str(), "-m", "fast", "-w", "stop"]).await
    }

    pub async fn start_server(&self) -> anyhow::Result<()> {
        let options =
            format!("-p {} -c listen_addresses=127.0.0.1 -k {} -c max_connections=300", self.port, self.data_str());
        let ctl = self.command("pg_ctl");
        let log = self.log.to_string_lossy().into_owned();
        self.run_as(ctl, &["-D", &self.data_str(), "-l", &log, "-o", &options, "-w", "-t", "60", "start"]).await
    }

    /// At the end of the run: no need to be gentle.
    pub async fn shut_down(&self) {
        let ctl = self.command("pg_ctl");
        if let Err(e) = self.run_as(ctl, &["-D", &self.data_str(), "-m", "immediate", "-w", "stop"]).await {
            tracing::warn!(error = %e, "stopping the run's PostgreSQL");
        }
    }

    fn data_str(&self) -> String {
        self.data.to_string_lossy().into_owned()
    }

    fn command(&self, tool: &str) -> PathBuf {
        self.bin.join(tool)
    }

    async fn run_as(&self, tool: PathBuf, args: &[&str]) -> anyhow::Result<()> {
        let mut command = if self.as_postgres {
            let mut runuser = Command::new("runuser");
            runuser.args(["-u", "postgres", "--"]).arg(&tool);
            runuser
        } else {
            Command::new(&tool)
        };
        command.args(args);
        run(&mut command, &tool.to_string_lossy()).await
    }
}

async fn run(command: &mut Command, what: &str) -> anyhow::Result<()> {
    let output = command.output().await.with_context(|| format!("running {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

async fn is_root() -> bool {
    let id = Command::new("id").arg("-u").output().await;
    id.is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// The newest `/usr/lib/postgresql/<version>/bin` (Debian's layout).
fn find_bin() -> anyhow::Result<PathBuf> {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .with_context(|| format!("no {} (install postgresql, or pass --pg-bin)", root.display()))?
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).context("no PostgreSQL with initdb under /usr/lib/postgresql (pass --pg-bin)")
}
