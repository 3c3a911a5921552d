//! A Redis of the run's own on a free port, configured as compose.yaml runs production's
//! (append-only file, synced every second), that can be killed, restarted from its file, or
//! lost with its file.

use anyhow::Context;
use std::path::PathBuf;
use std::time::Duration;
use tokio::process::{Child, Command};

pub struct RedisServer {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl RedisServer {
    pub async fn start(dir: PathBuf) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        let mut redis = Self { port: super::free_port()?, dir, child: None };
        redis.restart().await?;
        Ok(redis)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: no goodbye to its clients, and up to a second of writes not yet in the file.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// Starts it (again) on the same port from its append-only file; returns once it answers.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.kill().await;
        let log = std::fs::OpenOptions::new().create(true).append(true).open(self.dir.join("redis.log"))?;
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", ""])
            .args(["--appendonly", "yes", "--appendfsync", "everysec", "--dir"])
            .arg(&self.dir)
            .stdout(log)
            .kill_on_drop(true)
            .spawn()
            .context("starting redis-server (is it installed?)")?;
        self.child = Some(child);
        let client = redis::Client::open(self.url())?;
        // PING, not just a connection: Redis refuses commands while it loads its file.
        super::wait_for("Redis to answer", Duration::from_secs(30), || {
            let client = client.clone();
            async move {
                let Ok(mut conn) = client.get_multiplexed_async_connection().await else { return false };
                redis::cmd("PING").query_async::<String>(&mut conn).await.is_ok()
            }
        })
        .await
    }

    /// Deletes its append-only file (call it killed): it comes back empty, as a replaced server
    /// would.
    pub fn forget_everything(&self) -> anyhow::Result<()> {
        for entry in std::fs::read_dir(&self.dir)?.flatten() {
            if entry.file_name() == "redis.log" {
                continue;
            }
            let path = entry.path();
            if path.is_dir() { std::fs::remove_dir_all(path)? } else { std::fs::remove_file(path)? }
        }
        Ok(())
    }
}
