//! The platform's roles as child processes of this binary, under a supervisor that starts again
//! whatever exits (as compose's `restart: unless-stopped` does) and remembers every exit it was
//! not asked for, so a fault that takes a process down by accident shows.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};
use tokio::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Bank,
    Api(usize),
    Worker(usize),
    Scheduler,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Bank => write!(f, "sandbox-bank"),
            Role::Api(n) => write!(f, "api-{n}"),
            Role::Worker(n) => write!(f, "worker-{n}"),
            Role::Scheduler => write!(f, "scheduler"),
        }
    }
}

/// A process that ended without being asked to.
#[derive(Debug, Clone)]
pub struct Exit {
    pub role: Role,
    pub status: String,
    pub at: Instant,
}

struct Slot {
    role: Role,
    args: Vec<String>,
    env: Vec<(String, String)>,
    child: Option<Child>,
    /// Kept down until released.
    held: bool,
    down_since: Instant,
}

/// Settings of the run's own that a role must not pick up from this process's environment.
const NOT_INHERITED: &[&str] = &[
    "TELEGRAM_TOKEN",
    "TELEGRAM_WEBHOOK_URL",
    "TELEGRAM_WEBHOOK_SECRET",
    "VK_TOKEN",
    "VK_CALLBACK_CONFIRMATION",
    "VK_CALLBACK_SECRET",
    "TOCHKA_THUMBPRINT",
    "TOCHKA_WEBHOOK_PUBLIC_KEY_PATH",
    "GROUPBUY_FAILPOINTS",
    "LOG_FORMAT",
];

/// How long the supervisor waits before starting an exited process again.
const RESTART_AFTER: Duration = Duration::from_millis(500);

#[derive(Clone)]
pub struct Roles {
    slots: Arc<Mutex<Vec<Slot>>>,
    exits: Arc<std::sync::Mutex<Vec<Exit>>>,
    exe: PathBuf,
    /// The run's directory: the working directory of every role, and where their logs go.
    dir: PathBuf,
    env: Arc<Vec<(String, String)>>,
}

impl Roles {
    pub fn new(exe: PathBuf, dir: PathBuf, env: Vec<(String, String)>) -> Self {
        Self { slots: Arc::default(), exits: Arc::default(), exe, dir, env: Arc::new(env) }
    }

    /// Starts `role` as `groupbuy ARGS…` with `env` on top of the run's.
    pub async fn add(&self, role: Role, args: &[&str], env: Vec<(String, String)>) -> anyhow::Result<()> {
        let mut slot = Slot {
            role,
            args: args.iter().map(|a| a.to_string()).collect(),
            env,
            child: None,
            held: false,
            down_since: Instant::now(),
        };
        slot.child = Some(self.spawn(&slot)?);
        self.slots.lock().await.push(slot);
        Ok(())
    }

    fn spawn(&self, slot: &Slot) -> anyhow::Result<Child> {
        let log =
            std::fs::OpenOptions::new().create(true).append(true).open(self.dir.join(format!("{}.log", slot.role)))?;
        let mut command = Command::new(&self.exe);
        command.args(&slot.args).current_dir(&self.dir);
        for name in NOT_INHERITED {
            command.env_remove(name);
        }
        let child = command
            .envs(self.env.iter().cloned())
            .envs(slot.env.iter().cloned())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()?;
        Ok(child)
    }

    /// Watches the processes until the run ends: an exited one is started again shortly after.
    pub fn supervise(&self) -> tokio::task::JoinHandle<()> {
        let roles = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                roles.round().await;
            }
        })
    }

    async fn round(&self) {
        let mut slots = self.slots.lock().await;
        for slot in slots.iter_mut() {
            if let Some(child) = &mut slot.child
                && let Ok(Some(status)) = child.try_wait()
            {
                // (A process killed on purpose was taken out of its slot first: never seen here.)
                tracing::warn!(role = %slot.role, %status, "a role exited; the supervisor starts it again");
                let exit = Exit { role: slot.role, status: status.to_string(), at: Instant::now() };
                self.exits.lock().unwrap_or_else(|e| e.into_inner()).push(exit);
                slot.child = None;
                slot.down_since = Instant::now();
            }
            if slot.child.is_none() && !slot.held && slot.down_since.elapsed() >= RESTART_AFTER {
                match self.spawn(slot) {
                    Ok(child) => slot.child = Some(child),
                    Err(e) => tracing::error!(role = %slot.role, error = %e, "cannot start a role"),
                }
            }
        }
    }

    /// SIGKILL to `role`: no goodbye, nothing flushed. Held down until [`Roles::release`] when
    /// `hold`, otherwise the supervisor starts it again as it would after a crash.
    pub async fn kill9(&self, role: Role, hold: bool) {
        let mut slots = self.slots.lock().await;
        for slot in slots.iter_mut().filter(|s| s.role == role) {
            if let Some(mut child) = slot.child.take() {
                let _ = child.kill().await;
            }
            slot.held = hold;
            slot.down_since = Instant::now();
        }
    }

    pub async fn release(&self, role: Role) {
        for slot in self.slots.lock().await.iter_mut().filter(|s| s.role == role) {
            slot.held = false;
        }
    }

    /// Sets (or with `None` removes) an environment variable of `role`'s next start.
    pub async fn set_env(&self, role: Role, name: &str, value: Option<&str>) {
        for slot in self.slots.lock().await.iter_mut().filter(|s| s.role == role) {
            slot.env.retain(|(n, _)| n != name);
            if let Some(value) = value {
                slot.env.push((name.to_string(), value.to_string()));
            }
        }
    }

    /// Replaces `role`'s process with a fresh one (its environment as now set), as a deploy would.
    pub async fn replace(&self, role: Role) -> anyhow::Result<()> {
        let mut slots = self.slots.lock().await;
        for slot in slots.iter_mut().filter(|s| s.role == role) {
            if let Some(mut child) = slot.child.take() {
                let _ = child.kill().await;
            }
            slot.child = Some(self.spawn(slot)?);
        }
        Ok(())
    }

    /// Exits nobody asked for, after `since`.
    pub fn exits_since(&self, since: Instant) -> Vec<Exit> {
        self.exits.lock().unwrap_or_else(|e| e.into_inner()).iter().filter(|e| e.at >= since).cloned().collect()
    }

    /// Stops every role (SIGKILL: the run is over).
    pub async fn shut_down(&self) {
        for slot in self.slots.lock().await.iter_mut() {
            slot.held = true;
            if let Some(mut child) = slot.child.take() {
                let _ = child.kill().await;
            }
        }
    }
}
