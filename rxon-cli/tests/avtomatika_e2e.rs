//! End to end with the real orchestrator, avtomatika 1.0b30 (in-memory storage, started here
//! from the virtualenv `RXON_AVTOMATIKA_PYTHON` names), deployed as usual: every task signed
//! with `ORCHESTRATOR_SECRET_KEY`, which the worker is given (`--task-secret`). `rxon worker`
//! completes jobs at any priority; params violating the worker's advertised contract never
//! reach it; a transient failure is re-dispatched and then succeeds; a worker killed mid-task
//! and started again does not lose the job; a task altered after signing is refused
//! (`SECURITY_ERROR`); a job cancelled on avtomatika stops its running command. And the
//! README's command, configured from the environment, with `examples/add.py`.

mod common;

use common::KillOnDrop;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CLIENT_TOKEN: &str = "client-token";
const WORKER_TOKEN: &str = "worker-token";
/// avtomatika's `ORCHESTRATOR_SECRET_KEY` (the orchestrator script's default `--secret`).
const ORCHESTRATOR_SECRET: &str = "orchestrator-secret";

fn orchestrator() -> (KillOnDrop, String) {
    let python = std::env::var("RXON_AVTOMATIKA_PYTHON").unwrap_or_else(|_| {
        panic!(
            "RXON_AVTOMATIKA_PYTHON is not set: run ./scripts/test.sh, or point it at a python with avtomatika==1.0b30"
        )
    });
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/interop/avtomatika_orchestrator.py");
    let mut child = Command::new(python)
        .arg(script)
        .args([
            "--client-token",
            CLIENT_TOKEN,
            "--worker-token",
            WORKER_TOKEN,
            "--lifetime",
            "180",
        ])
        .env("E2E_TASK_TIMEOUT", "6")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start avtomatika");
    // avtomatika logs to stdout too: find the READY marker (even mid-line), then keep draining.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| ready_port(&line))
        .expect("avtomatika never became ready");
    std::thread::spawn(move || lines.for_each(drop));
    (KillOnDrop(child), format!("http://127.0.0.1:{port}"))
}

/// The skill: `sum` of `a` and `b`. `flaky` exits 75 (transient) the first time;
/// `sleep` sleeps that long first, after writing its pid to the marker's `.started` file.
const PROGRAM: &str = r#"
import json, os, sys, time
p = json.load(sys.stdin)
marker = os.environ["E2E_MARKER"]
if p.get("flaky") and not os.path.exists(marker + ".flaky"):
    open(marker + ".flaky", "w").close()
    sys.exit(75)
if p.get("sleep"):
    with open(marker + ".started", "w") as started:
        started.write(str(os.getpid()))
    time.sleep(p["sleep"])
print(json.dumps({"sum": p["a"] + p["b"]}))
"#;

fn worker(url: &str, marker: &str, schema: &std::path::Path) -> KillOnDrop {
    worker_with(url, marker, schema, &[])
}

fn worker_with(url: &str, marker: &str, schema: &std::path::Path, extra: &[&str]) -> KillOnDrop {
    let child = Command::new(env!("CARGO_BIN_EXE_rxon"))
        .args([
            "worker",
            "--url",
            url,
            "--id",
            "e2e-worker",
            "--token",
            WORKER_TOKEN,
            "--skill",
            "add",
            "--task-secret",
            ORCHESTRATOR_SECRET,
        ])
        .args(extra)
        .args([
            "--input-schema",
            schema.to_str().unwrap(),
            "--transient-exit-codes",
            "75",
            "--heartbeat-seconds",
            "2",
        ])
        .args(["--", "python3", "-c", PROGRAM])
        .env("E2E_MARKER", marker)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start rxon worker");
    KillOnDrop(child)
}

fn submit(client: &reqwest::blocking::Client, url: &str, data: serde_json::Value) -> String {
    let response: serde_json::Value = client
        .post(format!("{url}/api/v1/jobs/e2e"))
        .header("X-Client-Token", CLIENT_TOKEN)
        .json(&serde_json::json!({ "initial_data": data }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    response["job_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no job id in {response}"))
        .to_string()
}

/// Waits for a job to reach a terminal status and returns the job.
fn outcome(client: &reqwest::blocking::Client, url: &str, job_id: &str, within: Duration) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let job: serde_json::Value = client
            .get(format!("{url}/api/v1/jobs/{job_id}"))
            .header("X-Client-Token", CLIENT_TOKEN)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let status = job["status"].as_str().unwrap_or_default();
        if ["finished", "failed", "error", "quarantined", "cancelled"].contains(&status) || started.elapsed() > within {
            return job;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The port announced by `READY <port>` anywhere in `line`.
fn ready_port(line: &str) -> Option<u16> {
    let after = &line[line.find("READY ")? + "READY ".len()..];
    let digits = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
    after[..digits].parse().ok()
}

/// Waits until the orchestrator lists the worker (it dispatches only to registered workers).
fn wait_for_worker(client: &reqwest::blocking::Client, url: &str, worker_id: &str) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        let listed = client
            .get(format!("{url}/api/v1/workers"))
            .header("X-Client-Token", CLIENT_TOKEN)
            .send()
            .and_then(|r| r.text())
            .unwrap_or_default();
        if listed.contains(worker_id) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the worker never appeared in {url}/api/v1/workers");
}

#[test]
fn jobs_run_end_to_end_on_avtomatika() {
    let (_orchestrator, url) = orchestrator();
    let dir = std::env::temp_dir().join(format!("rxon-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = dir.join("add.schema.json");
    std::fs::write(&schema, r#"{"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a", "b"]}"#).unwrap();
    let marker = dir.join("marker").to_string_lossy().into_owned();
    let client = reqwest::blocking::Client::new();
    let mut running = worker(&url, &marker, &schema);
    wait_for_worker(&client, &url, "e2e-worker");

    let job = outcome(
        &client,
        &url,
        &submit(&client, &url, serde_json::json!({"a": 2, "b": 3})),
        Duration::from_secs(30),
    );
    assert_eq!(job["status"], "finished", "{job}");

    // The worker advertises its input contract, so avtomatika checks it before dispatching
    // (with rxon's messages: "schema_validation_failed: Missing required field: 'b'"), finds
    // no worker whose contract the params meet, and quarantines the job. The worker-side
    // INVALID_INPUT_ERROR is covered by the worker_cli and worker_runtime tests.
    let job = outcome(
        &client,
        &url,
        &submit(&client, &url, serde_json::json!({"a": 2})),
        Duration::from_secs(30),
    );
    assert_eq!(
        job["status"], "quarantined",
        "a schema violation never reaches a worker: {job}"
    );

    let job = outcome(
        &client,
        &url,
        &submit(&client, &url, serde_json::json!({"a": 1, "b": 1, "flaky": true})),
        Duration::from_secs(30),
    );
    assert_eq!(job["status"], "finished", "re-dispatched after TRANSIENT_ERROR: {job}");
    assert!(
        std::path::Path::new(&format!("{marker}.flaky")).exists(),
        "the first attempt did fail"
    );

    // Killed mid-task (no chance to report), started again: the job is not lost.
    let job_id = submit(&client, &url, serde_json::json!({"a": 4, "b": 5, "sleep": 2}));
    let started = Instant::now();
    while !std::path::Path::new(&format!("{marker}.started")).exists() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        std::path::Path::new(&format!("{marker}.started")).exists(),
        "the task started"
    );
    drop(running);
    running = worker(&url, &marker, &schema);
    let job = outcome(&client, &url, &job_id, Duration::from_secs(60));
    assert_eq!(job["status"], "finished", "the job survived the worker's death: {job}");
    drop(running);

    // A contract kept private reaches the worker, which fails the job with INVALID_INPUT_ERROR.
    let private = worker_with(&url, &marker, &schema, &["--private-contract"]);
    std::thread::sleep(Duration::from_secs(1));
    let job = outcome(
        &client,
        &url,
        &submit(&client, &url, serde_json::json!({"a": 7})),
        Duration::from_secs(30),
    );
    assert_eq!(job["status"], "failed", "INVALID_INPUT_ERROR fails the job: {job}");
    drop(private);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The README's example: `RXON_URL=… RXON_WORKER_ID=… RXON_TOKEN=… rxon worker --skill add --
/// python3 examples/add.py` completes a submitted job.
#[test]
fn the_readme_worker_completes_a_job() {
    let (_orchestrator, url) = orchestrator();
    let add_py = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/add.py");
    let _worker = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_rxon"))
            .args(["worker", "--skill", "add", "--", "python3"])
            .arg(add_py)
            .env("RXON_URL", &url)
            .env("RXON_WORKER_ID", "adder-1")
            .env("RXON_TOKEN", WORKER_TOKEN)
            .env("RXON_TASK_SECRET", ORCHESTRATOR_SECRET)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start rxon worker"),
    );
    let client = reqwest::blocking::Client::new();
    wait_for_worker(&client, &url, "adder-1");
    let job = outcome(
        &client,
        &url,
        &submit(&client, &url, serde_json::json!({"a": 2, "b": 40})),
        Duration::from_secs(30),
    );
    assert_eq!(job["status"], "finished", "{job}");
    // avtomatika 1.0b30 reports a one-member `data` object by its value.
    let sum = if job["result"].is_object() {
        &job["result"]["sum"]
    } else {
        &job["result"]
    };
    assert_eq!(*sum, serde_json::json!(42), "the sum is the job's result: {job}");
}

/// The worker's record on the orchestrator, once it satisfies `ready`.
fn worker_record(
    client: &reqwest::blocking::Client,
    url: &str,
    worker_id: &str,
    ready: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let started = Instant::now();
    loop {
        let workers: serde_json::Value = client
            .get(format!("{url}/api/v1/workers"))
            .header("X-Client-Token", CLIENT_TOKEN)
            .send()
            .and_then(|r| r.json())
            .unwrap_or_default();
        let record = workers
            .as_array()
            .and_then(|all| all.iter().find(|w| w["worker_id"] == worker_id))
            .cloned();
        match record {
            Some(record) if ready(&record) => return record,
            _ if started.elapsed() > Duration::from_secs(30) => panic!("worker {worker_id} never ready: {workers}"),
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

#[test]
fn signed_tasks_at_any_priority_tampering_and_cancellation_on_avtomatika() {
    let (_orchestrator, url) = orchestrator();
    let dir = std::env::temp_dir().join(format!("rxon-e2e-signed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = dir.join("add.schema.json");
    std::fs::write(&schema, r#"{"type": "object", "required": ["a", "b"]}"#).unwrap();
    let marker = dir.join("marker").to_string_lossy().into_owned();
    let client = reqwest::blocking::Client::new();
    let _worker = worker(&url, &marker, &schema);
    // Registered, command socket open and advertised where avtomatika reads it.
    let record = worker_record(&client, &url, "e2e-worker", |w| w["capabilities"]["websockets"] == true);
    assert_eq!(record["capabilities"]["extra"]["websockets"], true, "{record}");

    // avtomatika's default priority goes out as `"priority": 0` (an int on a float member),
    // covered by `sig`; other priorities too.
    for priority in [None, Some(serde_json::json!(2.5)), Some(serde_json::json!(7))] {
        let mut data = serde_json::json!({"a": 20, "b": 22});
        if let Some(priority) = &priority {
            data["priority"] = priority.clone();
        }
        let job = outcome(&client, &url, &submit(&client, &url, data), Duration::from_secs(30));
        assert_eq!(job["status"], "finished", "priority {priority:?}: {job}");
    }

    // Altered after avtomatika signed it: refused before the command runs.
    let job = outcome(
        &client,
        &url,
        &submit(&client, &url, serde_json::json!({"a": 1, "b": 1, "tamper": true})),
        Duration::from_secs(30),
    );
    assert_eq!(job["status"], "quarantined", "{job}");
    let error = job["error_message"].as_str().unwrap_or_default();
    assert!(
        error.contains("SECURITY_ERROR") && error.contains("Task signature is missing or invalid"),
        "{job}"
    );

    // Cancelled on avtomatika while its command runs: the command is stopped at once.
    let started_file = format!("{marker}.started");
    let job_id = submit(&client, &url, serde_json::json!({"a": 4, "b": 5, "sleep": 25}));
    let waiting = Instant::now();
    let pid = loop {
        match std::fs::read_to_string(&started_file) {
            Ok(pid) if !pid.is_empty() => break pid,
            _ if waiting.elapsed() > Duration::from_secs(20) => panic!("the long task never started"),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let cancelled = client
        .post(format!("{url}/api/v1/jobs/{job_id}/cancel"))
        .header("X-Client-Token", CLIENT_TOKEN)
        .send()
        .unwrap();
    assert!(cancelled.status().is_success(), "{:?}", cancelled.text());
    let asked = Instant::now();
    let process = PathBuf::from(format!("/proc/{pid}"));
    while process.exists() && asked.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = asked.elapsed();
    println!("the cancelled command stopped {took:?} after the cancel request");
    assert!(!process.exists(), "the command still runs 10 s after the cancel");
    assert!(
        took < Duration::from_secs(3),
        "the command stopped {took:?} after the cancel"
    );
    let job = outcome(&client, &url, &job_id, Duration::from_secs(10));
    assert_eq!(job["status"], "cancelled", "{job}");
    let _ = std::fs::remove_dir_all(&dir);
}
