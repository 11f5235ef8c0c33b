//! The journal: JSON lines, one per finished task, each written whole as the task finishes
//! and made durable (`fsync`) before the task is shown (the main job syncs once per wake-up
//! of the pool, not once per line); read back by `--resume` and `fitpool merge`.

use super::record::{Line, PlanRecord, TaskRecord};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
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
    #[error("{path}:{line}: not a journal line ({source})")]
    Parse {
        path: PathBuf,
        line: usize,
        #[source]
        source: serde_json::Error,
    },
}

/// An open journal, appending.
pub struct Journal {
    file: File,
    path: PathBuf,
}

impl Journal {
    /// Opens `path` for appending, creating it (and its directory) if needed.
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
            .append(true)
            .open(path)
            .map_err(open_err)?;
        Ok(Journal {
            file,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
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

/// What a journal file holds.
#[derive(Debug, Default)]
pub struct JournalContents {
    pub plans: Vec<PlanRecord>,
    pub tasks: Vec<TaskRecord>,
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

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("fitpool-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("sub").join("j.jsonl")
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
