//! The outbox: results on local disk until the orchestrator has them.
//!
//! A finished task's result is appended to the outbox before it is first sent, and marked
//! done once the orchestrator accepted it (or ignored or refused it: it can never take it).
//! A worker that is stopped, or killed, before then finds the result there when it starts
//! again, and delivers it before polling (re-stamped and re-signed, as every try is).
//!
//! One append-only file per worker and orchestrator: a line `{"put": <result>}` per result and
//! `{"done": "<key>"}` when it is out. Appends are single `write(2)` calls, so a killed process
//! loses nothing the kernel has; a line torn by a power loss is skipped when read. The file is
//! emptied whenever nothing is waiting, and rewritten with only what waits when opened. It is
//! locked while a worker has it open: a second worker with the same id and orchestrator runs
//! without one (and says so) rather than deliver the first one's results.

use crate::error::{Result, RxonError};
use crate::json::{self, Value};
use crate::models::{Message, TaskResult};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Results waiting for the orchestrator, kept on disk.
pub struct Outbox {
    path: PathBuf,
    file: Mutex<OutboxFile>,
}

struct OutboxFile {
    /// `None` once closed (the lock released).
    file: Option<File>,
    /// Keys of the results put and not yet done.
    waiting: HashSet<String>,
}

/// The key of a result: its job and task (the orchestrator knows a result by both).
pub fn key(result: &TaskResult) -> String {
    format!("{}/{}", result.job_id, result.task_id)
}

fn io_error(action: &str, path: &Path, err: std::io::Error) -> RxonError {
    RxonError::network(format!("outbox: cannot {action} {}: {err}", path.display()))
}

impl Outbox {
    /// The default folder of the outboxes: `$XDG_STATE_HOME/rxon/outbox`, else
    /// `~/.local/state/rxon/outbox`; `None` where neither is known.
    pub fn default_dir() -> Option<PathBuf> {
        let state = std::env::var_os("XDG_STATE_HOME")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state")))?;
        Some(state.join("rxon").join("outbox"))
    }

    /// The outbox file in `dir` of worker `worker_id` talking to `url`.
    pub fn file_name(url: &str, worker_id: &str) -> String {
        let digest = hex::encode(Sha256::digest(url.as_bytes()));
        let safe_id: String = worker_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{safe_id}-{}.jsonl", &digest[..12])
    }

    /// Opens (creating it and its folder when missing) the outbox at `path`, locked for this
    /// worker, and returns it with the results waiting in it, oldest first.
    pub fn open(path: &Path) -> Result<(Outbox, Vec<TaskResult>)> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
        }
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| io_error("open", path, e))?;
        if let Err(err) = file.try_lock() {
            return Err(RxonError::invalid_value(format!(
                "outbox: {} is in use by another worker ({err})",
                path.display()
            )));
        }
        let waiting = read_waiting(&file, path)?;
        let outbox = Outbox {
            path: path.to_path_buf(),
            file: Mutex::new(OutboxFile {
                file: Some(file),
                waiting: HashSet::new(),
            }),
        };
        // Rewritten with only what waits: the file never grows beyond what is undelivered.
        outbox.rewrite(&waiting)?;
        Ok((outbox, waiting))
    }

    /// Where the outbox is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn locked(&self) -> std::sync::MutexGuard<'_, OutboxFile> {
        self.file.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn rewrite(&self, waiting: &[TaskResult]) -> Result<()> {
        let mut lines = Vec::new();
        for result in waiting {
            put_line(&mut lines, result)?;
        }
        let mut file = self.locked();
        let handle = file.handle(&self.path)?;
        handle.set_len(0).map_err(|e| io_error("truncate", &self.path, e))?;
        handle.write_all(&lines).map_err(|e| io_error("write", &self.path, e))?;
        file.waiting = waiting.iter().map(key).collect();
        Ok(())
    }

    /// Keeps `result` until [`Outbox::done`] is called with its key.
    pub fn put(&self, result: &TaskResult) -> Result<()> {
        let mut line = Vec::new();
        put_line(&mut line, result)?;
        let mut file = self.locked();
        file.handle(&self.path)?
            .write_all(&line)
            .map_err(|e| io_error("write", &self.path, e))?;
        file.waiting.insert(key(result));
        Ok(())
    }

    /// The result of `key` is out: it is not delivered again.
    pub fn done(&self, key: &str) -> Result<()> {
        let mut file = self.locked();
        if !file.waiting.remove(key) {
            return Ok(());
        }
        let nothing_waits = file.waiting.is_empty();
        let handle = file.handle(&self.path)?;
        if nothing_waits {
            // Nothing waits: the whole file goes.
            return handle.set_len(0).map_err(|e| io_error("truncate", &self.path, e));
        }
        let mut line = Vec::new();
        json::write_value(&mut line, &crate::json!({ "done": key }));
        line.push(b'\n');
        handle.write_all(&line).map_err(|e| io_error("write", &self.path, e))
    }
}

impl OutboxFile {
    fn handle(&mut self, path: &Path) -> Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| RxonError::invalid_value(format!("outbox: {} is closed", path.display())))
    }
}

impl Outbox {
    /// Closes the file, releasing it for the next worker with this id and orchestrator, and
    /// removes it when nothing waits in it (an empty one is left behind only by a killed
    /// process). Called when the worker stops.
    pub fn close(&self) {
        let mut file = self.locked();
        if file.file.take().is_some() && file.waiting.is_empty() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        self.close();
    }
}

fn put_line(out: &mut Vec<u8>, result: &TaskResult) -> Result<()> {
    let value = result.to_dict()?;
    json::write_value(out, &crate::json!({ "put": value }));
    out.push(b'\n');
    Ok(())
}

/// The results put and not done, oldest first. A line that does not read (torn by a power
/// loss, or not ours) is skipped and logged.
fn read_waiting(file: &File, path: &Path) -> Result<Vec<TaskResult>> {
    let mut waiting: BTreeMap<String, (usize, TaskResult)> = BTreeMap::new();
    let reader = BufReader::new(file.try_clone().map_err(|e| io_error("read", path, e))?);
    for (number, line) in reader.split(b'\n').enumerate() {
        let line = line.map_err(|e| io_error("read", path, e))?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record = json::parse(&line).ok();
        match record.as_ref().and_then(|r| r.as_object()) {
            Some(record) if record.get("done").is_some() => {
                if let Some(Value::String(key)) = record.get("done") {
                    waiting.remove(key.as_str());
                }
            }
            Some(record) => match record.get("put").map(TaskResult::from_value) {
                Some(Ok(result)) => {
                    waiting.insert(key(&result), (number, result));
                }
                _ => {
                    tracing::warn!(path = %path.display(), line = number + 1, "outbox: skipping a line that is no result")
                }
            },
            None => {
                tracing::warn!(path = %path.display(), line = number + 1, "outbox: skipping a line that does not read")
            }
        }
    }
    let mut ordered: Vec<(usize, TaskResult)> = waiting.into_values().collect();
    ordered.sort_by_key(|(number, _)| *number);
    Ok(ordered.into_iter().map(|(_, result)| result).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(task: &str) -> TaskResult {
        TaskResult {
            job_id: "j".into(),
            task_id: task.into(),
            ..Default::default()
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rxon-outbox-test-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir.join(Outbox::file_name("http://127.0.0.1:1", "w-1"))
    }

    #[test]
    fn what_is_put_and_not_done_is_found_again_in_order() {
        let path = scratch("order");
        {
            let (outbox, waiting) = Outbox::open(&path).unwrap();
            assert!(waiting.is_empty());
            for task in ["t1", "t2", "t3"] {
                outbox.put(&result(task)).unwrap();
            }
            outbox.done("j/t2").unwrap();
        }
        let (outbox, waiting) = Outbox::open(&path).unwrap();
        let tasks: Vec<&str> = waiting.iter().map(|r| r.task_id.as_str()).collect();
        assert_eq!(tasks, ["t1", "t3"]);
        outbox.done("j/t1").unwrap();
        outbox.done("j/t3").unwrap();
        // Nothing waits: the file is empty, and gone once closed.
        assert_eq!(fs::metadata(&path).unwrap().len(), 0);
        drop(outbox);
        assert!(!path.exists());
        let _ = fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn a_torn_line_is_skipped_and_a_second_opener_is_refused() {
        let path = scratch("torn");
        {
            let (outbox, _) = Outbox::open(&path).unwrap();
            outbox.put(&result("t1")).unwrap();
            assert!(Outbox::open(&path).is_err(), "locked while open");
        }
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"put": {"job_id": "j", "task_"#).unwrap();
        drop(file);
        let (_outbox, waiting) = Outbox::open(&path).unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].task_id, "t1");
        let _ = fs::remove_dir_all(path.parent().unwrap());
    }
}
