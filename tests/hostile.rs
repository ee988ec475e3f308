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
    for format in ["json", "markdown", "junit", "sarif", "github"] {
        assert_eq!(
            run("1", format),
            run("2", format),
            "{format} differs between 1 and 2 threads"
        );
    }
}
