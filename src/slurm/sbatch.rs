//! The sbatch scripts of a run on a SLURM cluster (a job array of `fitpool run` shards, then a
//! merge job) and their submission.

use super::error::SlurmError;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What `fitpool slurm` needs to write (and submit) a job array and its merge job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SbatchOptions {
    /// Number of array tasks, hence of shards.
    pub array: usize,
    /// CPUs of each array task (fitpool runs that many workers).
    pub cpus_per_task: usize,
    /// `--time` of each array task, in any form sbatch takes (`30`, `2:00:00`, `1-12`).
    pub time: Option<String>,
    pub partition: Option<String>,
    /// `--mem` of each array task (`4G`).
    pub mem: Option<String>,
    pub job_name: String,
    /// Where the journals, logs, scripts and results go. Relative paths are made absolute by
    /// [`write_scripts`] and [`submit`].
    pub output_dir: PathBuf,
    /// The fitpool binary; absolute, since the job may start in another directory.
    pub fitpool: PathBuf,
    /// The user's `fitpool run` options, passed through (not `--journal`, `--resume` or
    /// `--shard`: the script sets those).
    pub run_args: Vec<String>,
    /// Seconds before the time limit at which fitpool gets its SIGTERM (`--signal=B:TERM@N`);
    /// 0 leaves the line out.
    pub grace_seconds: u32,
}

impl SbatchOptions {
    /// Options with the defaults of `fitpool slurm`: one CPU per task, 60 s of grace, no time,
    /// partition or memory request.
    pub fn new(array: usize, output_dir: PathBuf, fitpool: PathBuf, run_args: Vec<String>) -> Self {
        SbatchOptions {
            array,
            cpus_per_task: 1,
            time: None,
            partition: None,
            mem: None,
            job_name: "fitpool".to_string(),
            output_dir,
            fitpool,
            run_args,
            grace_seconds: 60,
        }
    }

    /// Checks what would make a broken script or a run that loses tasks.
    pub fn validate(&self) -> Result<(), SlurmError> {
        let bad = |msg: String| Err(SlurmError::Options(msg));
        if self.array == 0 {
            return bad("--array must be at least 1".into());
        }
        if self.cpus_per_task == 0 {
            return bad("--cpus-per-task must be at least 1".into());
        }
        if self.job_name.is_empty()
            || !self
                .job_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-+".contains(c))
        {
            return bad(format!(
                "job name {:?} must be letters, digits and _ . - + only",
                self.job_name
            ));
        }
        for (what, value) in [
            ("--time", &self.time),
            ("--partition", &self.partition),
            ("--mem", &self.mem),
        ] {
            if let Some(v) = value {
                if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return bad(format!("{what} {v:?} must be one word"));
                }
            }
        }
        let dir = self.output_dir.to_string_lossy();
        if dir.is_empty()
            || dir
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '%')
        {
            return bad(format!(
                "output directory {dir:?} must not be empty or contain spaces or '%' (sbatch \
                 reads it from an #SBATCH line)"
            ));
        }
        if !self.fitpool.is_absolute() {
            return bad(format!(
                "the fitpool binary {} must be an absolute path",
                self.fitpool.display()
            ));
        }
        for arg in &self.run_args {
            let name = arg.split('=').next().unwrap_or("");
            if ["--journal", "--resume", "--shard"].contains(&name) {
                return bad(format!(
                    "run option {name} is set by the job script (one journal and shard per \
                     array task); leave it out"
                ));
            }
        }
        Ok(())
    }

    fn absolute(&self) -> Result<SbatchOptions, SlurmError> {
        let mut o = self.clone();
        o.output_dir =
            std::path::absolute(&self.output_dir).map_err(|source| SlurmError::Write {
                path: self.output_dir.clone(),
                source,
            })?;
        Ok(o)
    }
}

/// What [`submit`] submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmitInfo {
    pub array_job: u64,
    pub merge_job: u64,
    pub array_script: PathBuf,
    pub merge_script: PathBuf,
}

impl std::fmt::Display for SubmitInfo {
    /// What `fitpool slurm --submit` tells the user: the job ids, and where results will be.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dir = self.merge_script.parent().unwrap_or(Path::new("."));
        write!(
            f,
            "submitted job array {a} ({array}) and merge job {m} ({merge}, after the array)\n\
             results: {dir}/results.txt, results.json and report.html; journals: {dir}/journal-{a}-*.jsonl\n\
             watch: squeue -j {a},{m}",
            a = self.array_job,
            m = self.merge_job,
            array = self.array_script.display(),
            merge = self.merge_script.display(),
            dir = dir.display(),
        )
    }
}

/// Quotes `s` for a POSIX shell (as is when it needs no quoting).
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=,+@%^".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r#"'\''"#))
    }
}

fn quote_path(p: &Path) -> String {
    shell_quote(&p.to_string_lossy())
}

/// The array job's script and the merge job's script (which takes the array's job id as its
/// first argument). Paths are used as given; [`write_scripts`] makes them absolute.
pub fn sbatch_scripts(o: &SbatchOptions) -> (String, String) {
    (array_script(o), merge_script(o))
}

fn array_script(o: &SbatchOptions) -> String {
    let n = o.array.max(1);
    let dir = o.output_dir.to_string_lossy();
    let mut s = String::from("#!/bin/bash\n");
    let _ = writeln!(s, "#SBATCH --job-name={}", o.job_name);
    let _ = writeln!(s, "#SBATCH --array=0-{}", n - 1);
    let _ = writeln!(s, "#SBATCH --ntasks=1");
    let _ = writeln!(s, "#SBATCH --cpus-per-task={}", o.cpus_per_task);
    if let Some(t) = &o.time {
        let _ = writeln!(s, "#SBATCH --time={t}");
    }
    if let Some(p) = &o.partition {
        let _ = writeln!(s, "#SBATCH --partition={p}");
    }
    if let Some(m) = &o.mem {
        let _ = writeln!(s, "#SBATCH --mem={m}");
    }
    let _ = writeln!(s, "#SBATCH --output={dir}/%x-%A_%a.log");
    if o.grace_seconds > 0 {
        let _ = writeln!(s, "#SBATCH --signal=B:TERM@{}", o.grace_seconds);
    }
    let _ = write!(
        s,
        r#"#
# Written by `fitpool slurm`. Each of the {n} array tasks runs `fitpool run` on its own shard
# K/{n} (K = array index + 1) of the lineup, and appends every finished task to its own journal
# {dir}/journal-<job id>-<K>.jsonl. The merge job ranks all the journals together.
#
# Time limit and signals: at the time limit SLURM sends SIGTERM to every process of the job and
# SIGKILL KillWait seconds later (30 s by default). --signal=B:TERM@N asks for an earlier SIGTERM,
# about N s before the limit (SLURM may send it up to a minute earlier still), to the batch
# shell only ("B:"), not to its children. So this script `exec`s fitpool: fitpool IS the batch
# shell's process and gets that signal; it stops dispatching, stops its workers, keeps every
# finished result in the journal and exits 143. (A shell that ran fitpool as a child would die of
# the signal and leave fitpool running until the hard kill.) scancel works the same way.
#
# Resume: to finish shard K of array job J (time limit, cancel, node failure), resubmit this file
# for array index K-1 with J's journals; --resume skips what is already done:
#   sbatch --array=<K-1> --export=ALL,FITPOOL_RESUME_JOB=<J> <this file>
# then run the merge again: sbatch <merge script> <J>, or fitpool merge {dir}/journal-<J>-*.jsonl
set -u
: "${{SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array script}}"
shard=$((SLURM_ARRAY_TASK_ID + 1))
job=${{FITPOOL_RESUME_JOB:-$SLURM_ARRAY_JOB_ID}}
exec {fitpool} run"#,
        fitpool = quote_path(&o.fitpool),
    );
    for arg in &o.run_args {
        let _ = write!(s, " \\\n    {}", shell_quote(arg));
    }
    let _ = writeln!(
        s,
        " \\\n    --shard \"$shard/{n}\" \\\n    --journal {}/journal-\"$job\"-\"$shard\".jsonl \\\n    --resume",
        shell_quote(&dir)
    );
    s
}

fn merge_script(o: &SbatchOptions) -> String {
    let dir = o.output_dir.to_string_lossy();
    let mut s = String::from("#!/bin/bash\n");
    let _ = writeln!(s, "#SBATCH --job-name={}-merge", o.job_name);
    let _ = writeln!(s, "#SBATCH --ntasks=1");
    let _ = writeln!(s, "#SBATCH --cpus-per-task=1");
    if o.time.is_some() {
        let _ = writeln!(s, "#SBATCH --time=00:10:00");
    }
    if let Some(p) = &o.partition {
        let _ = writeln!(s, "#SBATCH --partition={p}");
    }
    let _ = writeln!(s, "#SBATCH --output={dir}/%x-%j.log");
    let _ = write!(
        s,
        r#"#
# Written by `fitpool slurm`: ranks the journals of every shard of array job $1 together into
# {dir}/results.txt (table), results.json and report.html. Submitted after the array with
# --dependency=afterany:<array job id>, so it also runs when a shard failed or hit its time
# limit; it exits 1 and lists the missing tasks when some shard did not finish.
set -u
job=${{1:?usage: sbatch --dependency=afterany:JOB this-file JOB}}
dir={qdir}
{fitpool} merge --format json "$dir"/journal-"$job"-*.jsonl >"$dir"/results.json
{fitpool} report "$dir"/journal-"$job"-*.jsonl -o "$dir"/report.html
{fitpool} merge "$dir"/journal-"$job"-*.jsonl >"$dir"/results.txt
"#,
        qdir = shell_quote(&dir),
        fitpool = quote_path(&o.fitpool),
    );
    s
}

/// Validates `o`, creates its output directory and writes `<job name>-array.sbatch` and
/// `<job name>-merge.sbatch` there (with absolute paths). Returns the two paths.
pub fn write_scripts(o: &SbatchOptions) -> Result<(PathBuf, PathBuf), SlurmError> {
    o.validate()?;
    let o = o.absolute()?;
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SlurmError::Write { path, source }
    };
    std::fs::create_dir_all(&o.output_dir).map_err(write_err(&o.output_dir))?;
    let (array, merge) = sbatch_scripts(&o);
    let array_path = o.output_dir.join(format!("{}-array.sbatch", o.job_name));
    let merge_path = o.output_dir.join(format!("{}-merge.sbatch", o.job_name));
    std::fs::write(&array_path, array).map_err(write_err(&array_path))?;
    std::fs::write(&merge_path, merge).map_err(write_err(&merge_path))?;
    Ok((array_path, merge_path))
}

/// Writes the scripts ([`write_scripts`]) and submits them: the array with `sbatch
/// --parsable`, then the merge job with `--dependency=afterany:<array id>`. If the merge job
/// cannot be submitted, the array job is cancelled again (a run nobody merges is lost work).
pub fn submit(o: &SbatchOptions) -> Result<SubmitInfo, SlurmError> {
    submit_with(o, Path::new("sbatch"), Path::new("scancel"))
}

fn submit_with(o: &SbatchOptions, sbatch: &Path, scancel: &Path) -> Result<SubmitInfo, SlurmError> {
    let (array_script, merge_script) = write_scripts(o)?;
    let array_job = run_sbatch(sbatch, &[], &array_script, &[])?;
    let dependency = format!("--dependency=afterany:{array_job}");
    let id = array_job.to_string();
    match run_sbatch(sbatch, &[&dependency], &merge_script, &[&id]) {
        Ok(merge_job) => Ok(SubmitInfo {
            array_job,
            merge_job,
            array_script,
            merge_script,
        }),
        Err(e) => {
            let _ = Command::new(scancel).arg(&id).output();
            Err(SlurmError::MergeNotSubmitted {
                array_job,
                source: Box::new(e),
            })
        }
    }
}

fn run_sbatch(
    sbatch: &Path,
    options: &[&str],
    script: &Path,
    script_args: &[&str],
) -> Result<u64, SlurmError> {
    let out = Command::new(sbatch)
        .arg("--parsable")
        .args(options)
        .arg(script)
        .args(script_args)
        .output()
        .map_err(|source| SlurmError::Spawn {
            program: sbatch.display().to_string(),
            source,
        })?;
    if !out.status.success() {
        return Err(SlurmError::Sbatch {
            script: script.to_path_buf(),
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    parse_job_id(&String::from_utf8_lossy(&out.stdout))
}

/// The job id from `sbatch --parsable` output: `123` or `123;cluster`.
fn parse_job_id(stdout: &str) -> Result<u64, SlurmError> {
    let line = stdout
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("");
    line.split(';')
        .next()
        .and_then(|id| id.trim().parse().ok())
        .ok_or_else(|| SlurmError::JobId(stdout.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn tmpdir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("fitpool-slurm-unit-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn executable(path: &Path, body: &str) {
        std::fs::write(path, body).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn options(dir: &Path, fitpool: &Path) -> SbatchOptions {
        SbatchOptions {
            array: 3,
            cpus_per_task: 4,
            time: Some("1:30:00".into()),
            partition: Some("debug".into()),
            mem: Some("4G".into()),
            job_name: "fp-test".into(),
            output_dir: dir.to_path_buf(),
            fitpool: fitpool.to_path_buf(),
            run_args: vec![
                "--train".into(),
                "data/my train.csv".into(),
                "-m".into(),
                "Ridge(alpha=0.5)".into(),
                "-m".into(),
                "KNeighborsRegressor(n_neighbors=7, weights='distance')".into(),
                "--timeout".into(),
                "10m".into(),
            ],
            grace_seconds: 60,
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("--train"), "--train");
        assert_eq!(shell_quote("a/b.csv"), "a/b.csv");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("Ridge(alpha=0.5)"), "'Ridge(alpha=0.5)'");
        assert_eq!(shell_quote("it's"), r#"'it'\''s'"#);
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
    }

    #[test]
    fn array_script_has_the_directives() {
        let o = options(Path::new("/scratch/run1"), Path::new("/opt/bin/fitpool"));
        let (array, merge) = sbatch_scripts(&o);
        for line in [
            "#!/bin/bash\n",
            "\n#SBATCH --job-name=fp-test\n",
            "\n#SBATCH --array=0-2\n",
            "\n#SBATCH --cpus-per-task=4\n",
            "\n#SBATCH --time=1:30:00\n",
            "\n#SBATCH --partition=debug\n",
            "\n#SBATCH --mem=4G\n",
            "\n#SBATCH --output=/scratch/run1/%x-%A_%a.log\n",
            "\n#SBATCH --signal=B:TERM@60\n",
            "\nexec /opt/bin/fitpool run \\\n",
            "--shard \"$shard/3\"",
            "--journal /scratch/run1/journal-\"$job\"-\"$shard\".jsonl \\\n    --resume\n",
        ] {
            assert!(array.contains(line), "{line:?} not in\n{array}");
        }
        // every #SBATCH line comes before the first command, or sbatch ignores it
        let first_command = array
            .lines()
            .position(|l| !l.starts_with('#') && !l.trim().is_empty())
            .unwrap();
        let lines: Vec<&str> = array.lines().collect();
        let last_directive = lines
            .iter()
            .rposition(|l| l.starts_with("#SBATCH"))
            .unwrap();
        assert!(last_directive < first_command);
        for line in [
            "\n#SBATCH --job-name=fp-test-merge\n",
            "\n#SBATCH --output=/scratch/run1/%x-%j.log\n",
            "\n#SBATCH --partition=debug\n",
            "/opt/bin/fitpool merge --format json \"$dir\"/journal-\"$job\"-*.jsonl >\"$dir\"/results.json\n",
            "/opt/bin/fitpool report \"$dir\"/journal-\"$job\"-*.jsonl -o \"$dir\"/report.html\n",
            "/opt/bin/fitpool merge \"$dir\"/journal-\"$job\"-*.jsonl >\"$dir\"/results.txt\n",
        ] {
            assert!(merge.contains(line), "{line:?} not in\n{merge}");
        }
        assert!(!merge.contains("--array"));
    }

    #[test]
    fn optional_directives_are_left_out() {
        let mut o = options(Path::new("/r"), Path::new("/f"));
        o.time = None;
        o.partition = None;
        o.mem = None;
        o.grace_seconds = 0;
        o.array = 1;
        let (array, merge) = sbatch_scripts(&o);
        assert!(array.contains("#SBATCH --array=0-0\n"));
        for absent in ["--time", "--partition", "--mem", "--signal"] {
            assert!(!array.contains(&format!("#SBATCH {absent}")), "{absent}");
            assert!(!merge.contains(&format!("#SBATCH {absent}")), "{absent}");
        }
    }

    /// Runs the generated array script under bash as SLURM would (with its variables set) and a
    /// fake fitpool that records its arguments: the arguments arrive intact.
    #[test]
    fn array_script_passes_arguments_intact() {
        let dir = tmpdir("args");
        let fake = dir.join("fake fitpool");
        let record = dir.join("args.txt");
        executable(
            &fake,
            &format!(
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '{}'\n",
                record.display()
            ),
        );
        let o = options(&dir, &fake);
        let (array, _) = sbatch_scripts(&o);
        let script = dir.join("array.sbatch");
        std::fs::write(&script, array).unwrap();
        let run = |extra: &[(&str, &str)]| {
            let status = Command::new("bash")
                .arg(&script)
                .env_remove("FITPOOL_RESUME_JOB")
                .env("SLURM_ARRAY_TASK_ID", "1")
                .env("SLURM_ARRAY_JOB_ID", "4242")
                .envs(extra.iter().copied())
                .status()
                .unwrap();
            assert!(status.success());
            std::fs::read_to_string(&record).unwrap()
        };
        let mut want: Vec<String> = vec!["run".into()];
        want.extend(o.run_args.iter().cloned());
        want.extend([
            "--shard".into(),
            "2/3".into(),
            "--journal".into(),
            format!("{}/journal-4242-2.jsonl", dir.display()),
            "--resume".into(),
        ]);
        assert_eq!(run(&[]).lines().collect::<Vec<_>>(), want);
        // a resubmission appends to the old job's journal
        let got = run(&[("FITPOOL_RESUME_JOB", "17")]);
        assert!(
            got.contains(&format!("{}/journal-17-2.jsonl\n", dir.display())),
            "{got}"
        );
        // outside sbatch the script refuses to run
        let out = Command::new("bash")
            .arg(&script)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("submit this script with sbatch"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn validation() {
        let good = options(Path::new("/r"), Path::new("/bin/fitpool"));
        assert!(good.validate().is_ok());
        let check = |f: &dyn Fn(&mut SbatchOptions), needle: &str| {
            let mut o = good.clone();
            f(&mut o);
            let msg = o.validate().unwrap_err().to_string();
            assert!(msg.contains(needle), "{msg}");
            assert!(msg.starts_with("invalid sbatch options: "), "{msg}");
        };
        check(&|o| o.array = 0, "--array");
        check(&|o| o.cpus_per_task = 0, "--cpus-per-task");
        check(&|o| o.job_name = "a b".into(), "job name");
        check(&|o| o.job_name = String::new(), "job name");
        check(&|o| o.time = Some("1 h".into()), "--time");
        check(&|o| o.output_dir = "/a b".into(), "output directory");
        check(&|o| o.output_dir = "/a%j".into(), "output directory");
        check(&|o| o.fitpool = "target/release/fitpool".into(), "absolute");
        check(
            &|o| o.run_args.push("--journal=x.jsonl".into()),
            "--journal",
        );
        check(&|o| o.run_args.push("--resume".into()), "--resume");
        check(
            &|o| o.run_args.extend(["--shard".into(), "1/2".into()]),
            "--shard",
        );
        // a value that merely looks like an option name is fine when it is not one
        let mut o = good.clone();
        o.run_args
            .extend(["--train".into(), "--journals.csv".into()]);
        assert!(o.validate().is_ok());
        let o = SbatchOptions::new(2, "out".into(), "/bin/fitpool".into(), vec![]);
        assert_eq!(
            (o.cpus_per_task, o.grace_seconds, o.job_name.as_str()),
            (1, 60, "fitpool")
        );
    }

    #[test]
    fn job_ids() {
        assert_eq!(parse_job_id("123\n").unwrap(), 123);
        assert_eq!(parse_job_id("456;cluster\n").unwrap(), 456);
        assert!(parse_job_id("").is_err());
        assert!(parse_job_id("Submitted batch job 5").is_err());
    }

    /// `submit` with a fake sbatch that records its calls: the array first, then the merge job
    /// depending on it with the array id as its argument.
    #[test]
    fn submit_runs_sbatch_twice() {
        let dir = tmpdir("submit");
        let calls = dir.join("calls.txt");
        let sbatch = dir.join("sbatch");
        executable(
            &sbatch,
            &format!(
                "#!/bin/sh\necho \"$*\" >> '{c}'\nn=$(wc -l < '{c}')\necho $((100 + n))\n",
                c = calls.display()
            ),
        );
        let out = dir.join("out");
        let o = options(&out, Path::new("/bin/fitpool"));
        let info = submit_with(&o, &sbatch, Path::new("/bin/false")).unwrap();
        assert_eq!((info.array_job, info.merge_job), (101, 102));
        assert_eq!(info.array_script, out.join("fp-test-array.sbatch"));
        let text = std::fs::read_to_string(&calls).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            vec![
                format!("--parsable {}", info.array_script.display()),
                format!(
                    "--parsable --dependency=afterany:101 {} 101",
                    info.merge_script.display()
                ),
            ]
        );
        assert!(std::fs::read_to_string(&info.merge_script)
            .unwrap()
            .contains("results.txt"));
        let shown = info.to_string();
        assert!(shown.starts_with("submitted job array 101 ("), "{shown}");
        assert!(
            shown.contains(&format!("{}/results.txt", out.display())),
            "{shown}"
        );
        assert!(shown.contains("squeue -j 101,102"), "{shown}");

        // a failing sbatch: its stderr comes back
        executable(
            &sbatch,
            "#!/bin/sh\necho 'sbatch: error: invalid partition' >&2\nexit 1\n",
        );
        let msg = submit_with(&o, &sbatch, Path::new("/bin/false"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("invalid partition"), "{msg}");
        // a merge submission that fails cancels the array
        let cancelled = dir.join("cancelled.txt");
        let scancel = dir.join("scancel");
        executable(
            &scancel,
            &format!("#!/bin/sh\necho \"$*\" > '{}'\n", cancelled.display()),
        );
        executable(
            &sbatch,
            "#!/bin/sh\ncase \"$*\" in *--dependency*) echo 'sbatch: error: nope' >&2; exit 1;; esac\necho 77\n",
        );
        let msg = submit_with(&o, &sbatch, &scancel).unwrap_err().to_string();
        assert!(msg.contains("array job 77 was cancelled"), "{msg}");
        assert_eq!(std::fs::read_to_string(&cancelled).unwrap(), "77\n");
        let err = submit_with(&o, &dir.join("no-such-sbatch"), &scancel).unwrap_err();
        assert!(matches!(err, SlurmError::Spawn { .. }), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
