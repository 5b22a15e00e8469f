//! What a worker is and how it behaves.

use super::outbox::Outbox;
use super::usage::DeviceProviders;
use crate::error::{Result, RxonError};
use crate::models::{InstalledArtifact, Resources, SkillInfo, WorkerCapabilities};
use crate::security::tls::ClientTlsOptions;
use std::path::PathBuf;
use std::time::Duration;

/// How worker messages are signed.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Signing {
    /// `timestamp` + HMAC `security.signature` keyed with the master token (avtomatika's rule).
    #[default]
    MasterToken,
    /// `timestamp` + Ed25519 `security.signature` with this private key (PKCS#8 PEM).
    Ed25519(String),
    /// No signatures.
    Off,
}

impl std::fmt::Debug for Signing {
    /// Never the private key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Signing::MasterToken => "MasterToken",
            Signing::Ed25519(_) => "Ed25519(<redacted>)",
            Signing::Off => "Off",
        })
    }
}

impl std::str::FromStr for Signing {
    type Err = RxonError;

    /// `masterToken`, `off`, or an Ed25519 private key (PKCS#8 PEM), as every binding's
    /// options spell it.
    fn from_str(text: &str) -> Result<Self> {
        match text {
            "masterToken" => Ok(Signing::MasterToken),
            "off" => Ok(Signing::Off),
            pem if pem.contains("PRIVATE KEY") => Ok(Signing::Ed25519(pem.to_string())),
            other => Err(RxonError::invalid_value(format!(
                "signing must be 'masterToken', 'off' or an Ed25519 PEM key, not {other:?}"
            ))),
        }
    }
}

impl Signing {
    /// What stamps and signs the messages of `worker_id` (`None` for [`Signing::Off`]).
    pub fn signer(&self, token: &str, worker_id: &str) -> Result<Option<crate::security::MessageSigner>> {
        use crate::security::MessageSigner;
        Ok(match self {
            Signing::MasterToken => Some(MessageSigner::new(token, worker_id)?),
            Signing::Ed25519(pem) => Some(MessageSigner::ed25519(pem, worker_id)?),
            Signing::Off => None,
        })
    }
}

/// A worker's configuration; [`WorkerConfig::new`] gives the defaults. Its `Debug` output
/// leaves the token and the task secret out.
#[derive(Clone)]
pub struct WorkerConfig {
    /// The orchestrator (`http(s)://`, `ws(s)://` or `mock://`).
    pub url: String,
    /// The worker's id.
    pub worker_id: String,
    /// The master token.
    pub token: String,
    /// The skills offered, with their contracts.
    pub skills: Vec<SkillInfo>,
    /// Kind of worker (default `generic`).
    pub worker_type: String,
    /// Hardware.
    pub resources: Option<Resources>,
    /// Host, address, costs.
    pub capabilities: Option<WorkerCapabilities>,
    /// Installed artifacts.
    pub installed_artifacts: Vec<InstalledArtifact>,
    /// Tasks run at once (default 1).
    pub max_concurrent_tasks: usize,
    /// Long polls kept open at once, each for a free slot (default 1, as avtomatika's worker
    /// SDK polls). More lets a worker with many slots take tasks as fast as the orchestrator
    /// hands them out instead of one poll's round trip at a time; each open poll is one
    /// connection to the orchestrator (rxon's listener allows 16 per worker by default).
    pub concurrent_polls: usize,
    /// Time between heartbeats (default 15 s).
    pub heartbeat_interval: Duration,
    /// Shortest time between two heartbeats, also when load changes call for an extra one
    /// (default 2 s, like the reference SDK; avtomatika refuses two identically signed
    /// heartbeats within a second as a replay).
    pub heartbeat_cooldown: Duration,
    /// Long-poll timeout asked of the orchestrator (default 30 s).
    pub poll_timeout: Duration,
    /// How messages are signed (default: with the master token).
    pub signing: Signing,
    /// The orchestrator's secret (avtomatika's `ORCHESTRATOR_SECRET_KEY`): when given, each
    /// task's `sig` is verified and tasks without a valid one fail with `SECURITY_ERROR`
    /// without running. Must not be empty (an empty key is no key: leave it `None`).
    pub task_secret: Option<String>,
    /// First wait after a failed connection, doubled (with jitter) up to `max_backoff`
    /// (default 1 s).
    pub initial_backoff: Duration,
    /// Longest wait between tries (default 60 s).
    pub max_backoff: Duration,
    /// How long tasks in hand may still run when the worker is dropped or shut down without a
    /// grace of its own (default 10 s); then they are cancelled. A stop ends within this grace
    /// when the tasks end within it, and within twice it otherwise (cancelled tasks get one
    /// more grace to report), whatever the network does: results not delivered by then stay
    /// in the outbox.
    pub shutdown_grace: Duration,
    /// Report the usage of these devices in heartbeats (CPU and RAM are always reported).
    pub device_providers: DeviceProviders,
    /// Send the skills' input/output schemas to the orchestrator (default true). avtomatika
    /// checks advertised input schemas before dispatching; with `false` the contracts are
    /// only checked here, and a violation fails the job with `INVALID_INPUT_ERROR`.
    pub advertise_contracts: bool,
    /// How the connection to the orchestrator verifies it and proves the worker (a private CA,
    /// a client certificate for mTLS); default: the system's roots.
    pub tls: ClientTlsOptions,
    /// The folder of the outbox, where results wait on disk until the orchestrator has them
    /// (one file per worker id and orchestrator; see [`super::outbox`]). Default:
    /// [`Outbox::default_dir`] (`$XDG_STATE_HOME/rxon/outbox` or `~/.local/state/rxon/outbox`);
    /// `None` keeps results in memory only (a diskless device), so a worker killed or stopped
    /// before delivering loses them.
    pub outbox_dir: Option<PathBuf>,
}

impl std::fmt::Debug for WorkerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::security::Redacted;
        f.debug_struct("WorkerConfig")
            .field("url", &self.url)
            .field("worker_id", &self.worker_id)
            .field("token", &"<redacted>")
            .field("skills", &self.skills.iter().map(|s| &s.name).collect::<Vec<_>>())
            .field("worker_type", &self.worker_type)
            .field("max_concurrent_tasks", &self.max_concurrent_tasks)
            .field("concurrent_polls", &self.concurrent_polls)
            .field("heartbeat_interval", &self.heartbeat_interval)
            .field("poll_timeout", &self.poll_timeout)
            .field("signing", &self.signing)
            .field("task_secret", &Redacted(&self.task_secret))
            .field("shutdown_grace", &self.shutdown_grace)
            .field("advertise_contracts", &self.advertise_contracts)
            .field("outbox_dir", &self.outbox_dir)
            .finish_non_exhaustive()
    }
}

impl WorkerConfig {
    /// Tasks run at once unless told otherwise.
    pub const DEFAULT_MAX_CONCURRENT_TASKS: usize = 1;
    /// Time between heartbeats unless told otherwise.
    pub const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(15);
    /// Long-poll timeout unless told otherwise.
    pub const DEFAULT_POLL_TIMEOUT: Duration = Duration::from_secs(30);
    /// Grace of a shutdown (and of a dropped worker) unless told otherwise.
    pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

    /// A worker `worker_id` at `url` with `token`, offering `skills`, with every default (these
    /// are the defaults of every binding and of `rxon worker`).
    pub fn new(
        url: impl Into<String>,
        worker_id: impl Into<String>,
        token: impl Into<String>,
        skills: Vec<SkillInfo>,
    ) -> Self {
        WorkerConfig {
            url: url.into(),
            worker_id: worker_id.into(),
            token: token.into(),
            skills,
            worker_type: crate::models::defaults::WORKER_TYPE.into(),
            resources: None,
            capabilities: None,
            installed_artifacts: Vec::new(),
            max_concurrent_tasks: Self::DEFAULT_MAX_CONCURRENT_TASKS,
            concurrent_polls: 1,
            heartbeat_interval: Self::DEFAULT_HEARTBEAT_INTERVAL,
            heartbeat_cooldown: Duration::from_secs(2),
            poll_timeout: Self::DEFAULT_POLL_TIMEOUT,
            signing: Signing::MasterToken,
            task_secret: None,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            shutdown_grace: Self::DEFAULT_SHUTDOWN_GRACE,
            device_providers: DeviceProviders::default(),
            advertise_contracts: true,
            tls: ClientTlsOptions::new(),
            outbox_dir: Outbox::default_dir(),
        }
    }

    /// Refuses what cannot work: an empty `task_secret` (every task would fail its check; the
    /// reference refuses empty secrets too).
    pub fn check(&self) -> Result<()> {
        if self.task_secret.as_deref() == Some("") {
            return Err(RxonError::invalid_value(
                "task_secret is empty: give the orchestrator's secret key, or none to run unsigned tasks",
            )
            .with_detail("field", "task_secret"));
        }
        Ok(())
    }

    /// The outbox file of this worker (its id and orchestrator), if it has an outbox.
    pub fn outbox_path(&self) -> Option<PathBuf> {
        let dir = self.outbox_dir.as_ref()?;
        Some(dir.join(Outbox::file_name(&self.url, &self.worker_id)))
    }

    /// The skill a task type names.
    pub fn skill(&self, name: &str) -> Option<&SkillInfo> {
        self.skills.iter().find(|s| s.name == name)
    }
}
