//! Timing processes and closures: wall time, peak memory, medians.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One run of a process.
#[derive(Debug, Clone)]
pub struct Run {
    /// Wall time, spawn to exit.
    pub wall: Duration,
    /// Peak resident memory in KiB (`/usr/bin/time`'s `%M`), when measured.
    pub peak_kib: Option<u64>,
    /// The exit code.
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
}

/// GNU time, when installed: it reports the child's peak memory.
const TIME: &str = "/usr/bin/time";

/// Runs `program` with `args` once, under `/usr/bin/time` when available.
pub fn run<S: AsRef<OsStr>>(program: &Path, args: &[S]) -> Run {
    let report = tempfile::NamedTempFile::new().expect("a temporary file");
    let timed = Path::new(TIME).exists();
    let mut cmd = if timed {
        let mut c = Command::new(TIME);
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(report.path())
            .arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args).stdin(Stdio::null()).stderr(Stdio::null());
    let start = Instant::now();
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let wall = start.elapsed();
    let peak_kib = if timed {
        std::fs::read_to_string(report.path())
            .ok()
            .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()))
    } else {
        None
    };
    Run {
        wall,
        peak_kib,
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
    }
}

/// The median of some durations.
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Runs `f` `runs` times; the median wall time.
pub fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

/// A short description of the machine: CPU model, cores, memory, load.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map_or_else(|| "?".into(), |k| format!("{} GiB", k / 1024 / 1024));
    format!("{cpu}, {cores} cores, {mem} RAM, load average {}", load())
}

/// The 1-minute load average, as the kernel reports it.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}
