//! The soak run: the orchestrator, the proxy and the workers started; faults injected for
//! `seconds` (the proxy's cuts and delays, the orchestrator killed and restarted, workers
//! killed or stopped and restarted); then faults off until every job has its result; then the
//! counts, checked.

use crate::journal::{self, Tally};
use crate::processes::{Process, Recipe};
use crate::proxy::{self, Faults};
use crate::random::Seed;
use nix::sys::signal::Signal;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

pub struct Options {
    pub seconds: f64,
    /// A Python with `rxon_core` installed: two of the workers run on the Python binding.
    pub python: Option<PathBuf>,
    pub seed: u64,
    pub dir: PathBuf,
    pub faults: Faults,
    pub task_timeout: Duration,
    pub slots: usize,
    /// Each worker's shutdown grace; a SIGTERM must end it within twice this, plus start-up.
    pub grace: Duration,
}

/// A worker and whether it is left running (its memory is watched) or killed and restarted.
struct Fleet {
    process: Process,
    steady: bool,
    /// (seconds since the start, RSS in KiB), steady workers only.
    rss: Vec<(f64, u64)>,
}

#[derive(Default)]
struct Counts {
    listener_kills: u64,
    worker_kills: u64,
    worker_terms: u64,
    /// SIGTERM stops that took longer than the bound.
    stop_overruns: u64,
    slowest_stop: Duration,
    unexpected_exits: Vec<String>,
}

const PYTHON_WORKER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python_worker.py");

fn free_port() -> Result<u16, String> {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    socket.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn wait_listening(port: u16, within: Duration) -> bool {
    let until = Instant::now() + within;
    while Instant::now() < until {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

pub fn run(options: Options) -> Result<bool, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&options.dir).map_err(|e| format!("{}: {e}", options.dir.display()))?;
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let journal_path = options.dir.join("journal.log");
    let port = free_port()?;
    let produce_until_ms = crate::orchestrator::now_ms() + (options.seconds * 1000.0) as u64;

    let mut ids = vec![("rust-steady", true), ("rust-restarted", false)];
    if options.python.is_some() {
        ids.extend([("python-steady", true), ("python-restarted", false)]);
    }
    let token = |id: &str| format!("token-of-{id}");
    let mut orchestrator_args = vec![
        "orchestrator".to_string(),
        format!("--bind=127.0.0.1:{port}"),
        format!("--journal={}", journal_path.display()),
        format!("--produce-until-ms={produce_until_ms}"),
        format!("--task-timeout={}", options.task_timeout.as_secs_f64()),
    ];
    orchestrator_args.extend(ids.iter().map(|(id, _)| format!("--worker={id}:{}", token(id))));
    let mut orchestrator = Process::new(Recipe {
        name: "orchestrator".into(),
        program: me.clone(),
        args: orchestrator_args,
        log: options.dir.join("orchestrator.log"),
    });
    orchestrator.start()?;
    if !wait_listening(port, Duration::from_secs(20)) {
        return Err(format!(
            "the orchestrator did not listen; see {}",
            orchestrator.recipe.log.display()
        ));
    }
    let proxy = runtime
        .block_on(proxy::start(
            ([127, 0, 0, 1], port).into(),
            options.faults,
            options.seed,
        ))
        .map_err(|e| format!("proxy: {e}"))?;
    let url = format!("http://{}", proxy.addr);

    let mut fleet = Vec::new();
    for (id, steady) in &ids {
        let mut args = vec![
            format!("--url={url}"),
            format!("--id={id}"),
            format!("--token={}", token(id)),
            format!("--outbox={}", options.dir.join(format!("outbox-{id}")).display()),
            format!("--slots={}", options.slots),
            format!("--grace={}", options.grace.as_secs_f64()),
        ];
        let program = match (id.starts_with("python"), &options.python) {
            (true, Some(python)) => {
                args.insert(0, PYTHON_WORKER.to_string());
                python.clone()
            }
            _ => {
                args.insert(0, "worker".to_string());
                me.clone()
            }
        };
        let mut process = Process::new(Recipe {
            name: id.to_string(),
            program,
            args,
            log: options.dir.join(format!("{id}.log")),
        });
        process.start()?;
        fleet.push(Fleet {
            process,
            steady: *steady,
            rss: Vec::new(),
        });
    }

    let started = Instant::now();
    let mut seed = Seed::new(options.seed ^ 0x5EED);
    let mut counts = Counts::default();
    let stop_bound = options.grace * 2 + Duration::from_secs(3);
    let fault_phase = Duration::from_secs_f64(options.seconds);
    let mut next_listener_kill = seed.millis(5_000, 9_000);
    let mut next_worker_kill = seed.millis(3_000, 6_000);
    let mut next_sample = Duration::ZERO;
    let mut restarted_turn = 0usize;
    println!(
        "soak: {:.0} s of faults, seed {}, {} workers, in {}",
        options.seconds,
        options.seed,
        fleet.len(),
        options.dir.display()
    );

    // Faults.
    while started.elapsed() < fault_phase {
        std::thread::sleep(Duration::from_millis(50));
        let now = started.elapsed();
        watch(&mut fleet, &mut counts, now, &mut next_sample)?;
        if now >= next_listener_kill {
            orchestrator.stop(Signal::SIGKILL, Duration::from_secs(5));
            std::thread::sleep(seed.millis(300, 1_500));
            orchestrator.start()?;
            counts.listener_kills += 1;
            next_listener_kill = started.elapsed() + seed.millis(7_000, 13_000);
        }
        if now >= next_worker_kill {
            let restarted: Vec<usize> = (0..fleet.len()).filter(|&i| !fleet[i].steady).collect();
            let worker = &mut fleet[restarted[restarted_turn % restarted.len()]].process;
            // Every other stop is a SIGTERM, which must end the worker within its bound.
            if restarted_turn.is_multiple_of(2) {
                worker.stop(Signal::SIGKILL, Duration::from_secs(5));
                counts.worker_kills += 1;
            } else {
                counts.worker_terms += 1;
                match worker.stop(Signal::SIGTERM, stop_bound) {
                    Some(took) => counts.slowest_stop = counts.slowest_stop.max(took),
                    None => counts.stop_overruns += 1,
                }
            }
            restarted_turn += 1;
            std::thread::sleep(seed.millis(200, 1_000));
            worker.start()?;
            next_worker_kill = started.elapsed() + seed.millis(4_000, 8_000);
        }
        if let Some(status) = orchestrator.exited() {
            counts.unexpected_exits.push(format!("orchestrator: {status}"));
            orchestrator.start()?;
        }
    }

    // Calm: every job handed out must get its result (tasks lost on the way are handed out
    // again after the task timeout).
    proxy.faulty.store(false, Ordering::Relaxed);
    let calm_bound = options.task_timeout * 2 + Duration::from_secs(60);
    let calm_started = Instant::now();
    let mut tally = Tally::default();
    while calm_started.elapsed() < calm_bound {
        std::thread::sleep(Duration::from_millis(250));
        watch(&mut fleet, &mut counts, started.elapsed(), &mut next_sample)?;
        let (entries, _) = journal::read(&journal_path).map_err(|e| format!("journal: {e}"))?;
        tally = Tally::of(&entries);
        if tally.jobs > 0 && tally.unfinished == 0 {
            break;
        }
    }
    let calm_took = calm_started.elapsed();
    // A few more samples of a quiet fleet, for the memory comparison.
    let quiet_until = started.elapsed() + Duration::from_secs(3);
    while started.elapsed() < quiet_until {
        std::thread::sleep(Duration::from_millis(250));
        watch(&mut fleet, &mut counts, started.elapsed(), &mut next_sample)?;
    }

    for member in &mut fleet {
        match member.process.stop(Signal::SIGTERM, stop_bound) {
            Some(took) => counts.slowest_stop = counts.slowest_stop.max(took),
            None => counts.stop_overruns += 1,
        }
    }
    orchestrator.stop(Signal::SIGTERM, Duration::from_secs(10));
    let (entries, _) = journal::read(&journal_path).map_err(|e| format!("journal: {e}"))?;
    let final_tally = Tally::of(&entries);
    if final_tally.jobs >= tally.jobs {
        tally = final_tally;
    }
    let left_in_outboxes = outbox_lines(&options.dir);
    let replays_refused = count_in_log(&orchestrator.recipe.log, "action=\"result\" reason=Duplicate");
    let retried_sends = fleet
        .iter()
        .map(|m| count_in_log(&m.process.recipe.log, "sending the result failed"))
        .sum::<u64>();

    let proxy_counts = &proxy.counts;
    let load = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
    let memory: Vec<Memory> = fleet.iter().filter(|m| m.steady).map(Memory::of).collect();
    let mut report = String::new();
    let _ = writeln!(report, "| what | count |\n|---|---|");
    let mut row = |what: &str, value: String| {
        let _ = writeln!(report, "| {what} | {value} |");
    };
    row(
        "fault phase, then calm until every job had its result",
        format!("{:.0} s + {:.1} s", options.seconds, calm_took.as_secs_f64()),
    );
    row(
        "jobs made / tasks handed out",
        format!("{} / {}", tally.jobs, tally.dispatches),
    );
    row(
        "results accepted (by worker)",
        format!("{} ({})", tally.accepted, by_worker(&tally)),
    );
    row(
        "**results lost** (jobs without an accepted result)",
        tally.unfinished.to_string(),
    );
    row("jobs with two accepted results", tally.accepted_twice.to_string());
    row(
        "wrong results / results for unknown tasks",
        format!("{} / {}", tally.wrong, tally.unknown),
    );
    row(
        "tasks reported lost by the orchestrator's timeout, then handed out again",
        tally.timed_out.to_string(),
    );
    row(
        "results delivered again after acceptance (answered `ignored`)",
        tally.redelivered.to_string(),
    );
    row("result sends retried by the workers", retried_sends.to_string());
    row(
        "second copies of a result refused as replays (sent again within the same second)",
        replays_refused.to_string(),
    );
    row(
        "connections through the proxy",
        load(&proxy_counts.connections).to_string(),
    );
    row(
        "requests cut midway / responses cut midway",
        format!(
            "{} / {}",
            load(&proxy_counts.cut_requests),
            load(&proxy_counts.cut_responses)
        ),
    );
    row("chunks delayed 10–300 ms", load(&proxy_counts.delays).to_string());
    row(
        "connections refused while the orchestrator was down",
        load(&proxy_counts.refused).to_string(),
    );
    row(
        "orchestrator killed (SIGKILL) and restarted",
        counts.listener_kills.to_string(),
    );
    row(
        "workers killed (SIGKILL) / stopped (SIGTERM), then restarted",
        format!("{} / {}", counts.worker_kills, counts.worker_terms),
    );
    row(
        "slowest SIGTERM stop / over its bound",
        format!(
            "{:.2} s / {} (bound {:.0} s)",
            counts.slowest_stop.as_secs_f64(),
            counts.stop_overruns,
            stop_bound.as_secs_f64()
        ),
    );
    row("results left in outboxes at the end", left_in_outboxes.to_string());
    row(
        "unexpected exits",
        if counts.unexpected_exits.is_empty() {
            "0".into()
        } else {
            counts.unexpected_exits.join("; ")
        },
    );
    for m in &memory {
        row(&format!("{} RSS: after warm-up → end (growth)", m.name), m.text());
    }
    println!("{report}");

    let mut failures = Vec::new();
    let mut require = |ok: bool, what: &str| {
        if !ok {
            failures.push(what.to_string());
        }
    };
    require(tally.jobs > 0, "no job was done");
    require(tally.unfinished == 0, "jobs were lost");
    require(tally.accepted_twice == 0, "a job's result was accepted twice");
    require(tally.wrong == 0 && tally.unknown == 0, "wrong results arrived");
    require(counts.stop_overruns == 0, "a SIGTERM stop outlived its bound");
    require(counts.unexpected_exits.is_empty(), "a process exited by itself");
    require(left_in_outboxes == 0, "results were left in an outbox");
    require(memory.iter().all(Memory::flat), "a steady worker's memory grew");
    let injected = [
        load(&proxy_counts.cut_requests),
        load(&proxy_counts.cut_responses),
        load(&proxy_counts.delays),
        load(&proxy_counts.refused),
        counts.listener_kills,
        counts.worker_kills,
    ];
    require(
        injected.iter().all(|&n| n > 0),
        "some kind of fault was never injected (run longer)",
    );
    for failure in &failures {
        eprintln!("soak FAILED: {failure} (logs in {})", options.dir.display());
    }
    Ok(failures.is_empty())
}

/// Samples the steady workers' memory once a second and restarts whatever exited by itself.
fn watch(fleet: &mut [Fleet], counts: &mut Counts, now: Duration, next_sample: &mut Duration) -> Result<(), String> {
    let sample = now >= *next_sample;
    if sample {
        *next_sample = now + Duration::from_secs(1);
    }
    for member in fleet {
        if let Some(status) = member.process.exited() {
            counts
                .unexpected_exits
                .push(format!("{}: {status}", member.process.recipe.name));
            member.process.start()?;
        }
        if sample
            && member.steady
            && let Some(kib) = member.process.rss_kib()
        {
            member.rss.push((now.as_secs_f64(), kib));
        }
    }
    Ok(())
}

/// A steady worker's memory: after warm-up (the median of the samples from 20 % to 40 % of
/// the run) and at the end (the median of the last five).
struct Memory {
    name: String,
    warm_kib: u64,
    end_kib: u64,
}

impl Memory {
    fn of(member: &Fleet) -> Memory {
        let samples: Vec<u64> = member.rss.iter().map(|&(_, kib)| kib).collect();
        let n = samples.len();
        Memory {
            name: member.process.recipe.name.clone(),
            warm_kib: median(&samples[n / 5..(2 * n / 5).max(n / 5 + 1).min(n)]),
            end_kib: median(&samples[n.saturating_sub(5)..]),
        }
    }

    /// Flat: at most 10 % (and 4 MiB) above the warm figure; allocators keep some slack.
    fn flat(&self) -> bool {
        self.end_kib <= self.warm_kib + (self.warm_kib / 10).max(4 * 1024)
    }

    fn text(&self) -> String {
        let growth = self.end_kib as f64 / self.warm_kib.max(1) as f64 * 100.0 - 100.0;
        format!(
            "{:.1} MiB → {:.1} MiB ({growth:+.1} %)",
            self.warm_kib as f64 / 1024.0,
            self.end_kib as f64 / 1024.0
        )
    }
}

fn median(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or(0)
}

fn by_worker(tally: &Tally) -> String {
    let mut pairs: Vec<_> = tally.accepted_by.iter().collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(worker, n)| format!("{worker} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn count_in_log(path: &std::path::Path, needle: &str) -> u64 {
    std::fs::read_to_string(path).map_or(0, |text| text.matches(needle).count() as u64)
}

/// Lines still waiting in the workers' outbox files.
fn outbox_lines(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut lines = 0;
    for outbox in entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("outbox-"))
    {
        for file in std::fs::read_dir(outbox.path()).into_iter().flatten().flatten() {
            lines += std::fs::read_to_string(file.path())
                .map_or(0, |t| t.lines().filter(|l| !l.trim().is_empty()).count() as u64);
        }
    }
    lines
}
