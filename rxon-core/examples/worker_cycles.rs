//! The core's worker runtime driven from Rust, as the bindings drive it: one `Worker` with N
//! slots answering `echo` tasks from any RXON listener (the echo_listener example). Prints the
//! poll → result cycles per second over the duration, after one second of warm-up — the
//! ceiling the Python and Node workers are compared with.
//!
//!     cargo run --release -p rxon-core --example worker_cycles -- --url URL --slots N --duration SECONDS [--polls P]
//!
//! `--polls P` keeps P polls open while slots are free (`WorkerConfig::concurrent_polls`, 1 by
//! default).

use rxon_core::models::SkillInfo;
use rxon_core::worker::{Signing, Worker, WorkerConfig};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

fn usage() -> ! {
    eprintln!("usage: worker_cycles --url URL --slots N --duration SECONDS [--polls P]");
    std::process::exit(2);
}

#[tokio::main]
async fn main() {
    let (mut url, mut slots, mut duration, mut polls) = (None, 1usize, 8.0f64, 1usize);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--url" => url = Some(value),
            "--slots" => slots = value.parse().unwrap_or_else(|_| usage()),
            "--duration" => duration = value.parse().unwrap_or_else(|_| usage()),
            "--polls" => polls = value.parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    let mut config = WorkerConfig::new(
        url.unwrap_or_else(|| usage()),
        "bench-rust",
        "token",
        vec![SkillInfo::named("echo".to_string())],
    );
    config.max_concurrent_tasks = slots;
    config.concurrent_polls = polls;
    config.signing = Signing::Off;
    config.poll_timeout = Duration::from_secs(5);
    let worker = Arc::new(Worker::start(config).unwrap_or_else(|e| panic!("the worker did not start: {e}")));

    let (counting, done) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
    let taking = {
        let (worker, counting, done) = (worker.clone(), counting.clone(), done.clone());
        tokio::spawn(async move {
            while let Some(task) = worker.next_task().await {
                let (counting, done) = (counting.clone(), done.clone());
                tokio::spawn(async move {
                    let _ = task.complete(task.params());
                    if counting.load(Ordering::Relaxed) {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    counting.store(true, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs_f64(duration)).await;
    counting.store(false, Ordering::Relaxed);
    println!("{:.0}", done.load(Ordering::Relaxed) as f64 / duration);
    worker.shutdown(Duration::from_secs(1)).await;
    let _ = taking.await;
}
