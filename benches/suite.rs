//! The end-to-end benchmark: one run, one table.
//!
//! ```sh
//! cargo bench --bench suite -- [--scenarios 100000] [--seed 8] [--runs 3] [--sample 200]
//!                              [--peer-runs N] [--no-peer] [--keep DIR]
//! ```
//!
//! It generates a suite (see `support/generate.rs`) into a temporary folder
//! and measures, on that same suite:
//!
//! 1. the engine's limit: `Authorizer::is_authorized` in a tight loop over the
//!    requests, entities and policy sets lexgate built, on 1 thread and on all
//!    cores;
//! 2. `lexgate check` end to end, a fresh process each run (the release
//!    binary: `$LEXGATE`, which `benches/run.sh` sets), with `-j 1` and with
//!    all cores;
//! 3. the peer: `cedar run-tests` on the suite converted to its JSON tests,
//!    and `cedar authorize`, one process per request, on a sample — when the
//!    Cedar CLI is on `PATH` (or `$CEDAR`); `benches/run.sh` installs it;
//!
//! and the time-to-result of `lexgate check` on the bundled suite. Each
//! measurement runs `--runs` times and the median is reported; peak memory
//! comes from `/usr/bin/time` when it is installed.

#[path = "support/generate.rs"]
mod generate;
#[path = "support/measure.rs"]
mod measure;
#[path = "support/peer.rs"]
mod peer;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cedar_policy::{Authorizer, Entities, PolicySet, Request};
use rayon::prelude::*;

use lexgate::evaluate::evaluate;
use lexgate::filter::Selection;
use lexgate::load::{load, LoadOptions, Project};
use lexgate::slice::PolicySlices;

use measure::{median, Run};

struct Args {
    scenarios: usize,
    seed: u64,
    runs: usize,
    sample: usize,
    keep: Option<PathBuf>,
    peer_runs: usize,
    peer: bool,
}

fn args() -> Args {
    let mut a = Args {
        scenarios: 100_000,
        seed: 8,
        runs: 3,
        sample: 200,
        keep: None,
        peer_runs: 0,
        peer: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--scenarios" => a.scenarios = value().parse().expect("--scenarios N"),
            "--seed" => a.seed = value().parse().expect("--seed N"),
            "--runs" => a.runs = value().parse::<usize>().expect("--runs N").max(1),
            "--sample" => a.sample = value().parse().expect("--sample N"),
            "--keep" => a.keep = Some(PathBuf::from(value())),
            "--peer-runs" => a.peer_runs = value().parse().expect("--peer-runs N"),
            "--no-peer" => a.peer = false,
            "--bench" => {}
            other => panic!("unknown argument `{other}`"),
        }
    }
    if a.peer_runs == 0 {
        a.peer_runs = a.runs;
    }
    a
}

/// One line of the table.
struct Row {
    what: String,
    scenarios: usize,
    wall: Duration,
    peak_kib: Option<u64>,
    note: String,
}

impl Row {
    fn rate(&self) -> f64 {
        self.scenarios as f64 / self.wall.as_secs_f64()
    }
}

fn main() {
    let a = args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The binary people run (`cargo build --release`, as benches/run.sh sets
    // it); Cargo's own build of it for benchmarks otherwise.
    let lexgate = std::env::var_os("LEXGATE").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_lexgate")),
        PathBuf::from,
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let machine_before = measure::machine();
    let temp = tempfile::tempdir().expect("a temporary folder");
    let work = a.keep.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let suite = work.join("suite");
    if suite.exists() {
        std::fs::remove_dir_all(&suite).expect("an old suite removed");
    }

    eprintln!("generating {} scenarios (seed {})…", a.scenarios, a.seed);
    let start = Instant::now();
    let generated = generate::generate(
        root,
        &suite,
        generate::Options {
            scenarios: a.scenarios,
            seed: a.seed,
        },
    )
    .unwrap_or_else(|e| panic!("generation failed: {e}"));
    let generation = start.elapsed();
    let n = generated.scenarios;

    eprintln!("engine limit…");
    let project = load(&suite, &LoadOptions::default()).expect("the suite loads");
    let outcomes = evaluate(&project, &Selection::default());
    let mut rows = engine_rows(&project, n, a.runs);
    let peer_suite = peer::convert(&project, &outcomes, &work.join("cedar"), 5_000, a.sample)
        .unwrap_or_else(|e| panic!("conversion failed: {e}"));
    drop(outcomes);
    drop(project);

    eprintln!("lexgate check…");
    let root_arg = suite.display().to_string();
    let jobs = cores.to_string();
    for (what, extra) in [
        ("lexgate check -j 1", vec!["-j", "1"]),
        ("lexgate check (all cores)", vec!["-j", jobs.as_str()]),
        (
            "lexgate check --format json (all cores)",
            vec!["-j", jobs.as_str(), "--format", "json"],
        ),
    ] {
        let mut args = vec!["--root", root_arg.as_str(), "--color", "never", "check"];
        args.extend(extra);
        let runs = repeat(a.runs, || measure::run(&lexgate, &args));
        assert!(
            runs.iter().all(|r| r.code == Some(0)),
            "{what} did not pass on the generated suite"
        );
        rows.push(row(what, n, &runs, String::new()));
    }

    let cedar = std::env::var_os("CEDAR")
        .map(PathBuf::from)
        .or_else(|| which("cedar"));
    match &cedar {
        _ if !a.peer => {}
        Some(cedar) => rows.extend(peer_rows(cedar, &peer_suite, a.peer_runs)),
        None => {
            eprintln!("the Cedar CLI is not installed: no peer rows (benches/run.sh installs it)")
        }
    }

    eprintln!("bundled suite…");
    let bundled_runs = repeat(a.runs.max(10), || {
        measure::run(
            &lexgate,
            &[
                "--root",
                &root.display().to_string(),
                "--color",
                "never",
                "check",
            ],
        )
    });
    let bundled = lexgate::load::load(root, &LoadOptions::default())
        .map(|p| {
            p.regimes
                .iter()
                .flat_map(|r| &r.files)
                .map(|f| f.scenarios.len())
                .sum()
        })
        .unwrap_or(0);
    rows.push(row(
        "lexgate check, bundled suite (cold process)",
        bundled,
        &bundled_runs,
        String::new(),
    ));

    print_report(&a, &generated, generation, &machine_before, cores, &rows);
}

fn repeat(runs: usize, mut f: impl FnMut() -> Run) -> Vec<Run> {
    (0..runs).map(|_| f()).collect()
}

fn row(what: &str, scenarios: usize, runs: &[Run], note: String) -> Row {
    Row {
        what: what.to_string(),
        scenarios,
        wall: median(runs.iter().map(|r| r.wall).collect()),
        peak_kib: runs.iter().filter_map(|r| r.peak_kib).max(),
        note,
    }
}

/// `Authorizer::is_authorized` over the prepared requests: against the
/// regime's whole policy set (what a Cedar user gets) on 1 thread and on all
/// cores, and against lexgate's per-request slices on 1 thread.
fn engine_rows(project: &Project, n: usize, runs: usize) -> Vec<Row> {
    let slices: Vec<PolicySlices> = project
        .regimes
        .iter()
        .map(|r| PolicySlices::new(&r.policies.set, &r.schema.cedar))
        .collect();
    // Every scenario's entities, built in advance.
    let entities: Vec<Cow<Entities>> = project
        .regimes
        .iter()
        .flat_map(|r| &r.files)
        .flat_map(|f| {
            f.scenarios
                .iter()
                .map(|s| s.entities(&f.fixtures).expect("entities build"))
        })
        .collect();
    let mut whole: Vec<(&Request, &Entities, &PolicySet)> = Vec::new();
    let mut sliced: Vec<(&Request, &Entities, &PolicySet)> = Vec::new();
    let mut next = entities.iter();
    for (r, slices) in project.regimes.iter().zip(&slices) {
        for s in r.files.iter().flat_map(|f| &f.scenarios) {
            let e: &Entities = next.next().expect("one per scenario");
            whole.push((&s.request, e, &r.policies.set));
            sliced.push((&s.request, e, slices.for_request(&s.request)));
        }
    }
    let authorizer = Authorizer::new();
    let serial = |prepared: &[(&Request, &Entities, &PolicySet)]| {
        measure::time(runs, || {
            for (q, e, p) in prepared {
                std::hint::black_box(authorizer.is_authorized(q, p, e));
            }
        })
    };
    let one = serial(&whole);
    let all = measure::time(runs, || {
        whole.par_iter().for_each(|(q, e, p)| {
            std::hint::black_box(authorizer.is_authorized(q, p, e));
        });
    });
    let one_sliced = serial(&sliced);
    let mk = |what: &str, wall| Row {
        what: what.into(),
        scenarios: n,
        wall,
        peak_kib: None,
        note: "in process, requests prepared".into(),
    };
    vec![
        mk("engine limit: is_authorized, 1 thread", one),
        mk("engine limit: is_authorized, all cores", all),
        mk("engine with lexgate's policy slices, 1 thread", one_sliced),
    ]
}

/// `cedar run-tests` (with and without the schema) and `cedar authorize`.
fn peer_rows(cedar: &Path, suite: &peer::PeerSuite, runs: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let total: usize = suite.chunks.iter().map(|c| c.count).sum();
    for with_schema in [true, false] {
        eprintln!("cedar run-tests (schema: {with_schema})…");
        let mut walls = Vec::new();
        let mut peak = None;
        for _ in 0..runs {
            let mut wall = Duration::ZERO;
            for c in &suite.chunks {
                let mut args = vec![
                    "run-tests".to_string(),
                    "--policies".into(),
                    c.policies.display().to_string(),
                    "--tests".into(),
                    c.tests.display().to_string(),
                ];
                if with_schema {
                    args.extend(["--schema".into(), c.schema.display().to_string()]);
                }
                let r = measure::run(cedar, &args);
                let expected = format!("results: {} passed, 0 failed", c.count);
                assert!(
                    r.stdout.contains(&expected),
                    "cedar run-tests on {} did not pass: {}",
                    c.tests.display(),
                    r.stdout
                        .lines()
                        .rev()
                        .take(3)
                        .collect::<Vec<_>>()
                        .join(" / ")
                );
                wall += r.wall;
                peak = peak.max(r.peak_kib);
            }
            walls.push(wall);
        }
        rows.push(Row {
            what: if with_schema {
                "peer: cedar run-tests --schema".into()
            } else {
                "peer: cedar run-tests (no schema)".into()
            },
            scenarios: total,
            wall: median(walls),
            peak_kib: peak,
            note: format!("{} files of ≤ 5,000 tests", suite.chunks.len()),
        });
    }
    eprintln!("cedar authorize, one process per request…");
    let mut walls = Vec::new();
    let mut peak = None;
    for _ in 0..runs {
        let mut wall = Duration::ZERO;
        for c in &suite.calls {
            let r = measure::run(
                cedar,
                &[
                    "authorize".as_ref(),
                    "--policies".as_ref(),
                    c.policies.as_os_str(),
                    "--schema".as_ref(),
                    c.schema.as_os_str(),
                    "--entities".as_ref(),
                    c.entities.as_os_str(),
                    "--request-json".as_ref(),
                    c.request.as_os_str(),
                ],
            );
            let want = c.expect.to_string().to_uppercase();
            assert!(
                r.stdout.lines().any(|l| l.trim() == want),
                "cedar authorize disagrees on {}",
                c.request.display()
            );
            wall += r.wall;
            peak = peak.max(r.peak_kib);
        }
        walls.push(wall);
    }
    rows.push(Row {
        what: "peer: cedar authorize, one process per request".into(),
        scenarios: suite.calls.len(),
        wall: median(walls),
        peak_kib: peak,
        note: "a sample".into(),
    });
    rows
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

fn print_report(
    a: &Args,
    generated: &generate::Generated,
    generation: Duration,
    machine: &str,
    cores: usize,
    rows: &[Row],
) {
    let find = |prefix: &str| rows.iter().find(|r| r.what.starts_with(prefix));
    let rate = |prefix: &str| find(prefix).map(Row::rate);
    println!("\nlexgate benchmark");
    println!(
        "machine: {machine} (at start); load average at the end {}",
        measure::load()
    );
    println!(
        "suite: {} scenarios in {} files, seed {}, generated in {:.1} s ({} dropped: evaluation errors)",
        generated.scenarios,
        generated.files,
        a.seed,
        generation.as_secs_f64(),
        generated.dropped
    );
    println!(
        "each figure is the median of {} runs ({} for the peer, {} for the bundled suite)\n",
        a.runs,
        a.peer_runs,
        a.runs.max(10)
    );
    println!("| measurement | scenarios | wall (median) | scenarios/s | peak RSS | notes |");
    println!("| --- | ---: | ---: | ---: | ---: | --- |");
    for r in rows {
        println!(
            "| {} | {} | {} | {:.0} | {} | {} |",
            r.what,
            r.scenarios,
            if r.wall.as_secs_f64() < 1.0 {
                format!("{:.1} ms", r.wall.as_secs_f64() * 1e3)
            } else {
                format!("{:.2} s", r.wall.as_secs_f64())
            },
            r.rate(),
            r.peak_kib
                .map_or_else(|| "–".into(), |k| format!("{:.0} MB", k as f64 / 1024.0)),
            r.note
        );
    }
    println!();
    let ratio = |label: &str, a: Option<f64>, b: Option<f64>, unit: &str| {
        if let (Some(a), Some(b)) = (a, b) {
            println!("{label}: {:.2}{unit}", a / b);
        }
    };
    let one = rate("lexgate check -j 1");
    let all = rate("lexgate check (all cores)");
    ratio(
        "lexgate -j 1 / engine limit (1 thread)",
        one,
        rate("engine limit: is_authorized, 1 thread"),
        "",
    );
    ratio(
        "lexgate all cores / engine limit (all cores)",
        all,
        rate("engine limit: is_authorized, all cores"),
        "",
    );
    ratio(
        &format!("speed-up of lexgate on {cores} cores"),
        all,
        one,
        "×",
    );
    ratio(
        "lexgate all cores / cedar run-tests --schema",
        all,
        rate("peer: cedar run-tests --schema"),
        "×",
    );
    ratio(
        "lexgate all cores / cedar run-tests (no schema)",
        all,
        rate("peer: cedar run-tests (no schema)"),
        "×",
    );
    ratio(
        "lexgate all cores / cedar authorize per process",
        all,
        rate("peer: cedar authorize"),
        "×",
    );
}
