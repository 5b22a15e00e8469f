//! `rxon worker`: one child process per task.

use crate::WorkerArgs;
use rxon_core::constants::{ERROR_CODE_INTERNAL, ERROR_CODE_PERMANENT, ERROR_CODE_TRANSIENT};
use rxon_core::json;
use rxon_core::models::SkillInfo;
use rxon_core::worker::{TaskHandle, Worker, WorkerConfig};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// Runs the worker until SIGINT or SIGTERM; the process exit code.
pub async fn worker(args: WorkerArgs) -> i32 {
    let input_schema = match &args.input_schema {
        None => None,
        Some(path) => match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| json::parse(&b).map_err(|e| e.to_string()))
        {
            Ok(json::Value::Object(schema)) => Some(schema),
            Ok(_) => return fail_start(&format!("{}: the schema is not a JSON object", path.display())),
            Err(err) => return fail_start(&format!("{}: {err}", path.display())),
        },
    };
    let skill = SkillInfo {
        input_schema,
        ..SkillInfo::named(args.skill.clone())
    };
    let mut config = WorkerConfig::new(&args.url, &args.worker_id, &args.token, vec![skill]);
    config.max_concurrent_tasks = args.concurrency.max(1);
    config.concurrent_polls = usize::from(args.concurrent_polls);
    config.task_secret = args.task_secret.clone();
    config.advertise_contracts = !args.private_contract;
    config.heartbeat_interval = Duration::from_secs_f64(args.heartbeat_seconds.max(0.1));
    config.shutdown_grace = Duration::from_secs_f64(args.grace_seconds);
    if args.no_outbox {
        config.outbox_dir = None;
    } else if let Some(dir) = &args.outbox {
        config.outbox_dir = Some(dir.clone());
    }
    let worker = match Worker::start(config) {
        Ok(worker) => Arc::new(worker),
        Err(err) => return fail_start(&err.to_string()),
    };
    let args = Arc::new(args);
    let runner = {
        let (worker, args) = (worker.clone(), args.clone());
        tokio::spawn(async move {
            while let Some(task) = worker.next_task().await {
                tokio::spawn(run_task(task, args.clone()));
            }
        })
    };
    stop_signal().await;
    tracing::info!("stopping: finishing the tasks in flight (a second signal stops at once)");
    tokio::select! {
        _ = worker.shutdown(worker.config().shutdown_grace) => {}
        signal = stop_signal() => {
            // Results already made are in the outbox; the commands still running end now.
            tracing::warn!("second signal: stopping at once");
            kill_running_commands();
            return 128 + signal;
        }
    }
    runner.abort();
    0
}

/// The process groups of the commands running now (each command leads its own).
static RUNNING: std::sync::Mutex<Vec<i32>> = std::sync::Mutex::new(Vec::new());

fn running() -> std::sync::MutexGuard<'static, Vec<i32>> {
    RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// SIGKILL to every running command's process group.
fn kill_running_commands() {
    for group in running().drain(..) {
        let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(group), nix::sys::signal::Signal::SIGKILL);
    }
}

fn fail_start(message: &str) -> i32 {
    tracing::error!(%message, "cannot start the worker");
    2
}

/// Waits for SIGINT or SIGTERM; the signal's number.
async fn stop_signal() -> i32 {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        let _ = tokio::signal::ctrl_c().await;
        return nix::libc::SIGINT;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => nix::libc::SIGINT,
        _ = term.recv() => nix::libc::SIGTERM,
    }
}

/// Runs the command for one task and reports its outcome.
async fn run_task(task: TaskHandle, args: Arc<WorkerArgs>) {
    let task_id = task.payload().task_id.clone();
    let started = std::time::Instant::now();
    tracing::info!(task = %task_id, job = %task.payload().job_id, "task started");
    let outcome = execute(&task, &args).await;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let reported = match outcome {
        Ok(stdout) => {
            tracing::info!(task = %task_id, elapsed_ms, "task ended");
            task.report_returned(stdout)
        }
        Err(Failure::Cancelled) => {
            tracing::info!(task = %task_id, elapsed_ms, "task cancelled");
            task.report_cancelled()
        }
        Err(Failure::Unusable(message)) => {
            tracing::warn!(task = %task_id, elapsed_ms, %message, "task output unusable");
            task.fail_unusable_result(&message)
        }
        Err(Failure::Coded(code, message)) => {
            tracing::warn!(task = %task_id, elapsed_ms, code, %message, "task failed");
            task.fail(code, &message, None)
        }
    };
    if let Err(err) = reported {
        tracing::warn!(task = %task_id, %err, "outcome not reported");
    }
}

/// Why a command gave no result.
enum Failure {
    /// The task was cancelled, and the command stopped.
    Cancelled,
    /// Its stdout cannot be a result.
    Unusable(String),
    /// It failed, with this code (how the command exited decides it) and message.
    Coded(&'static str, String),
}

/// Runs the command: its stdout as JSON, or why there is none.
async fn execute(task: &TaskHandle, args: &WorkerArgs) -> Result<json::Value, Failure> {
    let task_id = task.payload().task_id.clone();
    let internal = |what: &str| Failure::Coded(ERROR_CODE_INTERNAL, what.to_string());
    let (program, rest) = args.command.split_first().ok_or_else(|| internal("no command"))?;
    let child = Command::new(program)
        .args(rest)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        // Its own process group, so cancellation reaches the programs it starts too.
        .process_group(0)
        .spawn()
        .map_err(|e| internal(&format!("cannot start {program}: {e}")))?;
    let group = child.id().and_then(|pid| i32::try_from(pid).ok());
    if let Some(group) = group {
        running().push(group);
    }
    let outcome = finish_command(task, args, &task_id, child).await;
    if let Some(group) = group {
        running().retain(|g| *g != group);
    }
    outcome
}

/// Feeds the command its params, follows its stderr, and reads its result.
async fn finish_command(
    task: &TaskHandle,
    args: &WorkerArgs,
    task_id: &str,
    mut child: Child,
) -> Result<json::Value, Failure> {
    let internal = |what: &str| Failure::Coded(ERROR_CODE_INTERNAL, what.to_string());
    let params = json::to_text(&json::Value::Object(task.params()));
    let mut stdin = child.stdin.take().ok_or_else(|| internal("no stdin"))?;
    let mut stdout = child.stdout.take().ok_or_else(|| internal("no stdout"))?;
    let stderr = child.stderr.take().ok_or_else(|| internal("no stderr"))?;
    let writer = tokio::spawn(async move {
        // A program that does not read its input is fine.
        let _ = stdin.write_all(params.as_bytes()).await;
        let _ = stdin.shutdown().await;
    });
    let reader = tokio::spawn(async move {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out).await;
        out
    });
    let mut lines = BufReader::new(stderr).lines();
    let mut tail: Vec<String> = Vec::new();
    let status = loop {
        tokio::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => on_stderr_line(task, task_id, line, &mut tail).await,
                _ => break wait_for_exit(&mut child, task, args).await,
            },
            _ = task.cancelled() => break terminate(&mut child, args).await,
        }
    };
    writer.abort();
    // Descendants may keep the pipe open after the command exits: read what is there, briefly.
    let stdout = match tokio::time::timeout(Duration::from_secs(1), reader).await {
        Ok(Ok(stdout)) => stdout,
        _ => Vec::new(),
    };
    let status = status.map_err(|e| internal(&format!("waiting for the command: {e}")))?;
    if task.is_cancelled() {
        return Err(Failure::Cancelled);
    }
    if !status.success() {
        use std::os::unix::process::ExitStatusExt;
        // A signal we did not send (the OOM killer, a Ctrl-C reaching a command just forked,
        // before it left our process group) says nothing about the input: worth another try.
        let (error_code, exit) = match (status.code(), status.signal()) {
            (Some(c), _) if args.transient_exit_codes.contains(&c) => (ERROR_CODE_TRANSIENT, format!("exit code {c}")),
            (Some(c), _) => (ERROR_CODE_PERMANENT, format!("exit code {c}")),
            (None, Some(signal)) => (ERROR_CODE_TRANSIENT, format!("signal {signal}")),
            (None, None) => (ERROR_CODE_PERMANENT, "an unknown status".to_string()),
        };
        return Err(Failure::Coded(
            error_code,
            format!("command failed with {exit}: {}", tail.join(" | ")),
        ));
    }
    json::parse(&stdout).map_err(|err| Failure::Unusable(format!("the command's stdout is not JSON: {err}")))
}

/// `progress <fraction> <message>` becomes a progress event; other lines are logged.
async fn on_stderr_line(task: &TaskHandle, task_id: &str, line: String, tail: &mut Vec<String>) {
    if let Some(rest) = line.strip_prefix("progress ") {
        let (fraction, message) = rest.split_once(' ').unwrap_or((rest, ""));
        if let Ok(fraction) = fraction.trim().parse::<f64>() {
            task.progress(fraction, message.trim()).await;
            return;
        }
    }
    tracing::info!(task = task_id, "{line}");
    tail.push(line);
    if tail.len() > 5 {
        tail.remove(0);
    }
}

async fn wait_for_exit(
    child: &mut Child,
    task: &TaskHandle,
    args: &WorkerArgs,
) -> std::io::Result<std::process::ExitStatus> {
    tokio::select! {
        status = child.wait() => status,
        _ = task.cancelled() => terminate(child, args).await,
    }
}

/// SIGTERM to the command's process group, then SIGKILL after the grace period.
async fn terminate(child: &mut Child, args: &WorkerArgs) -> std::io::Result<std::process::ExitStatus> {
    let group = child.id().map(|pid| nix::unistd::Pid::from_raw(pid as i32));
    if let Some(group) = group {
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGTERM);
    }
    let grace = Duration::from_secs_f64(args.grace_seconds);
    let status = match tokio::time::timeout(grace, child.wait()).await {
        Ok(status) => status,
        Err(_) => {
            let _ = child.start_kill();
            child.wait().await
        }
    };
    // Whatever the command started is ended with it.
    if let Some(group) = group {
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
    }
    status
}
