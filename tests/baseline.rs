//! `check --baseline`, `accept` and `reject` on a copy of the demo fixture:
//! each path of the insta-style baseline, several commands in a row.

mod common;

use std::path::Path;

use common::{demo_copy, edit, names, run};

/// The demo copy with its reports written as the baseline in `reports/`.
fn with_baseline() -> tempfile::TempDir {
    let dir = demo_copy();
    let (code, _, err) = run(dir.path(), &["report"]);
    assert_eq!(code, 0, "{err}");
    dir
}

/// A real change of outcome: the grant no longer covers its last day.
fn change_policy(dir: &Path) {
    edit(
        &dir.join("policies/demo/access.cedar"),
        r#"context.now < context.grant.valid_to.offset(duration("1d"))"#,
        "context.now < context.grant.valid_to",
    );
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join("reports").join(name)).unwrap()
}

#[test]
fn unchanged_reports_pass_and_write_nothing() {
    let dir = with_baseline();
    let (code, out, err) = run(dir.path(), &["check", "--baseline", "reports/"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, "ok: 2 report files match the baseline in reports/\n");
    assert_eq!(names(&dir.path().join("reports")), ["demo.json", "demo.md"]);
}

#[test]
fn a_baseline_that_records_failures_passes_when_unchanged() {
    let dir = demo_copy();
    change_policy(dir.path());
    assert_eq!(run(dir.path(), &["check"]).0, 1);
    assert_eq!(run(dir.path(), &["report"]).0, 0);
    let (code, out, _) = run(dir.path(), &["check", "--baseline", "reports"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_change_shows_a_diff_and_writes_pending_files() {
    let dir = with_baseline();
    change_policy(dir.path());
    let (code, out, err) = run(dir.path(), &["check", "--baseline", "reports/"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("changed", format!("--- stdout\n{out}--- stderr\n{err}"));
    assert_eq!(
        names(&dir.path().join("reports")),
        ["demo.json", "demo.json.new", "demo.md", "demo.md.new"]
    );
    // Running again changes nothing: the same pending files.
    let again = run(dir.path(), &["check", "--baseline", "reports/"]);
    assert_eq!((again.0, again.1), (1, out));
}

#[test]
fn accept_takes_the_pending_files_and_the_next_run_passes() {
    let dir = with_baseline();
    change_policy(dir.path());
    assert_eq!(run(dir.path(), &["check", "--baseline", "reports"]).0, 1);
    let pending_md = read(dir.path(), "demo.md.new");
    let (code, out, err) = run(dir.path(), &["accept"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "accepted demo.json\naccepted demo.md\n2 file(s) in reports\n"
    );
    assert_eq!(read(dir.path(), "demo.md"), pending_md);
    assert_eq!(names(&dir.path().join("reports")), ["demo.json", "demo.md"]);
    assert_eq!(run(dir.path(), &["check", "--baseline", "reports"]).0, 0);
    assert_eq!(
        run(dir.path(), &["accept"]).1,
        "nothing pending in reports\n"
    );
}

#[test]
fn reject_drops_the_pending_files_and_keeps_the_baseline() {
    let dir = with_baseline();
    let before = read(dir.path(), "demo.md");
    change_policy(dir.path());
    assert_eq!(run(dir.path(), &["check", "--baseline", "reports"]).0, 1);
    let (code, out, _) = run(dir.path(), &["reject", "reports"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "rejected demo.json\nrejected demo.md\n2 file(s) in reports\n"
    );
    assert_eq!(names(&dir.path().join("reports")), ["demo.json", "demo.md"]);
    assert_eq!(read(dir.path(), "demo.md"), before);
    assert_eq!(run(dir.path(), &["check", "--baseline", "reports"]).0, 1);
}

#[test]
fn ci_mode_fails_and_writes_nothing() {
    let dir = with_baseline();
    change_policy(dir.path());
    let out = common::lexgate(dir.path())
        .env("CI", "true")
        .args(["check", "--baseline", "reports"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("CI: nothing written"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("+++ b/demo.md"));
    assert_eq!(names(&dir.path().join("reports")), ["demo.json", "demo.md"]);
}

#[test]
fn a_fixed_change_drops_its_pending_files() {
    let dir = with_baseline();
    let policy = dir.path().join("policies/demo/access.cedar");
    let original = std::fs::read_to_string(&policy).unwrap();
    change_policy(dir.path());
    assert_eq!(run(dir.path(), &["check", "--baseline", "reports"]).0, 1);
    std::fs::write(&policy, original).unwrap();
    assert_eq!(run(dir.path(), &["check", "--baseline", "reports"]).0, 0);
    assert_eq!(names(&dir.path().join("reports")), ["demo.json", "demo.md"]);
}

#[test]
fn a_stale_baseline_file_is_a_difference_and_accept_removes_it() {
    let dir = with_baseline();
    std::fs::write(dir.path().join("reports/gone.md"), "# Gone\n").unwrap();
    let (code, out, _) = run(dir.path(), &["check", "--baseline", "reports"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("--- a/gone.md\n+++ b/gone.md\n@@ -1 +0,0 @@\n-# Gone\n"),
        "{out}"
    );
    let (code, out, _) = run(dir.path(), &["accept"]);
    assert_eq!(code, 0);
    assert_eq!(out, "removed gone.md\n1 file(s) in reports\n");
    assert_eq!(names(&dir.path().join("reports")), ["demo.json", "demo.md"]);
}

/// An accept interrupted between writing and renaming (here: a folder stands
/// where the second baseline file should go) accepts nothing: every baseline
/// file keeps its old contents and every pending file stays pending.
#[test]
fn an_interrupted_accept_leaves_the_old_baseline_and_the_pending_files() {
    let dir = with_baseline();
    let reports = dir.path().join("reports");
    let old_json = read(dir.path(), "demo.json");
    change_policy(dir.path());
    assert_eq!(run(dir.path(), &["check", "--baseline", "reports"]).0, 1);
    std::fs::remove_file(reports.join("demo.md")).unwrap();
    std::fs::create_dir(reports.join("demo.md")).unwrap();
    std::fs::write(reports.join("demo.md/in-the-way"), "").unwrap();
    let (code, _, err) = run(dir.path(), &["accept"]);
    assert_eq!(code, 2);
    assert!(err.contains("nothing was accepted"), "{err}");
    assert!(err.contains("demo.md.new"), "{err}");
    assert_eq!(read(dir.path(), "demo.json"), old_json);
    assert_eq!(
        names(&reports),
        ["demo.json", "demo.json.new", "demo.md", "demo.md.new"]
    );
    // Once the obstacle is gone, the same pending files are accepted.
    std::fs::remove_dir_all(reports.join("demo.md")).unwrap();
    assert_eq!(run(dir.path(), &["accept"]).0, 0);
    assert_eq!(run(dir.path(), &["check", "--baseline", "reports"]).0, 0);
}

/// An accept killed at a random moment, a hundred times: afterwards (and
/// once the next command has completed a journal it left) the folder holds
/// the old baseline with every pending file, or the new baseline without
/// any: never a mix, and nothing else.
#[cfg(unix)]
#[test]
fn a_killed_accept_never_leaves_a_mixed_baseline() {
    const FILES: usize = 200;
    let mut rng = fastrand::Rng::with_seed(17);
    let bin = assert_cmd::cargo::cargo_bin("lexgate");
    let (mut before, mut after, mut completed) = (0, 0, 0);
    for round in 0..100 {
        let dir = tempfile::tempdir().unwrap();
        let reports = dir.path().join("reports");
        std::fs::create_dir(&reports).unwrap();
        for i in 0..FILES {
            std::fs::write(reports.join(format!("r{i:04}.md")), "old\n").unwrap();
            std::fs::write(reports.join(format!("r{i:04}.md.new")), "new\n").unwrap();
        }
        let mut child = std::process::Command::new(&bin)
            .args(["--color", "never", "accept", "reports"])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(rng.u64(0..80_000)));
        let _ = child.kill();
        let _ = child.wait();
        if reports.join(".lexgate-journal").exists() {
            completed += 1;
            let (code, _, err) = run(dir.path(), &["reject", "reports"]);
            assert_eq!(code, 0, "round {round}: {err}");
        }
        // A kill while the journal itself was written leaves its temporary
        // file (`.lexgate-*.tmp`, ignored by git, cleared by the next run).
        let listing: Vec<String> = names(&reports)
            .into_iter()
            .filter(|n| !(n.starts_with(".lexgate-") && n.ends_with(".tmp")))
            .collect();
        let contents: Vec<String> = (0..FILES)
            .map(|i| std::fs::read_to_string(reports.join(format!("r{i:04}.md"))).unwrap())
            .collect();
        if listing.len() == 2 * FILES {
            assert!(
                contents.iter().all(|c| c == "old\n"),
                "round {round}: a mix"
            );
            before += 1;
        } else {
            assert_eq!(listing.len(), FILES, "round {round}: {:?}", &listing[..4]);
            assert!(listing.iter().all(|n| n.ends_with(".md")), "round {round}");
            assert!(
                contents.iter().all(|c| c == "new\n"),
                "round {round}: a mix"
            );
            after += 1;
        }
    }
    eprintln!("killed accepts: {before} before the journal, {after} after ({completed} completed by the next command)");
    assert_eq!(before + after, 100);
}

/// `report` replaces its files as a set: one that cannot be written leaves
/// every other report as it was.
#[test]
fn a_report_that_cannot_be_written_whole_changes_no_file() {
    let dir = with_baseline();
    let md = read(dir.path(), "demo.md");
    change_policy(dir.path());
    let json = dir.path().join("reports/demo.json");
    std::fs::remove_file(&json).unwrap();
    std::fs::create_dir(&json).unwrap();
    let (code, _, err) = run(dir.path(), &["report"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a folder stands in its place"), "{err}");
    assert_eq!(read(dir.path(), "demo.md"), md, "demo.md was rewritten");
    assert_eq!(names(&dir.path().join("reports")), ["demo.json", "demo.md"]);
}
