//! The authoring commands end to end: `new` scaffolds a regime that passes
//! every check, `fmt` formats and checks, `schema --check` notices stale
//! schemas, and `completions` and `man` describe every command.

mod common;

use common::demo_copy;

use std::path::Path;

use assert_cmd::Command;

const COMMANDS: &[&str] = &[
    "check",
    "validate",
    "report",
    "date",
    "schema",
    "new",
    "fmt",
    "completions",
    "man",
];

fn lexgate(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("lexgate")
        .unwrap()
        .current_dir(root)
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_exit(root: &Path, args: &[&str], code: i32) -> String {
    let (got, out, err) = lexgate(root, args);
    assert_eq!(got, code, "lexgate {args:?}:\n{out}\n{err}");
    out
}

#[test]
fn a_new_regime_passes_validate_check_schema_and_fmt() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    assert_exit(root, &["new", "land-registry"], 0);
    assert_exit(root, &["validate"], 0);
    let report = assert_exit(root, &["check"], 0);
    assert!(report.contains("LAND-REGISTRY-USE"), "{report}");
    assert_exit(root, &["schema", "--check"], 0);
    assert_exit(root, &["fmt", "--check"], 0);
    let catalogue =
        std::fs::read_to_string(root.join("cases/land-registry/requirements.yaml")).unwrap();
    assert!(catalogue.contains("namespace: LandRegistry"), "{catalogue}");

    // The example files validate against the schemas their first lines name.
    for file in ["requirements.yaml", "example.yaml"] {
        let path = root.join("cases/land-registry").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap();
        let schema_path = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{file} names no schema: {first}"));
        let schema: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(path.parent().unwrap().join(schema_path)).unwrap(),
        )
        .unwrap();
        let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        let validator = jsonschema::draft7::new(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }

    // A second `new` with the same name changes nothing.
    let before = std::fs::read_to_string(root.join("policies/land-registry/rules.cedar")).unwrap();
    assert_exit(root, &["new", "land-registry"], 2);
    let after = std::fs::read_to_string(root.join("policies/land-registry/rules.cedar")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn fmt_check_writes_nothing_and_fmt_formats_keeping_comments() {
    let dir = demo_copy();
    let root = dir.path();
    let policy = root.join("policies/demo/access.cedar");
    let original = std::fs::read_to_string(&policy).unwrap();

    let diff = assert_exit(root, &["fmt", "--check"], 1);
    assert!(diff.contains("+++ b/policies/demo/access.cedar"), "{diff}");
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), original);

    assert_exit(root, &["fmt"], 0);
    let formatted = std::fs::read_to_string(&policy).unwrap();
    assert_ne!(formatted, original);
    for line in original
        .lines()
        .filter(|l| l.trim_start().starts_with("//") || l.starts_with('@'))
    {
        assert!(
            formatted.contains(line.trim()),
            "lost `{line}`:\n{formatted}"
        );
    }
    assert_exit(root, &["fmt", "--check"], 0);
    assert_exit(root, &["check"], 0);
}

#[test]
fn schema_check_notices_a_missing_or_stale_schema() {
    let dir = demo_copy();
    let root = dir.path();
    assert_exit(root, &["schema", "--check"], 1);
    assert_exit(root, &["schema"], 0);
    assert_exit(root, &["schema", "--check"], 0);
    let catalogue = root.join("cases/demo/requirements.yaml");
    let text = std::fs::read_to_string(&catalogue).unwrap();
    std::fs::write(&catalogue, text.replace("DEMO-3WD", "DEMO-THREE-DAYS")).unwrap();
    let diff = assert_exit(root, &["schema", "--check"], 1);
    assert!(diff.contains("+        \"DEMO-THREE-DAYS\""), "{diff}");
}

#[test]
fn completions_name_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = assert_exit(dir.path(), &["completions", shell], 0);
        for command in COMMANDS {
            assert!(
                script.contains(command),
                "{shell} completions lack `{command}`"
            );
        }
    }
    let out = assert_exit(
        dir.path(),
        &["completions", "bash", "--out", "completions"],
        0,
    );
    assert!(out.contains("lexgate.bash"), "{out}");
    assert!(dir.path().join("completions/lexgate.bash").is_file());
}

#[test]
fn the_man_page_names_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let page = assert_exit(dir.path(), &["man"], 0);
    assert!(
        page.starts_with(".ie") || page.contains(".TH lexgate 1"),
        "{page}"
    );
    for command in COMMANDS {
        assert!(page.contains(command), "the man page lacks `{command}`");
    }
    assert_exit(dir.path(), &["man", "--out", "man"], 0);
    for command in COMMANDS {
        let file = dir.path().join(format!("man/lexgate-{command}.1"));
        assert!(file.is_file(), "no {}", file.display());
    }
}
