//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test crate uses its own part

use std::path::Path;

use assert_cmd::Command;

/// A copy of `tests/fixtures/demo` in a temporary folder.
pub fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = dir.path().join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    dir
}

/// The binary, run in `dir`, without colours and outside CI.
pub fn lexgate(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("lexgate").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .args(["--color", "never"]);
    cmd
}

/// Runs the binary in `dir`; returns the exit code, stdout and stderr.
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = lexgate(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Replaces `from` by `to` in the file at `path` (which must contain it).
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The names of the files directly in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// True when cvc5 can be found; otherwise a loud line on stderr — and a
/// failure when `LEXGATE_REQUIRE_SOLVER` is set (as CI sets it), so that a
/// solver test never passes by skipping there.
pub fn have_cvc5(test: &str) -> bool {
    let found = lexgate::verify::solver::find_cvc5().is_some();
    if !found {
        assert!(
            std::env::var_os("LEXGATE_REQUIRE_SOLVER").is_none(),
            "{test}: cvc5 not found, and LEXGATE_REQUIRE_SOLVER is set"
        );
        eprintln!(
            "SKIPPED: cvc5 not found — {test} did not run (install it: apt-get install -y cvc5)"
        );
    }
    found
}
