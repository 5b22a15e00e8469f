//! A worker on the core's Rust runtime, with the defaults a user gets (signing with its
//! token, backoff, outbox) except the outbox folder: `square` tasks, each taking 0–20 ms.
//! SIGTERM stops it within its grace.

use rxon_core::json::Object;
use rxon_core::models::SkillInfo;
use rxon_core::worker::{Worker, WorkerConfig};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub struct Options {
    pub url: String,
    pub worker_id: String,
    pub token: String,
    pub outbox: PathBuf,
    pub slots: usize,
    pub grace: Duration,
}

pub async fn run(options: Options) -> Result<(), String> {
    let mut config = WorkerConfig::new(
        options.url,
        options.worker_id,
        options.token,
        vec![SkillInfo::named("square".to_string())],
    );
    config.max_concurrent_tasks = options.slots;
    config.outbox_dir = Some(options.outbox);
    config.shutdown_grace = options.grace;
    let worker = Arc::new(Worker::start(config).map_err(|e| format!("the worker did not start: {e}"))?);
    let taking = {
        let worker = worker.clone();
        tokio::spawn(async move {
            let mut seed = crate::random::Seed::from_time();
            while let Some(task) = worker.next_task().await {
                let work = Duration::from_millis(seed.below(21));
                tokio::spawn(async move {
                    tokio::time::sleep(work).await;
                    let n = task.params().get("n").and_then(|n| n.as_u64());
                    let outcome = match n.and_then(|n| Some((n, n.checked_mul(n)?))) {
                        Some((n, square)) => {
                            let mut data = Object::new();
                            data.insert("n", n);
                            data.insert("square", square);
                            task.complete(data)
                        }
                        None => task.fail("INVALID_INPUT_ERROR", "params.n must be an integer below 2^32", None),
                    };
                    if let Err(err) = outcome {
                        tracing::error!(%err, "the task's outcome was refused");
                    }
                });
            }
        })
    };
    crate::terminated().await;
    worker.shutdown(options.grace).await;
    taking.abort();
    Ok(())
}
