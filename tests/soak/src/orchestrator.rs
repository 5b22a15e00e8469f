//! The orchestrator under test: rxon's listener, zero trust on, in front of a small engine
//! that hands out numbered `square` jobs until a deadline, checks every result, and journals
//! each decision before answering (so SIGKILL loses nothing it said). A task without a result
//! within the task timeout is reported in the journal and handed out again.

use crate::journal::{self, Entry, Journal};
use rxon_core::json::Value;
use rxon_core::listener::{Action, AuthOptions, Context, Handler, HandlerError, Listener, ListenerOptions};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;

pub struct Options {
    pub bind: String,
    pub journal: PathBuf,
    /// Worker id → token.
    pub workers: Vec<(String, String)>,
    /// No new job is made after this (Unix ms); jobs already made are finished.
    pub produce_until_ms: u64,
    pub task_timeout: Duration,
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Job {
    Dispatched { attempt: u32 },
    Queued { attempts: u32 },
    Done,
}

struct Book {
    journal: Journal,
    jobs: Vec<Job>,
    /// Jobs to hand out again, oldest first.
    queue: VecDeque<u64>,
    /// Tasks in flight by deadline (a job's entry is stale once it moved on).
    deadlines: VecDeque<(u64, u64, u32)>,
}

impl Book {
    fn replay(entries: &[Entry], journal: Journal, task_timeout_ms: u64) -> Book {
        let mut book = Book {
            journal,
            jobs: Vec::new(),
            queue: VecDeque::new(),
            deadlines: VecDeque::new(),
        };
        for entry in entries {
            match *entry {
                Entry::Dispatched {
                    job, attempt, at_ms, ..
                } => {
                    book.set(job, Job::Dispatched { attempt });
                    book.deadlines.push_back((at_ms + task_timeout_ms, job, attempt));
                }
                Entry::Accepted { job, .. } => book.set(job, Job::Done),
                Entry::TimedOut { job, attempt } => {
                    book.set(job, Job::Queued { attempts: attempt });
                    book.queue.push_back(job);
                }
                _ => {}
            }
        }
        book.deadlines.make_contiguous().sort_unstable();
        book
    }

    fn set(&mut self, job: u64, state: Job) {
        let index = job as usize;
        if self.jobs.len() <= index {
            self.jobs.resize(index + 1, Job::Queued { attempts: 0 });
        }
        self.jobs[index] = state;
    }

    fn state(&self, job: u64) -> Option<Job> {
        self.jobs.get(usize::try_from(job).ok()?).copied()
    }
}

pub struct Engine {
    book: Mutex<Book>,
    handed_back: Notify,
    produce_until_ms: u64,
    task_timeout_ms: u64,
}

impl Engine {
    fn book(&self) -> MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next task for `worker`, journaled: a job handed back, else a new one.
    fn take(&self, worker: &str) -> Result<Option<Value>, HandlerError> {
        let mut book = self.book();
        let now = now_ms();
        let mut next = None;
        while let Some(job) = book.queue.pop_front() {
            if let Some(Job::Queued { attempts }) = book.state(job) {
                next = Some((job, attempts + 1));
                break;
            }
        }
        if next.is_none() && now < self.produce_until_ms {
            next = Some((book.jobs.len() as u64, 1));
        }
        let Some((job, attempt)) = next else { return Ok(None) };
        let entry = Entry::Dispatched {
            job,
            attempt,
            worker: worker.to_string(),
            at_ms: now,
        };
        if let Err(err) = book.journal.append(&entry) {
            book.queue.push_front(job);
            return Err(HandlerError::Internal(format!("journal: {err}")));
        }
        book.set(job, Job::Dispatched { attempt });
        book.deadlines.push_back((now + self.task_timeout_ms, job, attempt));
        Ok(Some(rxon_core::json!({
            "job_id": format!("job-{job}"),
            "task_id": format!("job-{job}.{attempt}"),
            "type": "square",
            "params": {"n": job},
        })))
    }

    async fn poll(&self, worker: &str, timeout: Duration) -> Result<Option<Value>, HandlerError> {
        let until = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(task) = self.take(worker)? {
                return Ok(Some(task));
            }
            let now = tokio::time::Instant::now();
            if now >= until {
                return Ok(None);
            }
            // Woken when a job is handed back; looked at again at least every 200 ms.
            let _ = tokio::time::timeout(
                (until - now).min(Duration::from_millis(200)),
                self.handed_back.notified(),
            )
            .await;
        }
    }

    fn result(&self, result: &Value) -> Result<Option<Value>, HandlerError> {
        let worker = result
            .get("worker_id")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        let task = result.get("task_id").and_then(Value::as_str).unwrap_or("");
        let parsed = task
            .strip_prefix("job-")
            .and_then(|rest| rest.split_once('.'))
            .and_then(|(job, attempt)| Some((job.parse::<u64>().ok()?, attempt.parse::<u32>().ok()?)));
        let mut book = self.book();
        let (entry, answer) = match parsed.and_then(|(job, attempt)| Some((job, attempt, book.state(job)?))) {
            None => (Entry::Unknown { worker }, ignored("unknown task")),
            Some((job, attempt, Job::Done)) => (Entry::Redelivered { job, attempt, worker }, ignored("duplicate")),
            Some((job, attempt, _)) if !is_square_of(result, job) => {
                tracing::error!(result = %rxon_core::json::to_text(result), "a wrong result");
                (Entry::Wrong { job, attempt, worker }, None)
            }
            Some((job, attempt, _)) => (Entry::Accepted { job, attempt, worker }, None),
        };
        book.journal
            .append(&entry)
            .map_err(|err| HandlerError::Internal(format!("journal: {err}")))?;
        if let Entry::Accepted { job, .. } = entry {
            book.set(job, Job::Done);
        }
        Ok(answer)
    }

    /// Tasks past their deadline are reported and handed out again.
    fn sweep(&self) {
        let mut book = self.book();
        let now = now_ms();
        let mut handed_back = false;
        while let Some(&(deadline, job, attempt)) = book.deadlines.front() {
            if deadline > now {
                break;
            }
            book.deadlines.pop_front();
            if book.state(job) != Some(Job::Dispatched { attempt }) {
                continue;
            }
            if book.journal.append(&Entry::TimedOut { job, attempt }).is_err() {
                book.deadlines.push_front((deadline, job, attempt));
                break;
            }
            tracing::warn!(job, attempt, "no result within the task timeout: handed out again");
            book.set(job, Job::Queued { attempts: attempt });
            book.queue.push_back(job);
            handed_back = true;
        }
        drop(book);
        if handed_back {
            self.handed_back.notify_waiters();
        }
    }
}

fn ignored(reason: &str) -> Option<Value> {
    Some(rxon_core::json!({"status": "ignored", "reason": reason}))
}

fn is_square_of(result: &Value, n: u64) -> bool {
    let data = result.get("data");
    // `status` is left out when it is the default, `success`.
    matches!(result.get("status").map(Value::as_str), None | Some(Some("success")))
        && data.and_then(|d| d.get("n")).and_then(Value::as_u64) == Some(n)
        && data.and_then(|d| d.get("square")).and_then(Value::as_u64) == n.checked_mul(n)
}

#[async_trait::async_trait]
impl Handler for Engine {
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Result<Option<Value>, HandlerError> {
        match action {
            Action::Poll => {
                let worker = payload.as_str().unwrap_or("?").to_string();
                let timeout = Duration::from_secs_f64(context.poll_timeout.unwrap_or(0.0).clamp(0.0, 60.0));
                self.poll(&worker, timeout).await
            }
            Action::Result => {
                // As an engine's database write would, handling a result takes a while
                // (0–5 ms), during which the worker may hang up.
                let job = payload
                    .get("job_id")
                    .and_then(Value::as_str)
                    .and_then(|id| id.strip_prefix("job-"));
                let n = job.and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
                tokio::time::sleep(Duration::from_millis(n % 6)).await;
                self.result(&payload)
            }
            _ => Ok(None),
        }
    }
}

/// Serves until SIGTERM (or SIGKILL, which is the point).
pub async fn run(options: Options) -> Result<(), String> {
    let (entries, _torn) = journal::read(&options.journal).map_err(|e| format!("journal: {e}"))?;
    let mut journal = Journal::open(&options.journal).map_err(|e| format!("journal: {e}"))?;
    journal
        .append(&Entry::Started { at_ms: now_ms() })
        .map_err(|e| format!("journal: {e}"))?;
    let task_timeout_ms = options.task_timeout.as_millis() as u64;
    let engine = Arc::new(Engine {
        book: Mutex::new(Book::replay(&entries, journal, task_timeout_ms)),
        handed_back: Notify::new(),
        produce_until_ms: options.produce_until_ms,
        task_timeout_ms,
    });
    let workers: Vec<(String, Value)> = options
        .workers
        .iter()
        .map(|(id, token)| (id.clone(), Value::from(token.as_str())))
        .collect();
    let auth = AuthOptions::from_value(&rxon_core::json!({ "workers": Value::Object(workers.into_iter().collect()) }))
        .map_err(|e| e.to_string())?;
    let listener_options = ListenerOptions {
        auth: Some(auth),
        ..ListenerOptions::default()
    };
    let listener = Listener::bind(&options.bind, listener_options)
        .await
        .map_err(|e| format!("bind {}: {e}", options.bind))?;
    listener.set_handler(engine.clone());
    let sweeping = {
        let engine = engine.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                engine.sweep();
            }
        })
    };
    crate::terminated().await;
    sweeping.abort();
    listener.shutdown(Duration::from_secs(2)).await;
    Ok(())
}
