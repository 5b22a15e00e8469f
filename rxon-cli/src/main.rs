//! `rxon`: the RXON command line.
//!
//! `rxon worker … -- CMD ARGS…` is a worker for any language: it registers with the
//! orchestrator and runs CMD once per task, params JSON on stdin, result data JSON on stdout.

mod run;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use rxon_core::worker::WorkerConfig;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "rxon", version, about = "RXON (Reverse Axon) workers from the command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run CMD once per task: params JSON on its stdin; its stdout is the result data (a JSON
    /// object), or the avtomatika worker SDK's result (`{"status": "failure", "error": {"code":
    /// …, "message": …}}` fails the task); a non-zero exit is a failure; stderr lines
    /// `progress <fraction> <message>` become progress events.
    Worker(WorkerArgs),
}

/// Options of `rxon worker`.
#[derive(clap::Args, Debug)]
pub struct WorkerArgs {
    /// The orchestrator (http://, https://, ws://, wss://).
    #[arg(long, env = "RXON_URL")]
    pub url: String,
    /// The worker's id.
    #[arg(long = "id", env = "RXON_WORKER_ID")]
    pub worker_id: String,
    /// The worker's master token.
    #[arg(long, env = "RXON_TOKEN", hide_env_values = true)]
    pub token: String,
    /// The skill (task type) this worker runs.
    #[arg(long)]
    pub skill: String,
    /// JSON Schema file the task params must meet (else INVALID_INPUT_ERROR, CMD not run).
    #[arg(long)]
    pub input_schema: Option<PathBuf>,
    /// Check the input schema here only, without advertising it to the orchestrator
    /// (avtomatika checks advertised schemas itself before dispatching).
    #[arg(long)]
    pub private_contract: bool,
    /// Tasks run at once.
    #[arg(long, default_value_t = WorkerConfig::DEFAULT_MAX_CONCURRENT_TASKS)]
    pub concurrency: usize,
    /// Long polls kept open at once, each for a free slot (default 1, as avtomatika's worker
    /// SDK polls): with a high --concurrency, more take tasks without waiting a poll's round
    /// trip for each.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrent_polls: u16,
    /// The orchestrator's secret (avtomatika's ORCHESTRATOR_SECRET_KEY): verify each task's
    /// `sig`, failing tasks without a valid one with SECURITY_ERROR. An empty RXON_TASK_SECRET
    /// counts as unset; an empty --task-secret is refused.
    #[arg(long, env = "RXON_TASK_SECRET", hide_env_values = true)]
    pub task_secret: Option<String>,
    /// Exit codes reported as TRANSIENT_ERROR (retried by the orchestrator), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub transient_exit_codes: Vec<i32>,
    /// Seconds between SIGTERM and SIGKILL when a task is cancelled, and of the shutdown grace:
    /// SIGTERM or SIGINT stops the worker within it (twice it when tasks must be cancelled);
    /// a second signal stops it at once.
    #[arg(long, default_value_t = WorkerConfig::DEFAULT_SHUTDOWN_GRACE.as_secs_f64(), value_parser = seconds)]
    pub grace_seconds: f64,
    /// Seconds between heartbeats.
    #[arg(long, default_value_t = WorkerConfig::DEFAULT_HEARTBEAT_INTERVAL.as_secs_f64(), value_parser = seconds)]
    pub heartbeat_seconds: f64,
    /// Folder of the outbox, where results wait on disk until the orchestrator has them
    /// (delivered first at the next start when the worker stopped or died before). Default:
    /// $XDG_STATE_HOME/rxon/outbox, else ~/.local/state/rxon/outbox.
    #[arg(long, env = "RXON_OUTBOX", conflicts_with = "no_outbox")]
    pub outbox: Option<PathBuf>,
    /// Keep results in memory only (a diskless device): a result not delivered when the worker
    /// stops is lost.
    #[arg(long)]
    pub no_outbox: bool,
    /// Log format.
    #[arg(long, value_parser = ["text", "json"], default_value = "text")]
    pub log_format: String,
    /// The program and its arguments.
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
}

/// A number of seconds: finite and not negative.
fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if (0.0..1e9).contains(&seconds) => Ok(seconds),
        _ => Err(format!("{text:?} is not a number of seconds (0 or more)")),
    }
}

fn main() {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    let Command::Worker(mut args) = cli.command;
    // Deployment templates often leave the variable set but empty: that is no secret.
    let from_env = matches
        .subcommand_matches("worker")
        .and_then(|worker| worker.value_source("task_secret"))
        == Some(ValueSource::EnvVariable);
    if from_env && args.task_secret.as_deref() == Some("") {
        args.task_secret = None;
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    if args.log_format == "json" {
        logs.json().init();
    } else {
        logs.init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("rxon: cannot start the runtime: {err}");
            std::process::exit(1);
        }
    };
    let code = runtime.block_on(run::worker(args));
    std::process::exit(code);
}
