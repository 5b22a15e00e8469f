//! The soak's child processes: started with their output in a log file, signalled, waited for
//! within a bound, and measured (resident memory).

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How to start one process again and again.
pub struct Recipe {
    pub name: String,
    pub program: PathBuf,
    pub args: Vec<String>,
    pub log: PathBuf,
}

pub struct Process {
    pub recipe: Recipe,
    child: Option<Child>,
    pub starts: u64,
}

impl Process {
    pub fn new(recipe: Recipe) -> Process {
        Process {
            recipe,
            child: None,
            starts: 0,
        }
    }

    pub fn start(&mut self) -> Result<(), String> {
        let log = |path: &Path| {
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("{}: {e}", path.display()))
        };
        let child = Command::new(&self.recipe.program)
            .args(&self.recipe.args)
            .stdin(Stdio::null())
            .stdout(log(&self.recipe.log)?)
            .stderr(log(&self.recipe.log)?)
            .spawn()
            .map_err(|e| format!("{}: {e}", self.recipe.program.display()))?;
        self.child = Some(child);
        self.starts += 1;
        Ok(())
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The exit status of a process that ended by itself since it was started.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        let status = self.child.as_mut()?.try_wait().ok()??;
        self.child = None;
        Some(status)
    }

    /// Sends `signal` and waits at most `bound` for the exit; a process still there then is
    /// killed. Returns how long it took, or `None` when it outlived the bound.
    pub fn stop(&mut self, signal: Signal, bound: Duration) -> Option<Duration> {
        let mut child = self.child.take()?;
        let asked = Instant::now();
        let _ = kill(Pid::from_raw(child.id() as i32), signal);
        while asked.elapsed() < bound {
            if let Ok(Some(_)) = child.try_wait() {
                return Some(asked.elapsed());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    }

    /// Resident memory in KiB (`VmRSS`).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for Process {
    /// Nothing outlives the run.
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
