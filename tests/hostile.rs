//! Hostile inputs too large to keep as files in the corpus: generated here.

mod common;

use assert_cmd::Command;
use common::demo_copy;

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let dir = demo_copy();
    let line = "# padding padding padding padding padding padding padding padding\n";
    let big = line.repeat((9 * 1024 * 1024) / line.len());
    std::fs::write(dir.path().join("cases/demo/big.yaml"), big).unwrap();
    let out = Command::cargo_bin("lexgate")
        .unwrap()
        .current_dir(dir.path())
        .args(["--color", "never", "validate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("lexgate::file-too-large"), "{stderr}");
    assert!(stderr.contains("cases/demo/big.yaml"), "{stderr}");
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = |jobs: &str, format: &str| {
        let out = Command::cargo_bin("lexgate")
            .unwrap()
            .args([
                "--root", root, "--color", "never", "-j", jobs, "check", "--format", format,
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    // The JSON report carries the whole model; the other formats are pure functions of it.
    assert_eq!(
        run("1", "json"),
        run("2", "json"),
        "the report differs between 1 and 2 threads"
    );
}

/// Every prefix of a real case file (most are malformed) gives a result or
/// diagnostics, never a panic: a cheap, deterministic cousin of the fuzz target.
#[test]
fn every_truncation_of_a_case_file_is_handled() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo");
    let project = lexgate::load::load(&root, &Default::default()).expect("the demo fixture loads");
    let regime = &project.regimes[0];
    let text = std::fs::read_to_string(root.join("cases/demo/access.yaml")).unwrap();
    let mut failures = 0;
    for end in (0..=text.len()).filter(|i| text.is_char_boundary(*i)) {
        if regime.lower_text("cut.yaml", &text[..end], None).is_err() {
            failures += 1;
        }
    }
    assert!(regime.lower_text("whole.yaml", &text, None).is_ok());
    assert!(failures > 0, "some truncations must be rejected");
}
