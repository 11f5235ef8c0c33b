//! The journal: JSON lines, one per finished task, each written whole as the task finishes
//! and made durable (`fsync`) before the task is shown (the main job syncs once per wake-up
//! of the pool, not once per line); read back by `--resume` and `fitpool merge`.

use super::record::{Line, PartRecord, PlanRecord, TaskRecord};
use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot open journal {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write journal {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot read journal {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Another process (another `fitpool run`) has the journal open for appending.
    #[error("journal {path} is in use by another process{}; wait for it to end or use another journal", pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Locked { path: PathBuf, pid: Option<u32> },
    #[error("{path}:{line}: not a journal line ({source})")]
    Parse {
        path: PathBuf,
        line: usize,
        #[source]
        source: serde_json::Error,
    },
}

/// What [`Journal::append`] did to a journal whose end was not a whole line (a run killed
/// while writing, or a crash that left NUL bytes past the last write), so that the next line
/// starts a line of its own and the file stays readable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TailRepair {
    /// The bytes after the last whole line (a torn line, NUL bytes) were cut off.
    Truncated { path: PathBuf, bytes: u64 },
    /// The last line was whole but had no newline: one was added.
    Terminated { path: PathBuf },
}

impl fmt::Display for TailRepair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TailRepair::Truncated { path, bytes } => write!(
                f,
                "journal {} ended in a line cut short; its {bytes} byte(s) were removed",
                path.display()
            ),
            TailRepair::Terminated { path } => write!(
                f,
                "journal {}'s last line had no newline; one was added",
                path.display()
            ),
        }
    }
}

/// An open journal, appending.
pub struct Journal {
    file: Handle,
    path: PathBuf,
    repair: Option<TailRepair>,
    unlocked: Option<Errno>,
}

/// The journal's file, holding its exclusive `flock` unless the filesystem has none.
enum Handle {
    Locked(Flock<File>),
    Unlocked(File),
}

impl std::ops::Deref for Handle {
    type Target = File;
    fn deref(&self) -> &File {
        match self {
            Handle::Locked(f) => f,
            Handle::Unlocked(f) => f,
        }
    }
}

impl std::ops::DerefMut for Handle {
    fn deref_mut(&mut self) -> &mut File {
        match self {
            Handle::Locked(f) => f,
            Handle::Unlocked(f) => f,
        }
    }
}

/// Takes the exclusive advisory lock of an open journal without waiting. A filesystem
/// without locks (some network ones) leaves the file unlocked and says why.
fn lock(file: File, path: &Path) -> Result<(Handle, Option<Errno>), JournalError> {
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(locked) => Ok((Handle::Locked(locked), None)),
        Err((file, e @ (Errno::ENOLCK | Errno::EOPNOTSUPP | Errno::ENOSYS))) => {
            Ok((Handle::Unlocked(file), Some(e)))
        }
        Err((file, Errno::EWOULDBLOCK)) => Err(JournalError::Locked {
            path: path.to_path_buf(),
            pid: lock_holder(&file),
        }),
        Err((_, e)) => Err(JournalError::Open {
            path: path.to_path_buf(),
            source: e.into(),
        }),
    }
}

/// The process holding a `flock` on `file`, from `/proc/locks` (lines such as
/// `1: FLOCK  ADVISORY  WRITE 4242 fd:01:1234 0 EOF`: pid, then device (hex major:minor)
/// and inode).
fn lock_holder(file: &File) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let meta = file.metadata().ok()?;
    let dev = meta.dev();
    let (major, minor) = (nix::sys::stat::major(dev), nix::sys::stat::minor(dev));
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    locks.lines().find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        // "1:" "FLOCK" "ADVISORY" "WRITE" pid dev:ino ... ("->" marks a waiter)
        if f.get(1) != Some(&"FLOCK") || f.get(4).is_none_or(|w| *w == "->") {
            return None;
        }
        let mut id = f.get(5)?.split(':');
        let maj = u64::from_str_radix(id.next()?, 16).ok()?;
        let min = u64::from_str_radix(id.next()?, 16).ok()?;
        let ino: u64 = id.next()?.parse().ok()?;
        (maj == major && min == minor && ino == meta.ino())
            .then(|| f.get(4)?.parse().ok())
            .flatten()
    })
}

impl Journal {
    /// Opens `path` for appending, creating it (and its directory) if needed. A journal that
    /// does not end in a whole line is mended first (see [`Journal::repair`]): appending onto
    /// a torn line would make both unreadable.
    ///
    /// The journal is locked (an exclusive `flock`) for as long as it is open: a second
    /// writer gets [`JournalError::Locked`] with the holder's pid, instead of interleaving its
    /// lines with the first's. On a filesystem without locks it is opened unlocked (see
    /// [`Journal::lock_unavailable`]).
    pub fn append(path: &Path) -> Result<Journal, JournalError> {
        let open_err = |source| JournalError::Open {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(open_err)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(open_err)?;
        let (file, unlocked) = lock(file, path)?;
        let mut journal = Journal {
            file,
            path: path.to_path_buf(),
            repair: None,
            unlocked,
        };
        journal.repair = journal.mend_tail()?;
        Ok(journal)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What opening did to a journal that did not end in a whole line (`None`: nothing);
    /// worth a warning.
    pub fn repair(&self) -> Option<&TailRepair> {
        self.repair.as_ref()
    }

    /// Why the journal could not be locked (`None`: it is locked), e.g. `ENOLCK` on a
    /// filesystem without locks; worth a warning: two runs on it would not be told apart.
    pub fn lock_unavailable(&self) -> Option<Errno> {
        self.unlocked
    }

    /// Makes the file end in a whole line: NUL bytes at the end and a last line that is not
    /// a journal line are cut off; a last line that is whole but lacks its newline gets one.
    fn mend_tail(&mut self) -> Result<Option<TailRepair>, JournalError> {
        let read_err = |source| JournalError::Read {
            path: self.path.clone(),
            source,
        };
        let len = self.file.metadata().map_err(read_err)?.len();
        let end = scan_back(&self.file, len, |b| b != 0).map_err(read_err)?;
        let line_start = scan_back(&self.file, end, |b| b == b'\n').map_err(read_err)?;
        let (keep, newline) = if line_start == end {
            (end, false)
        } else {
            let mut tail = vec![0; (end - line_start) as usize];
            self.file
                .read_exact_at(&mut tail, line_start)
                .map_err(read_err)?;
            let whole = std::str::from_utf8(&tail)
                .ok()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .is_some_and(|t| serde_json::from_str::<Line>(t).is_ok());
            if whole {
                (end, true)
            } else {
                (line_start, false)
            }
        };
        if keep == len && !newline {
            return Ok(None);
        }
        if keep < len {
            self.file.set_len(keep).map_err(|e| self.error(e))?;
        }
        if newline {
            self.file.write_all(b"\n").map_err(|e| self.error(e))?;
        }
        self.sync()?;
        Ok(Some(if newline {
            TailRepair::Terminated {
                path: self.path.clone(),
            }
        } else {
            TailRepair::Truncated {
                path: self.path.clone(),
                bytes: len - keep,
            }
        }))
    }

    /// Writes one line and makes it durable before returning: a run killed right after
    /// loses nothing that was written.
    pub fn write(&mut self, line: &Line) -> Result<(), JournalError> {
        self.write_unsynced(line)?;
        self.sync()
    }

    /// Writes one line whole (one `write` of an append-only file), durable only after the
    /// next [`Journal::sync`]: a batch of lines then costs one `fsync`.
    pub fn write_unsynced(&mut self, line: &Line) -> Result<(), JournalError> {
        let mut text = serde_json::to_string(line).expect("journal lines always serialize");
        text.push('\n');
        self.file
            .write_all(text.as_bytes())
            .map_err(|source| self.error(source))
    }

    /// Makes every line written so far durable.
    pub fn sync(&mut self) -> Result<(), JournalError> {
        self.file.sync_data().map_err(|source| self.error(source))
    }

    fn error(&self, source: std::io::Error) -> JournalError {
        JournalError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

/// Scans `file` backwards from `end` for the last byte that `stop` accepts; returns the
/// offset just past it (0 when there is none).
fn scan_back(file: &File, end: u64, stop: impl Fn(u8) -> bool) -> io::Result<u64> {
    const CHUNK: u64 = 8192;
    let mut buf = vec![0u8; CHUNK as usize];
    let mut hi = end;
    while hi > 0 {
        let lo = hi.saturating_sub(CHUNK);
        let chunk = &mut buf[..(hi - lo) as usize];
        file.read_exact_at(chunk, lo)?;
        if let Some(i) = chunk.iter().rposition(|&b| stop(b)) {
            return Ok(lo + i as u64 + 1);
        }
        hi = lo;
    }
    Ok(0)
}

/// What a journal file holds.
#[derive(Debug, Default)]
pub struct JournalContents {
    pub plans: Vec<PlanRecord>,
    pub tasks: Vec<TaskRecord>,
    /// Finished parts of tasks fitted in parts.
    pub parts: Vec<PartRecord>,
    /// A last line cut short (the run was killed while writing it); it is ignored.
    pub torn_tail: bool,
}

/// Reads a journal. A missing file reads as empty when `missing_ok`. A torn last line (no
/// newline, not valid JSON) is skipped and flagged; a bad line elsewhere is an error with its
/// line number.
pub fn read_journal(path: &Path, missing_ok: bool) -> Result<JournalContents, JournalError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if missing_ok && e.kind() == io::ErrorKind::NotFound => {
            return Ok(JournalContents::default())
        }
        Err(source) => {
            return Err(JournalError::Open {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let mut out = JournalContents::default();
    let mut reader = BufReader::new(file);
    let mut buf = String::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let n = reader
            .read_line(&mut buf)
            .map_err(|source| JournalError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let complete = buf.ends_with('\n');
        let text = buf.trim();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(text) {
            Ok(Line::Plan(p)) => out.plans.push(p),
            Ok(Line::Task(t)) => out.tasks.push(t),
            Ok(Line::Part(p)) => out.parts.push(p),
            Err(_) if !complete => out.torn_tail = true,
            Err(source) => {
                return Err(JournalError::Parse {
                    path: path.to_path_buf(),
                    line: line_no,
                    source,
                })
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::record::{sample, Status};

    /// A journal path in a fresh directory of the temp dir (not created: `append` creates
    /// it); the directory goes when this is dropped.
    struct TempJournal {
        dir: PathBuf,
        path: PathBuf,
    }

    impl std::ops::Deref for TempJournal {
        type Target = PathBuf;
        fn deref(&self) -> &PathBuf {
            &self.path
        }
    }

    impl AsRef<Path> for TempJournal {
        fn as_ref(&self) -> &Path {
            &self.path
        }
    }

    impl Drop for TempJournal {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn temp(name: &str) -> TempJournal {
        let dir =
            std::env::temp_dir().join(format!("fitpool-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("sub").join("j.jsonl");
        TempJournal { dir, path }
    }

    #[test]
    fn appends_and_reads_back_skipping_a_torn_tail() {
        let path = temp("torn");
        let mut j = Journal::append(&path).unwrap();
        j.write(&Line::Task(sample(0, "Ridge()", Status::Ok, Some(1.0))))
            .unwrap();
        drop(j);
        let mut j = Journal::append(&path).unwrap();
        j.write(&Line::Task(sample(1, "NuSVR()", Status::Crashed, None)))
            .unwrap();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"type":"task","key":"#).unwrap();
        let c = read_journal(&path, false).unwrap();
        assert_eq!(c.tasks.len(), 2);
        assert_eq!(c.tasks[1].status, Status::Crashed);
        assert!(c.torn_tail);
    }

    fn task_line(i: usize, key: &str) -> Line {
        Line::Task(sample(i, key, Status::Ok, Some(1.0)))
    }

    fn append_raw(path: &Path, bytes: &[u8]) {
        let mut f = OpenOptions::new().append(true).open(path).unwrap();
        f.write_all(bytes).unwrap();
    }

    #[test]
    fn appending_after_a_torn_line_cuts_it_off_and_says_so() {
        let path = temp("mend-torn");
        let mut j = Journal::append(&path).unwrap();
        assert_eq!(j.repair(), None);
        j.write(&task_line(0, "A")).unwrap();
        drop(j);
        let torn = br#"{"type":"task","key":"B","ind"#;
        append_raw(&path, torn);
        let mut j = Journal::append(&path).unwrap();
        assert_eq!(
            j.repair(),
            Some(&TailRepair::Truncated {
                path: path.clone(),
                bytes: torn.len() as u64
            })
        );
        j.write(&task_line(1, "B")).unwrap();
        drop(j);
        let c = read_journal(&path, false).unwrap();
        let keys: Vec<&str> = c.tasks.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["A", "B"]);
        assert!(!c.torn_tail);
        assert_eq!(Journal::append(&path).unwrap().repair(), None);
    }

    #[test]
    fn appending_after_a_tail_of_nul_bytes_cuts_them_off() {
        let path = temp("mend-nul");
        let mut j = Journal::append(&path).unwrap();
        j.write(&task_line(0, "A")).unwrap();
        drop(j);
        // what a crash can leave: the file's size grew, its data never reached the disk
        append_raw(&path, &[0u8; 10_000]);
        let mut j = Journal::append(&path).unwrap();
        assert_eq!(
            j.repair(),
            Some(&TailRepair::Truncated {
                path: path.clone(),
                bytes: 10_000
            })
        );
        j.write(&task_line(1, "B")).unwrap();
        drop(j);
        let c = read_journal(&path, false).unwrap();
        assert_eq!(c.tasks.len(), 2);
        assert!(!c.torn_tail);
    }

    #[test]
    fn a_whole_last_line_without_newline_is_kept_and_ended() {
        let path = temp("mend-newline");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let a = serde_json::to_string(&task_line(0, "A")).unwrap();
        std::fs::write(&path, &a).unwrap();
        let mut j = Journal::append(&path).unwrap();
        assert_eq!(
            j.repair(),
            Some(&TailRepair::Terminated { path: path.clone() })
        );
        j.write(&task_line(1, "B")).unwrap();
        drop(j);
        let c = read_journal(&path, false).unwrap();
        let keys: Vec<&str> = c.tasks.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["A", "B"]);
    }

    #[test]
    fn a_journal_of_only_a_torn_line_becomes_empty() {
        let path = temp("mend-all");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"{\"type\":\"pl").unwrap();
        let j = Journal::append(&path).unwrap();
        assert!(matches!(
            j.repair(),
            Some(TailRepair::Truncated { bytes: 11, .. })
        ));
        drop(j);
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    }

    #[test]
    fn a_second_writer_is_refused_with_the_holders_pid_until_the_first_closes() {
        let path = temp("lock");
        let first = Journal::append(&path).unwrap();
        assert_eq!(first.lock_unavailable(), None);
        match Journal::append(&path) {
            Err(e @ JournalError::Locked { .. }) => {
                let JournalError::Locked { path: p, pid } = &e else {
                    unreachable!()
                };
                assert_eq!(p, &*path);
                assert_eq!(*pid, Some(std::process::id()));
                let text = e.to_string();
                assert!(
                    text.contains(&format!("pid {}", std::process::id())),
                    "{text}"
                );
            }
            Err(e) => panic!("not a lock error: {e}"),
            Ok(_) => panic!("a second writer got the journal"),
        }
        // readers are not writers
        assert!(read_journal(&path, false).is_ok());
        drop(first);
        assert!(Journal::append(&path).is_ok());
    }

    #[test]
    fn lines_written_unsynced_read_back_in_order() {
        let path = temp("batch");
        let mut j = Journal::append(&path).unwrap();
        for (i, key) in ["A", "B", "C"].into_iter().enumerate() {
            j.write_unsynced(&Line::Task(sample(i, key, Status::Ok, Some(1.0))))
                .unwrap();
        }
        j.sync().unwrap();
        let c = read_journal(&path, false).unwrap();
        let keys: Vec<&str> = c.tasks.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["A", "B", "C"]);
        assert!(!c.torn_tail);
    }

    #[test]
    fn a_bad_line_in_the_middle_is_an_error_with_its_line_number() {
        let path = temp("bad");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let good =
            serde_json::to_string(&Line::Task(sample(0, "A", Status::Ok, Some(1.0)))).unwrap();
        std::fs::write(&path, format!("{good}\nnot json\n{good}\n")).unwrap();
        let err = read_journal(&path, false).unwrap_err().to_string();
        assert!(err.contains("j.jsonl:2:"), "{err}");
    }

    #[test]
    fn missing_file_is_empty_only_when_allowed() {
        let path = temp("missing");
        assert!(read_journal(&path, true).unwrap().tasks.is_empty());
        assert!(read_journal(&path, false).is_err());
    }
}
