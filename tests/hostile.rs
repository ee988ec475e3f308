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

/// Runs `lexgate --color never ARGS` in `dir` with a time limit (a hang
/// fails the test instead of hanging it) and an address-space limit (a
/// blow-up fails instead of exhausting the machine); exit code and stderr.
fn bounded(dir: &std::path::Path, args: &str) -> (Option<i32>, String) {
    let bin = assert_cmd::cargo::cargo_bin("lexgate");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 4000000; exec '{}' --color never {args}",
            bin.display()
        ))
        .current_dir(dir)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &std::path::Path, path: &str, text: &str) {
    std::fs::write(dir.join(path), text).unwrap();
}

#[test]
fn a_flat_alias_expansion_is_bounded() {
    let dir = demo_copy();
    let anchor = vec!["xxxxxxxx"; 5000].join(", ");
    let aliases = vec!["*a"; 5000].join(", ");
    write(
        dir.path(),
        "cases/demo/alias.yaml",
        &format!("scenarios:\n  - name: x\n    requirements: [DEMO-HEAD]\n    principal: jonas\n    action: view\n    resource: uab_alfa\n    expect: allow\n    context:\n      a: &a [{anchor}]\n      b: [{aliases}]\n"),
    );
    let (code, err) = bounded(dir.path(), "validate");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("lexgate::yaml-limit"), "{err}");
    assert!(err.contains("expands to more than 1000000 values"), "{err}");
}

#[test]
fn deep_nesting_is_refused_before_the_parser_recurses() {
    for depth in [63, 64, 65, 20_000] {
        let dir = demo_copy();
        let text = format!("{}a\n", "- ".repeat(depth));
        write(dir.path(), "cases/demo/deep.yaml", &text);
        for command in ["validate", "check", "explain x"] {
            let (code, err) = bounded(dir.path(), command);
            assert_eq!(code, Some(2), "{depth} {command}: {err}");
            if depth > 64 {
                assert!(
                    err.contains("nests deeper than 64 levels"),
                    "{depth}: {err}"
                );
            } else {
                assert!(!err.contains("nests deeper"), "{depth}: {err}");
            }
        }
    }
}

#[test]
fn a_long_parent_chain_is_refused_with_its_start() {
    let dir = demo_copy();
    // Let a company be `in` another company, then chain ten thousand.
    common::edit(
        &dir.path().join("policies/demo/schema.cedarschema"),
        "entity Company {",
        "entity Company in [Company] {",
    );
    let mut text = String::from(
        "entities:\n  Person:\n    p: {email_confirmed: true, blocked: false}\n  Company:\n",
    );
    for i in 0..10_000 {
        text.push_str(&format!("    c{i:05}: {{head: p, in: [c{:05}]}}\n", i + 1));
    }
    text.push_str("    c10000: {head: p}\nscenarios:\n  - {name: chain, requirements: [DEMO-HEAD], at: 2024-05-02, principal: p, action: view, resource: c00000, context: {right: x}, expect: allow}\n");
    write(dir.path(), "cases/demo/chain.yaml", &text);
    let (code, err) = bounded(dir.path(), "check");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("a chain of `in:` links 10001 entities long starts at Company::c00000"),
        "{err}"
    );
}

#[test]
fn thousands_of_problems_are_counted_not_all_shown() {
    let dir = demo_copy();
    let scenarios: Vec<String> = (0..20_000)
        .map(|i| format!("{{name: s{i}, requirements: [DEMO-HEAD], at: 2024-05-02, principal: nobody, action: view, resource: uab_alfa, context: {{right: x}}, expect: allow}}"))
        .collect();
    write(
        dir.path(),
        "cases/demo/many.yaml",
        &format!("entities:\n  Person:\n    jonas: {{email_confirmed: true, blocked: false}}\n  Company:\n    uab_alfa: {{head: jonas}}\nscenarios: [{}]\n", scenarios.join(",")),
    );
    let (code, err) = bounded(dir.path(), "validate");
    let tail = &err[err.len().saturating_sub(400)..];
    assert_eq!(code, Some(2), "{tail}");
    assert_eq!(err.matches("lexgate::unknown-entity").count(), 50, "{tail}");
    assert!(
        err.contains("... and 19950 more problems, not shown"),
        "{tail}"
    );
}

#[test]
fn a_megabyte_long_id_is_not_compared_for_suggestions() {
    let dir = demo_copy();
    let id = "j".repeat(1_000_000);
    write(
        dir.path(),
        "cases/demo/long.yaml",
        &format!("entities:\n  Company:\n    uab_alfa: {{head: {id}}}\nscenarios: []\n"),
    );
    let (code, err) = bounded(dir.path(), "validate");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("lexgate::unknown-entity"), "{err}");
}

#[cfg(unix)]
#[test]
fn pipes_devices_and_odd_names_are_reported_not_skipped() {
    let dir = demo_copy();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("cases/demo/pipe.yaml"))
        .status()
        .unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("cases/demo/zero.yaml")).unwrap();
    std::fs::copy(
        dir.path().join("cases/demo/access.yaml"),
        dir.path().join("cases/demo/COPY.YAML"),
    )
    .unwrap();
    write(dir.path(), "cases/demo/notes.yaml", "# to do\n");
    let (code, err) = bounded(dir.path(), "validate");
    assert_eq!(code, Some(2), "{err}");
    for said in [
        "`cases/demo/pipe.yaml` is not a regular file",
        "`cases/demo/zero.yaml` is not a regular file",
        "`cases/demo/COPY.YAML` is not read: lexgate reads `.yaml` files, in lower case",
        "this case file holds no scenarios",
    ] {
        assert!(err.contains(said), "{said}: {err}");
    }
}

#[test]
fn a_case_file_deep_in_subfolders_is_read() {
    let dir = demo_copy();
    let deep: std::path::PathBuf = (0..40).map(|i| format!("d{i}")).collect();
    let folder = dir.path().join("cases/demo").join(deep);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("bad.yaml"), "scenarios: [1]\n").unwrap();
    let (code, err) = bounded(dir.path(), "validate");
    assert_eq!(code, Some(2), "a deep case file was skipped: {err}");
}
