//! rxon's soak test (issue 14 §3): nothing lost under faults, counted.
//!
//!     rxon-soak run [--seconds 60] [--python PATH] [--seed N] [--dir DIR]
//!
//! starts the orchestrator (`rxon-soak orchestrator`, rxon's listener with zero trust and a
//! journal), a fault-injecting TCP proxy, and workers on the Rust runtime (`rxon-soak worker`)
//! and — with `--python`, a Python that has `rxon_core` — on the Python binding
//! (`python_worker.py`); injects faults for `--seconds`, waits until every job has its
//! result, prints the counts as a Markdown table and exits 1 when one of them is wrong.

mod journal;
mod orchestrator;
mod processes;
mod proxy;
mod random;
mod run;
mod worker;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "rxon-soak", about = "rxon's soak test: faults injected, every task counted")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The whole soak: orchestrator, proxy, workers, faults, counts.
    Run {
        /// Seconds of faults (then calm until every job has its result).
        #[arg(long, default_value_t = 60.0)]
        seconds: f64,
        /// A Python with rxon_core installed: two more workers, on the Python binding.
        #[arg(long)]
        python: Option<PathBuf>,
        /// The seed of the fault schedule (default: from the clock; printed).
        #[arg(long)]
        seed: Option<u64>,
        /// Where the journal, the outboxes and the logs go (default: a new temporary folder,
        /// removed when the run passes).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Chance that a chunk from a worker is cut short and its connection reset.
        #[arg(long, default_value_t = 0.01)]
        cut_request: f64,
        /// Chance that a chunk from the orchestrator is cut short and its connection reset.
        #[arg(long, default_value_t = 0.01)]
        cut_response: f64,
        /// Chance that a chunk is held 10–300 ms.
        #[arg(long, default_value_t = 0.05)]
        delay: f64,
        /// Seconds before the orchestrator hands a task without a result out again.
        #[arg(long, default_value_t = 10.0)]
        task_timeout: f64,
        /// Tasks each worker runs at once.
        #[arg(long, default_value_t = 4)]
        slots: usize,
        /// Each worker's shutdown grace in seconds.
        #[arg(long, default_value_t = 2.0)]
        grace: f64,
    },
    /// The orchestrator: rxon's listener with zero trust, handing out journaled jobs.
    Orchestrator {
        #[arg(long)]
        bind: String,
        #[arg(long)]
        journal: PathBuf,
        /// `ID:TOKEN`, once per worker.
        #[arg(long = "worker", value_parser = worker_and_token)]
        workers: Vec<(String, String)>,
        #[arg(long)]
        produce_until_ms: u64,
        #[arg(long)]
        task_timeout: f64,
    },
    /// A worker on the core's Rust runtime.
    Worker {
        #[arg(long)]
        url: String,
        #[arg(long)]
        id: String,
        #[arg(long)]
        token: String,
        #[arg(long)]
        outbox: PathBuf,
        #[arg(long)]
        slots: usize,
        #[arg(long)]
        grace: f64,
    },
}

fn worker_and_token(text: &str) -> Result<(String, String), String> {
    text.split_once(':')
        .map(|(id, token)| (id.to_string(), token.to_string()))
        .ok_or_else(|| format!("{text:?} is not ID:TOKEN"))
}

fn seconds(value: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value).map_err(|e| format!("{value} s: {e}"))
}

/// SIGINT or SIGTERM.
async fn terminated() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut interrupt)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = interrupt.recv() => {}
    }
}

fn serve(future: impl Future<Output = Result<(), String>>) -> Result<(), String> {
    tracing_subscriber::fmt()
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    tokio::runtime::Runtime::new()
        .map_err(|e| e.to_string())?
        .block_on(future)
}

fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Run {
            seconds: fault_seconds,
            python,
            seed,
            dir,
            cut_request,
            cut_response,
            delay,
            task_timeout,
            slots,
            grace,
        } => (|| {
            let temporary = dir.is_none();
            let dir = dir.unwrap_or_else(|| std::env::temp_dir().join(format!("rxon-soak-{}", std::process::id())));
            let passed = run::run(run::Options {
                seconds: fault_seconds,
                python,
                seed: seed.unwrap_or_else(|| random::Seed::from_time().next()),
                dir: dir.clone(),
                faults: proxy::Faults {
                    cut_request,
                    cut_response,
                    delay,
                },
                task_timeout: seconds(task_timeout)?,
                slots,
                grace: seconds(grace)?,
            })?;
            if passed && temporary {
                let _ = std::fs::remove_dir_all(&dir);
            }
            if passed {
                Ok(())
            } else {
                Err("the soak failed".to_string())
            }
        })(),
        Command::Orchestrator {
            bind,
            journal,
            workers,
            produce_until_ms,
            task_timeout,
        } => seconds(task_timeout).and_then(|task_timeout| {
            serve(orchestrator::run(orchestrator::Options {
                bind,
                journal,
                workers,
                produce_until_ms,
                task_timeout,
            }))
        }),
        Command::Worker {
            url,
            id,
            token,
            outbox,
            slots,
            grace,
        } => seconds(grace).and_then(|grace| {
            serve(worker::run(worker::Options {
                url,
                worker_id: id,
                token,
                outbox,
                slots,
                grace,
            }))
        }),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("rxon-soak: {err}");
            ExitCode::FAILURE
        }
    }
}
