//! Drives N workers (our HTTP transport) against any RXON listener for a bounded time and
//! prints one JSON line: `{"ops_per_s":…,"p50_ms":…,"p99_ms":…,"errors":…}`.
//!
//!     cargo run --release -p rxon-core --example load -- --url URL --workers N --duration SECONDS --mode cycle|heartbeat|hold [--token T]
//!
//! * `cycle`: poll a task, send its result; one op is one poll → result cycle.
//! * `heartbeat`: send heartbeats; one op is one heartbeat.
//! * `hold`: open N long polls (60 s) at once and keep them open for the duration (for
//!   measuring a listener's memory per idle poll); reports how many were held.

use rxon_core::models::{Heartbeat, TaskResult};
use rxon_core::transport::{HttpTransport, Transport, TransportOptions};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Cycle,
    Heartbeat,
    Hold,
}

fn usage() -> ! {
    eprintln!("usage: load --url URL --workers N --duration SECONDS --mode cycle|heartbeat|hold [--token T]");
    std::process::exit(2);
}

struct Outcome {
    latencies: Vec<Duration>,
    errors: u64,
}

async fn run_worker(transport: HttpTransport, mode: Mode, deadline: Instant) -> Outcome {
    let mut outcome = Outcome {
        latencies: Vec::new(),
        errors: 0,
    };
    let worker_id = transport.worker_id().to_string();
    let heartbeat = Heartbeat {
        worker_id: worker_id.clone(),
        status: "idle".into(),
        ..Default::default()
    };
    while Instant::now() < deadline {
        let started = Instant::now();
        let ok = match mode {
            Mode::Cycle => match transport.poll_task(Duration::from_secs(5), None, None).await {
                Ok(Some(task)) => {
                    let task = task.into_message();
                    let result = TaskResult {
                        job_id: task.job_id,
                        task_id: task.task_id,
                        worker_id: Some(worker_id.clone()),
                        data: task.params,
                        ..Default::default()
                    };
                    transport.send_result(&result).await.is_ok()
                }
                Ok(None) => true,
                Err(_) => false,
            },
            Mode::Heartbeat => transport.send_heartbeat(&heartbeat).await.is_ok(),
            Mode::Hold => {
                let left = deadline.saturating_duration_since(Instant::now());
                let poll = transport.poll_task(Duration::from_secs(60), None, None);
                let ok = tokio::time::timeout(left, poll).await.map_or(true, |r| r.is_ok());
                return Outcome {
                    latencies: vec![started.elapsed()],
                    errors: u64::from(!ok),
                };
            }
        };
        if ok {
            outcome.latencies.push(started.elapsed());
        } else {
            outcome.errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    outcome
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

// One thread: the load generator leaves the other core to the listener under test.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut url, mut workers, mut duration, mut mode, mut token) =
        (None, 1usize, 10.0f64, Mode::Cycle, "token".to_string());
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--url" => url = Some(value),
            "--workers" => workers = value.parse().unwrap_or_else(|_| usage()),
            "--duration" => duration = value.parse().unwrap_or_else(|_| usage()),
            "--token" => token = value,
            "--mode" => {
                mode = match value.as_str() {
                    "cycle" => Mode::Cycle,
                    "heartbeat" => Mode::Heartbeat,
                    "hold" => Mode::Hold,
                    _ => usage(),
                }
            }
            _ => usage(),
        }
    }
    let url = url.unwrap_or_else(|| usage());
    if !(duration > 0.0 && duration <= 3600.0) || workers == 0 || workers > 20_000 {
        usage();
    }
    let deadline = Instant::now() + Duration::from_secs_f64(duration);
    let options = TransportOptions {
        result_retries: 1,
        ..TransportOptions::default()
    };
    let started = Instant::now();
    let mut handles = Vec::with_capacity(workers);
    for i in 0..workers {
        let transport = match HttpTransport::new(&url, &format!("load-{i}"), &token, options.clone()) {
            Ok(transport) => transport,
            Err(err) => {
                eprintln!("load: {err}");
                std::process::exit(1);
            }
        };
        handles.push(tokio::spawn(run_worker(transport, mode, deadline)));
    }
    let mut latencies = Vec::new();
    let mut errors = 0u64;
    for handle in handles {
        if let Ok(outcome) = handle.await {
            latencies.extend(outcome.latencies);
            errors += outcome.errors;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let ops = if mode == Mode::Hold {
        0.0
    } else {
        latencies.len() as f64 / elapsed
    };
    println!(
        "{{\"ops_per_s\":{ops:.1},\"p50_ms\":{:.3},\"p99_ms\":{:.3},\"errors\":{errors},\"ops\":{},\"workers\":{workers}}}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.len()
    );
}
