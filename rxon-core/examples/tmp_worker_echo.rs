use rxon_core::models::SkillInfo;
use rxon_core::worker::{Signing, Worker, WorkerConfig};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).unwrap();
    let conc: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let mut config = WorkerConfig::new(
        url,
        "bench-w",
        "token",
        vec![SkillInfo {
            name: "echo".into(),
            ..Default::default()
        }],
    );
    config.max_concurrent_tasks = conc;
    config.signing = Signing::Off;
    let worker = std::sync::Arc::new(Worker::start(config).unwrap());
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(3) {
        if let Some(task) = worker.next_task().await {
            let params = task.params();
            tokio::spawn(async move {
                let _ = task.complete(params);
            });
            n += 1;
        }
    }
    println!("{}", n as f64 / 3.0);
    worker.shutdown(Duration::from_secs(1)).await;
}
