//! A shard (`K/N`: the K-th of N parts of the task list) and its detection from the variables
//! SLURM sets in a job array task or an `srun -n N` task.

use super::error::SlurmError;
use std::fmt;
use std::str::FromStr;

/// One part of the task list: `index` is 0-based, `count >= 1`. Written `K/N` with K 1-based:
/// "1/3" is the first of three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

/// Where a shard came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardSource {
    /// `--shard K/N`.
    Flag,
    /// `SLURM_ARRAY_TASK_ID` and the array's size (an sbatch job array).
    SlurmArray,
    /// `SLURM_PROCID` / `SLURM_NTASKS` (one task of `srun -n N`).
    SlurmProcid,
}

impl fmt::Display for ShardSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ShardSource::Flag => "--shard",
            ShardSource::SlurmArray => "SLURM job array",
            ShardSource::SlurmProcid => "SLURM_PROCID/SLURM_NTASKS",
        })
    }
}

impl Shard {
    /// The shard `index` (0-based) of `count`; `None` unless `index < count`.
    pub fn new(index: usize, count: usize) -> Option<Shard> {
        (index < count).then_some(Shard { index, count })
    }

    /// The 1-based number of the shard, as written in `K/N`.
    pub fn number(&self) -> usize {
        self.index + 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index + 1, self.count)
    }
}

impl FromStr for Shard {
    type Err = SlurmError;

    fn from_str(text: &str) -> Result<Shard, SlurmError> {
        let invalid = |reason: &str| SlurmError::InvalidShard {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let (k, n) = text
            .trim()
            .split_once('/')
            .ok_or_else(|| invalid("no '/'"))?;
        let number = |s: &str, what: &str| {
            let s = s.trim();
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(&format!("{what} is not a positive integer")));
            }
            s.parse::<usize>()
                .map_err(|_| invalid(&format!("{what} is too large")))
        };
        let k = number(k, "K")?;
        let n = number(n, "N")?;
        if n == 0 {
            return Err(invalid("N must be at least 1"));
        }
        if k == 0 {
            return Err(invalid("K counts from 1"));
        }
        if k > n {
            return Err(invalid("K is greater than N"));
        }
        Ok(Shard {
            index: k - 1,
            count: n,
        })
    }
}

/// Reads a variable as a non-negative integer; `Ok(None)` when unset or empty.
fn var(
    env: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Option<usize>, SlurmError> {
    match env(name) {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => v
            .trim()
            .parse::<usize>()
            .map(Some)
            .map_err(|_| SlurmError::BadVariable {
                var: name,
                value: v,
            }),
    }
}

/// This process's shard as SLURM describes it, or `None` outside a job array and outside a
/// multi-task `srun` step.
///
/// - Job array: `SLURM_ARRAY_TASK_ID` with `_MIN` / `_MAX` / `_STEP` (index
///   `(ID - MIN) / STEP`, count `(MAX - MIN) / STEP + 1`) or with `_COUNT` alone (then the
///   array must start at 0). When both are given they must agree.
/// - `srun -n N`: `SLURM_PROCID` of `SLURM_NTASKS`, only when `SLURM_NTASKS > 1` and not in
///   a batch script (which sees `SLURM_PROCID=0`, `SLURM_NTASKS` as requested by `--ntasks`,
///   and no `SLURM_STEP_ID`: it is one process, so it runs everything).
///
/// Values that do not describe a regular range (`--array=1,4,9`, an ID outside the range)
/// and a job array whose tasks are themselves split by `srun -n N` are errors, never a guess:
/// a wrong guess would silently run some tasks twice or never.
///
/// Pass `&|k| std::env::var(k).ok()` in production.
pub fn detect_shard(
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(Shard, ShardSource)>, SlurmError> {
    let array = detect_array(env)?;
    let ntasks = var(env, "SLURM_NTASKS")?;
    let procid = var(env, "SLURM_PROCID")?;
    // The batch shell of `sbatch --ntasks=N` also sees SLURM_NTASKS=N and SLURM_PROCID=0, but
    // it is one process that must run everything; only `srun` steps set SLURM_STEP_ID.
    let set = |k: &str| env(k).is_some_and(|v| !v.trim().is_empty());
    let batch_step = set("SLURM_JOB_ID") && !set("SLURM_STEP_ID") && !set("SLURM_STEPID");
    let multi_task = !batch_step && ntasks.is_some_and(|n| n > 1);
    if let Some(shard) = array {
        if multi_task {
            return Err(SlurmError::Inconsistent(format!(
                "both SLURM_ARRAY_TASK_ID (array shard {shard}) and SLURM_NTASKS={} are set, so \
                 this may be one of several srun tasks of one array task",
                ntasks.unwrap_or(0)
            )));
        }
        return Ok(Some((shard, ShardSource::SlurmArray)));
    }
    if !multi_task {
        return Ok(None);
    }
    let count = ntasks.unwrap_or(0);
    let index = procid.ok_or_else(|| {
        SlurmError::Inconsistent(format!("SLURM_NTASKS={count} but SLURM_PROCID is not set"))
    })?;
    let shard = Shard::new(index, count).ok_or_else(|| {
        SlurmError::Inconsistent(format!(
            "SLURM_PROCID={index} is not below SLURM_NTASKS={count}"
        ))
    })?;
    Ok(Some((shard, ShardSource::SlurmProcid)))
}

fn detect_array(env: &dyn Fn(&str) -> Option<String>) -> Result<Option<Shard>, SlurmError> {
    let Some(id) = var(env, "SLURM_ARRAY_TASK_ID")? else {
        return Ok(None);
    };
    let count = var(env, "SLURM_ARRAY_TASK_COUNT")?;
    let min = var(env, "SLURM_ARRAY_TASK_MIN")?;
    let max = var(env, "SLURM_ARRAY_TASK_MAX")?;
    let step = var(env, "SLURM_ARRAY_TASK_STEP")?.unwrap_or(1);
    let bad = |msg: String| Err(SlurmError::Inconsistent(msg));
    if step == 0 {
        return bad("SLURM_ARRAY_TASK_STEP=0".into());
    }
    let base = min.unwrap_or(0);
    if id < base {
        return bad(format!(
            "SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={base}"
        ));
    }
    if (id - base) % step != 0 {
        return bad(format!(
            "SLURM_ARRAY_TASK_ID={id} is not MIN={base} plus a multiple of STEP={step}"
        ));
    }
    let index = (id - base) / step;
    let range_count = match max {
        Some(max) if max < base => {
            return bad(format!(
                "SLURM_ARRAY_TASK_MAX={max} is below SLURM_ARRAY_TASK_MIN={base}"
            ))
        }
        Some(max) if id > max => {
            return bad(format!(
                "SLURM_ARRAY_TASK_ID={id} is above SLURM_ARRAY_TASK_MAX={max}"
            ))
        }
        Some(max) => Some((max - base) / step + 1),
        None => None,
    };
    let count = match (count, range_count) {
        (Some(c), Some(r)) if c != r => {
            return bad(format!(
                "SLURM_ARRAY_TASK_COUNT={c} but MIN={base}, MAX={}, STEP={step} make {r} tasks \
                 (the array indices are not a regular range)",
                max.unwrap_or(0)
            ))
        }
        (Some(c), _) => c,
        (None, Some(r)) => r,
        (None, None) => {
            return bad(format!(
                "SLURM_ARRAY_TASK_ID={id} is set but neither SLURM_ARRAY_TASK_COUNT nor \
                 SLURM_ARRAY_TASK_MAX"
            ))
        }
    };
    match Shard::new(index, count) {
        Some(shard) => Ok(Some(shard)),
        None => bad(format!(
            "SLURM_ARRAY_TASK_ID={id} gives index {index}, not below the array's {count} tasks"
        )),
    }
}

/// The SLURM job a journal belongs to: `SLURM_ARRAY_JOB_ID` (shared by every task of an
/// array; `SLURM_JOB_ID` differs per task) or else `SLURM_JOB_ID`.
pub fn job_id(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    ["SLURM_ARRAY_JOB_ID", "SLURM_JOB_ID"]
        .into_iter()
        .filter_map(env)
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
}

/// Expands a journal file name: `{shard}` becomes the 1-based shard number (`all` without a
/// shard), `{job}` the job id (`local` outside SLURM; see [`job_id`]).
pub fn expand_journal_name(template: &str, shard: Option<&Shard>, job: Option<&str>) -> String {
    let shard = shard.map_or_else(|| "all".to_string(), |s| s.number().to_string());
    let job = job.filter(|j| !j.is_empty()).unwrap_or("local");
    template.replace("{shard}", &shard).replace("{job}", job)
}

/// `SLURM_CPUS_PER_TASK` as a positive count: the CPUs SLURM gave this task, a cap on the
/// pool's default worker count.
pub fn cpus_per_task(env: &dyn Fn(&str) -> Option<String>) -> Option<usize> {
    parse_cpus(&env("SLURM_CPUS_PER_TASK")?)
}

fn parse_cpus(value: &str) -> Option<usize> {
    value.trim().parse::<usize>().ok().filter(|&n| n > 0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cpus_per_task_parsing() {
        use super::parse_cpus;
        assert_eq!(parse_cpus("4"), Some(4));
        assert_eq!(parse_cpus(" 8\n"), Some(8));
        assert_eq!(parse_cpus("0"), None);
        assert_eq!(parse_cpus("four"), None);
    }

    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| map.get(k).cloned()
    }

    fn detect(pairs: &[(&str, &str)]) -> Result<Option<(Shard, ShardSource)>, SlurmError> {
        detect_shard(&env_of(pairs))
    }

    fn shard(index: usize, count: usize) -> Shard {
        Shard { index, count }
    }

    #[test]
    fn shard_parses_and_displays_one_based() {
        assert_eq!("1/3".parse::<Shard>().unwrap(), shard(0, 3));
        assert_eq!("3/3".parse::<Shard>().unwrap(), shard(2, 3));
        assert_eq!(" 2/5 ".parse::<Shard>().unwrap(), shard(1, 5));
        assert_eq!("1/1".parse::<Shard>().unwrap(), shard(0, 1));
        assert_eq!(shard(0, 3).to_string(), "1/3");
        assert_eq!(shard(6, 7).to_string(), "7/7");
        for s in ["1/3", "2/3", "3/3", "10/12"] {
            assert_eq!(s.parse::<Shard>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn shard_rejects_zero_out_of_range_and_junk() {
        for bad in [
            "0/3",
            "4/3",
            "1/0",
            "0/0",
            "",
            "/",
            "1/",
            "/3",
            "3",
            "a/b",
            "1/3/5",
            "-1/3",
            "+1/3",
            "1.0/3",
            "1 /3x",
            "99999999999999999999999/1",
        ] {
            let err = bad.parse::<Shard>().unwrap_err();
            let msg = err.to_string();
            assert!(msg.starts_with("invalid shard"), "{bad:?}: {msg}");
        }
        let msg = "0/3".parse::<Shard>().unwrap_err().to_string();
        assert!(msg.contains("K counts from 1"), "{msg}");
        let msg = "4/3".parse::<Shard>().unwrap_err().to_string();
        assert!(msg.contains("greater than N"), "{msg}");
    }

    #[test]
    fn no_slurm_no_shard() {
        assert!(detect(&[]).unwrap().is_none());
        // a plain batch script: PROCID 0 of one task, or NTASKS unset
        assert!(detect(&[("SLURM_JOB_ID", "7"), ("SLURM_PROCID", "0")])
            .unwrap()
            .is_none());
        assert!(detect(&[("SLURM_PROCID", "0"), ("SLURM_NTASKS", "1")])
            .unwrap()
            .is_none());
    }

    #[test]
    fn zero_based_array_as_sbatch_sets_it() {
        // what `sbatch --array=0-2` sets on the local cluster (see NOTES.md)
        for id in 0..3usize {
            let ids = id.to_string();
            let got = detect(&[
                ("SLURM_ARRAY_TASK_ID", &ids),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_MAX", "2"),
                ("SLURM_ARRAY_TASK_STEP", "1"),
                ("SLURM_ARRAY_JOB_ID", "100"),
                ("SLURM_JOB_ID", "101"),
                ("SLURM_PROCID", "0"),
            ])
            .unwrap();
            assert_eq!(got, Some((shard(id, 3), ShardSource::SlurmArray)));
        }
    }

    #[test]
    fn array_with_count_only_or_range_only() {
        let got = detect(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "5"),
        ]);
        assert_eq!(got.unwrap(), Some((shard(4, 5), ShardSource::SlurmArray)));
        let got = detect(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "3"),
        ]);
        assert_eq!(got.unwrap(), Some((shard(2, 4), ShardSource::SlurmArray)));
    }

    #[test]
    fn one_based_array_uses_min() {
        // sbatch --array=1-4
        for id in 1..=4usize {
            let ids = id.to_string();
            let got = detect(&[
                ("SLURM_ARRAY_TASK_ID", &ids),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_MAX", "4"),
            ])
            .unwrap();
            assert_eq!(got, Some((shard(id - 1, 4), ShardSource::SlurmArray)));
        }
    }

    #[test]
    fn array_with_step() {
        // sbatch --array=10-20:5 -> ids 10, 15, 20
        for (id, index) in [("10", 0), ("15", 1), ("20", 2)] {
            let got = detect(&[
                ("SLURM_ARRAY_TASK_ID", id),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
                ("SLURM_ARRAY_TASK_MIN", "10"),
                ("SLURM_ARRAY_TASK_MAX", "20"),
                ("SLURM_ARRAY_TASK_STEP", "5"),
            ])
            .unwrap();
            assert_eq!(got, Some((shard(index, 3), ShardSource::SlurmArray)));
        }
        // sbatch --array=0-9:4 -> ids 0, 4, 8 (MAX is the last id)
        let got = detect(&[
            ("SLURM_ARRAY_TASK_ID", "8"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "8"),
            ("SLURM_ARRAY_TASK_STEP", "4"),
        ]);
        assert_eq!(got.unwrap(), Some((shard(2, 3), ShardSource::SlurmArray)));
    }

    #[test]
    fn batch_step_of_a_multi_task_job_is_not_sharded() {
        // what `sbatch --ntasks=2` shows the batch shell on the local cluster
        let batch = [
            ("SLURM_JOB_ID", "2"),
            ("SLURM_NTASKS", "2"),
            ("SLURM_PROCID", "0"),
        ];
        assert!(detect(&batch).unwrap().is_none());
        // and what `srun -n 2` inside it shows its second task
        let task = [
            ("SLURM_JOB_ID", "2"),
            ("SLURM_NTASKS", "2"),
            ("SLURM_PROCID", "1"),
            ("SLURM_STEP_ID", "0"),
            ("SLURM_STEP_NUM_TASKS", "2"),
        ];
        assert_eq!(
            detect(&task).unwrap(),
            Some((shard(1, 2), ShardSource::SlurmProcid))
        );
        // an array task's batch shell with --ntasks=2 is just its array shard
        let array_batch = [
            ("SLURM_JOB_ID", "12"),
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
            ("SLURM_NTASKS", "2"),
            ("SLURM_PROCID", "0"),
        ];
        assert_eq!(
            detect(&array_batch).unwrap(),
            Some((shard(1, 2), ShardSource::SlurmArray))
        );
    }

    #[test]
    fn srun_tasks_use_procid() {
        for p in 0..4usize {
            let ps = p.to_string();
            let got = detect(&[
                ("SLURM_PROCID", &ps),
                ("SLURM_NTASKS", "4"),
                ("SLURM_JOB_ID", "55"),
                ("SLURM_STEP_ID", "0"),
            ])
            .unwrap();
            assert_eq!(got, Some((shard(p, 4), ShardSource::SlurmProcid)));
            // the two variables alone are enough
            let got = detect(&[("SLURM_PROCID", &ps), ("SLURM_NTASKS", "4")]).unwrap();
            assert_eq!(got, Some((shard(p, 4), ShardSource::SlurmProcid)));
        }
    }

    fn inconsistent(pairs: &[(&str, &str)], needle: &str) {
        let err = detect(pairs).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(needle) && msg.contains("--shard"),
            "{pairs:?}: {msg}"
        );
        assert!(msg.starts_with(char::is_lowercase), "{msg}");
        assert!(!msg.ends_with('.'), "{msg}");
    }

    #[test]
    fn inconsistent_environments_are_clear_errors() {
        inconsistent(
            &[
                ("SLURM_ARRAY_TASK_ID", "3"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
            "not below the array's 3 tasks",
        );
        inconsistent(
            &[
                ("SLURM_ARRAY_TASK_ID", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "2"),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_MAX", "2"),
            ],
            "not a regular range",
        );
        inconsistent(
            &[
                ("SLURM_ARRAY_TASK_ID", "0"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_MAX", "3"),
            ],
            "below SLURM_ARRAY_TASK_MIN",
        );
        inconsistent(
            &[
                ("SLURM_ARRAY_TASK_ID", "5"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_MAX", "3"),
            ],
            "above SLURM_ARRAY_TASK_MAX",
        );
        inconsistent(
            &[
                ("SLURM_ARRAY_TASK_ID", "3"),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_MAX", "8"),
                ("SLURM_ARRAY_TASK_STEP", "2"),
            ],
            "multiple of STEP=2",
        );
        inconsistent(
            &[
                ("SLURM_ARRAY_TASK_ID", "0"),
                ("SLURM_ARRAY_TASK_MAX", "3"),
                ("SLURM_ARRAY_TASK_STEP", "0"),
            ],
            "SLURM_ARRAY_TASK_STEP=0",
        );
        // what `sbatch --array=1,4,9` sets (seen on the local cluster): not a range
        inconsistent(
            &[
                ("SLURM_ARRAY_TASK_ID", "4"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_MAX", "9"),
                ("SLURM_ARRAY_TASK_STEP", "1"),
            ],
            "not a regular range",
        );
        inconsistent(
            &[("SLURM_ARRAY_TASK_ID", "0")],
            "neither SLURM_ARRAY_TASK_COUNT",
        );
        inconsistent(&[("SLURM_NTASKS", "4")], "SLURM_PROCID is not set");
        inconsistent(
            &[("SLURM_NTASKS", "4"), ("SLURM_PROCID", "4")],
            "not below SLURM_NTASKS=4",
        );
        inconsistent(
            &[
                ("SLURM_ARRAY_TASK_ID", "0"),
                ("SLURM_ARRAY_TASK_COUNT", "2"),
                ("SLURM_NTASKS", "2"),
                ("SLURM_PROCID", "1"),
            ],
            "srun tasks",
        );
    }

    #[test]
    fn non_numbers_are_errors() {
        let err = detect(&[
            ("SLURM_ARRAY_TASK_ID", "x"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ])
        .unwrap_err();
        assert!(matches!(
            err,
            SlurmError::BadVariable {
                var: "SLURM_ARRAY_TASK_ID",
                ..
            }
        ));
        assert!(
            err.to_string().contains("SLURM_ARRAY_TASK_ID=\"x\""),
            "{err}"
        );
        let err = detect(&[("SLURM_NTASKS", "-2"), ("SLURM_PROCID", "0")]).unwrap_err();
        assert!(matches!(
            err,
            SlurmError::BadVariable {
                var: "SLURM_NTASKS",
                ..
            }
        ));
    }

    #[test]
    fn journal_names_expand() {
        let s = shard(1, 3);
        assert_eq!(
            expand_journal_name("out/journal-{job}-{shard}.jsonl", Some(&s), Some("123")),
            "out/journal-123-2.jsonl"
        );
        assert_eq!(
            expand_journal_name("j-{job}-{shard}.jsonl", None, None),
            "j-local-all.jsonl"
        );
        assert_eq!(
            expand_journal_name("plain.jsonl", Some(&s), Some("9")),
            "plain.jsonl"
        );
        assert_eq!(
            expand_journal_name("{shard}{shard}", Some(&s), Some("")),
            "22"
        );
    }

    #[test]
    fn job_id_prefers_the_array_job() {
        let env = env_of(&[("SLURM_ARRAY_JOB_ID", "100"), ("SLURM_JOB_ID", "103")]);
        assert_eq!(job_id(&env).as_deref(), Some("100"));
        let env = env_of(&[("SLURM_JOB_ID", "103")]);
        assert_eq!(job_id(&env).as_deref(), Some("103"));
        assert_eq!(job_id(&env_of(&[])), None);
    }
}
