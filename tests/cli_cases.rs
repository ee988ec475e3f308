//! CLI cases as data. Each folder under `tests/cli-cases/` is one run of the
//! binary: its `cmd` file holds the arguments, one per line; every other file
//! is laid over a copy of `tests/fixtures/demo` (so a case holds only what it
//! changes). Optional control files:
//!
//! - `base`: another fixture folder to start from (`none` for an empty folder);
//! - `remove`: paths to delete from the copy, one per line;
//! - `symlinks`: lines `link -> target` to create (relative to the copy).
//!
//! The exit code, standard output and standard error are snapshotted together.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const CONTROL_FILES: &[&str] = &["cmd", "base", "remove", "symlinks"];

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if rel.as_os_str().is_empty()
            || (rel.components().count() == 1 && CONTROL_FILES.iter().any(|c| rel == Path::new(c)))
        {
            continue;
        }
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|t| {
            t.lines()
                .map(str::to_string)
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn run_case(case: &Path) -> String {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let work = tempfile::tempdir().unwrap();
    let base = read_lines(&case.join("base"))
        .into_iter()
        .next()
        .unwrap_or_else(|| "demo".into());
    if base != "none" {
        copy_tree(&tests.join("fixtures").join(&base), work.path());
    }
    copy_tree(case, work.path());
    for path in read_lines(&case.join("remove")) {
        let p = work.path().join(path);
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
    }
    #[cfg(unix)]
    for line in read_lines(&case.join("symlinks")) {
        let (link, target) = line
            .split_once(" -> ")
            .expect("symlinks lines are `link -> target`");
        std::os::unix::fs::symlink(work.path().join(target), work.path().join(link)).unwrap();
    }
    let args = read_lines(&case.join("cmd"));
    let output = Command::cargo_bin("lexgate")
        .unwrap()
        .current_dir(work.path())
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .args(["--color", "never"])
        .args(&args)
        .output()
        .unwrap();
    let code = output
        .status
        .code()
        .map(|c| c.to_string())
        .unwrap_or_else(|| "signal".into());
    format!(
        "args: {}\nexit: {code}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli-cases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && p.join("cmd").is_file())
        .collect();
    cases.sort();
    cases
}

#[test]
fn cli_cases() {
    let cases = cases();
    assert!(
        cases.len() >= 30,
        "expected the whole corpus, found {}",
        cases.len()
    );
    // Every case runs, and every mismatch is listed at the end (insta
    // writes a `.snap.new` for each), instead of stopping at the first.
    let mut mismatches = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let output = run_case(&case);
        let checked = std::panic::catch_unwind(|| {
            insta::with_settings!({snapshot_path => "cli-cases/snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
                insta::assert_snapshot!(name.clone(), output);
            });
        });
        if checked.is_err() {
            mismatches.push(name);
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} CLI cases differ from their snapshots: {}",
        mismatches.len(),
        mismatches.join(", ")
    );
}

/// Every case that is about bad input must exit 2 (a wrong exit code would
/// otherwise hide in a snapshot update).
#[test]
fn bad_input_cases_exit_2() {
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("bad-") {
            let output = run_case(&case);
            assert!(
                output.contains("\nexit: 2\n"),
                "{name} did not exit 2:\n{output}"
            );
            assert!(!output.contains("panicked"), "{name} panicked:\n{output}");
        }
    }
}
