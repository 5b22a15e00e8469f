//! The orchestrator's journal: one line per decision, appended before the answer leaves, so a
//! killed orchestrator restarts where it was and the run's counts come from one file.
//!
//! ```text
//! S <unix_ms>                        the orchestrator started
//! D <job> <attempt> <worker> <unix_ms>  a task was handed out
//! A <job> <attempt> <worker>         its result was accepted
//! R <job> <attempt> <worker>         a result for a job already done: answered "ignored"
//! T <job> <attempt>                  no result within the task timeout: reported, handed out again
//! X <job> <attempt> <worker>         a result whose data is wrong
//! U <worker>                         a result for a job that does not exist
//! ```

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Started {
        at_ms: u64,
    },
    Dispatched {
        job: u64,
        attempt: u32,
        worker: String,
        at_ms: u64,
    },
    Accepted {
        job: u64,
        attempt: u32,
        worker: String,
    },
    Redelivered {
        job: u64,
        attempt: u32,
        worker: String,
    },
    TimedOut {
        job: u64,
        attempt: u32,
    },
    Wrong {
        job: u64,
        attempt: u32,
        worker: String,
    },
    Unknown {
        worker: String,
    },
}

impl Entry {
    pub fn line(&self) -> String {
        match self {
            Entry::Started { at_ms } => format!("S {at_ms}\n"),
            Entry::Dispatched {
                job,
                attempt,
                worker,
                at_ms,
            } => format!("D {job} {attempt} {worker} {at_ms}\n"),
            Entry::Accepted { job, attempt, worker } => format!("A {job} {attempt} {worker}\n"),
            Entry::Redelivered { job, attempt, worker } => format!("R {job} {attempt} {worker}\n"),
            Entry::TimedOut { job, attempt } => format!("T {job} {attempt}\n"),
            Entry::Wrong { job, attempt, worker } => format!("X {job} {attempt} {worker}\n"),
            Entry::Unknown { worker } => format!("U {worker}\n"),
        }
    }

    /// `None` for a line that is not an entry (a write cut short by SIGKILL).
    pub fn parse(line: &str) -> Option<Entry> {
        let mut words = line.split(' ').filter(|word| !word.is_empty());
        let kind = words.next()?;
        let mut number = || words.next()?.parse::<u64>().ok();
        let entry = match kind {
            "S" => Entry::Started { at_ms: number()? },
            "U" => Entry::Unknown {
                worker: words.next()?.to_string(),
            },
            "T" => {
                let job = number()?;
                let attempt = u32::try_from(number()?).ok()?;
                Entry::TimedOut { job, attempt }
            }
            "D" | "A" | "R" | "X" => {
                let job = words.next()?.parse().ok()?;
                let attempt = words.next()?.parse().ok()?;
                let worker = words.next()?.to_string();
                match kind {
                    "D" => Entry::Dispatched {
                        job,
                        attempt,
                        worker,
                        at_ms: words.next()?.parse().ok()?,
                    },
                    "A" => Entry::Accepted { job, attempt, worker },
                    "R" => Entry::Redelivered { job, attempt, worker },
                    _ => Entry::Wrong { job, attempt, worker },
                }
            }
            _ => return None,
        };
        words.next().is_none().then_some(entry)
    }
}

/// The entries of the journal at `path` (none when it does not exist yet), and how many lines
/// were not entries.
pub fn read(path: &Path) -> std::io::Result<(Vec<Entry>, usize)> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(entries(&text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok((Vec::new(), 0)),
        Err(err) => Err(err),
    }
}

/// The entries of a journal's text, and how many lines were not entries: a line without its
/// newline is one a kill cut short.
pub fn entries(text: &str) -> (Vec<Entry>, usize) {
    let (mut entries, mut torn) = (Vec::new(), 0);
    for line in text.split_inclusive('\n') {
        match line.strip_suffix('\n').and_then(Entry::parse) {
            Some(entry) => entries.push(entry),
            None => torn += 1,
        }
    }
    (entries, torn)
}

/// The journal, open for appending.
pub struct Journal(File);

impl Journal {
    /// Opens (or creates) the journal; a last line a kill cut short is ended, so the next
    /// entry starts on a line of its own.
    pub fn open(path: &Path) -> std::io::Result<Journal> {
        let mut file = OpenOptions::new().create(true).read(true).append(true).open(path)?;
        let mut last = [b'\n'];
        if file.seek(SeekFrom::End(-1)).is_ok() {
            file.read_exact(&mut last)?;
        }
        if last[0] != b'\n' {
            file.write_all(b"\n")?;
        }
        Ok(Journal(file))
    }

    /// One `write` of the whole line: a kill leaves the file with the line or without it.
    pub fn append(&mut self, entry: &Entry) -> std::io::Result<()> {
        self.0.write_all(entry.line().as_bytes())
    }
}

/// What a journal says happened.
#[derive(Debug, Default)]
pub struct Tally {
    pub starts: u64,
    pub jobs: u64,
    pub dispatches: u64,
    pub accepted: u64,
    /// Jobs with more than one accepted result (must be 0).
    pub accepted_twice: u64,
    /// Jobs handed out but without an accepted result (must be 0 at the end).
    pub unfinished: u64,
    pub redelivered: u64,
    pub timed_out: u64,
    pub wrong: u64,
    pub unknown: u64,
    /// Accepted results per worker.
    pub accepted_by: HashMap<String, u64>,
}

impl Tally {
    pub fn of(entries: &[Entry]) -> Tally {
        let mut tally = Tally::default();
        let mut accepted_per_job: HashMap<u64, u32> = HashMap::new();
        let mut highest_job = None;
        for entry in entries {
            match entry {
                Entry::Started { .. } => tally.starts += 1,
                Entry::Dispatched { job, .. } => {
                    tally.dispatches += 1;
                    highest_job = highest_job.max(Some(*job));
                }
                Entry::Accepted { job, worker, .. } => {
                    tally.accepted += 1;
                    *accepted_per_job.entry(*job).or_default() += 1;
                    *tally.accepted_by.entry(worker.clone()).or_default() += 1;
                }
                Entry::Redelivered { .. } => tally.redelivered += 1,
                Entry::TimedOut { .. } => tally.timed_out += 1,
                Entry::Wrong { .. } => tally.wrong += 1,
                Entry::Unknown { .. } => tally.unknown += 1,
            }
        }
        // Jobs are numbered from 0 without gaps as they are first handed out.
        tally.jobs = highest_job.map_or(0, |n| n + 1);
        tally.accepted_twice = accepted_per_job.values().filter(|&&n| n > 1).count() as u64;
        tally.unfinished = tally.jobs - accepted_per_job.len() as u64;
        tally
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_reads_back_and_torn_lines_do_not() {
        let entries = [
            Entry::Started { at_ms: 17 },
            Entry::Dispatched {
                job: 3,
                attempt: 2,
                worker: "w".into(),
                at_ms: 99,
            },
            Entry::Accepted {
                job: 3,
                attempt: 2,
                worker: "w".into(),
            },
            Entry::Redelivered {
                job: 3,
                attempt: 1,
                worker: "w".into(),
            },
            Entry::TimedOut { job: 3, attempt: 1 },
            Entry::Wrong {
                job: 4,
                attempt: 1,
                worker: "v".into(),
            },
            Entry::Unknown { worker: "v".into() },
        ];
        for entry in &entries {
            let line = entry.line();
            assert_eq!(super::entries(&line), (vec![entry.clone()], 0), "{line}");
            let torn = format!("{line}{}", &line[..line.len() - 1]);
            assert_eq!(super::entries(&torn), (vec![entry.clone()], 1), "{line}");
        }
        assert_eq!(Entry::parse("A 1 1 w extra"), None);
        assert_eq!(Entry::parse("Q 1"), None);
    }

    #[test]
    fn an_entry_appended_after_a_torn_line_starts_a_line_of_its_own() {
        let path = std::env::temp_dir().join(format!("rxon-soak-journal-{}", std::process::id()));
        std::fs::write(&path, "S 1\nD 0 1 w").unwrap();
        let mut journal = Journal::open(&path).unwrap();
        journal.append(&Entry::Started { at_ms: 2 }).unwrap();
        let (entries, torn) = read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(entries, [Entry::Started { at_ms: 1 }, Entry::Started { at_ms: 2 }]);
        assert_eq!(torn, 1);
    }

    #[test]
    fn the_tally_finds_unfinished_and_twice_accepted_jobs() {
        let lines = "S 1\nD 0 1 w 5\nD 1 1 w 5\nD 2 1 w 5\nA 0 1 w\nT 1 1\nD 1 2 v 9\nA 1 2 v\nA 1 1 w\nR 0 1 w";
        let (entries, torn) = super::entries(&format!("{lines}\n"));
        assert_eq!(torn, 0);
        let tally = Tally::of(&entries);
        assert_eq!((tally.jobs, tally.dispatches, tally.accepted), (3, 4, 3));
        assert_eq!((tally.accepted_twice, tally.unfinished), (1, 1));
        assert_eq!((tally.timed_out, tally.redelivered, tally.starts), (1, 1, 1));
        assert_eq!(tally.accepted_by["w"], 2);
    }
}
