//! `lexgate verify` on a tiny project written in a temporary folder: an
//! allow-everything permit breaks an invariant, the counterexample written
//! with --write-cases makes `lexgate check` fail on it, and a policy that
//! can never match is reported by lint.
//!
//! These tests need cvc5. Without it they say so loudly on stderr and
//! return: they never pass pretending to have checked.

mod common;

use std::path::Path;

use common::{have_cvc5, run};

const SCHEMA: &str = r#"namespace Tiny {
  entity Person { ok: Bool };
  entity Doc { owner: Person, archived_at?: datetime };
  action read appliesTo { principal: [Person], resource: [Doc], context: { now: datetime } };
}
"#;

const CATALOGUE: &str = r#"regime: tiny
title: Tiny rules
source: a test (not a real act)
namespace: Tiny
groups:
  - id: I
    title: I. Reading
requirements:
  - id: TINY-OWNER
    clause: "1"
    group: I
    kind: access
    summary: Only the owner reads a document, and only while the owner is in good standing.
"#;

const POLICIES: &str = r#"@id("tiny-owner-reads")
@clause("1")
@requirement("TINY-OWNER")
permit (principal, action == Tiny::Action::"read", resource)
when { resource.owner == principal && principal.ok };
"#;

const INVARIANTS: &str = r#"@id("tiny-inv-owner-only")
@clause("1")
@requirement("TINY-OWNER")
@summary("Whoever reads a document owns it.")
@kind("upper")
permit (principal, action == Tiny::Action::"read", resource)
when { resource.owner == principal };
"#;

const CASES: &str = r#"entities:
  Person:
    ona: {ok: true}
    jonas: {ok: false}
  Doc:
    d1: {owner: ona}
scenarios:
  - name: the owner reads
    requirements: [TINY-OWNER]
    at: 2024-05-02
    principal: ona
    action: read
    resource: d1
    expect: allow
  - name: someone else does not
    requirements: [TINY-OWNER]
    at: 2024-05-02
    principal: jonas
    action: read
    resource: d1
    expect: deny
"#;

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn tiny(extra_policies: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "policies/tiny/schema.cedarschema", SCHEMA);
    write(
        d,
        "policies/tiny/access.cedar",
        &format!("{POLICIES}\n{extra_policies}"),
    );
    write(d, "policies/tiny/invariants.cedar", INVARIANTS);
    write(d, "cases/tiny/requirements.yaml", CATALOGUE);
    write(d, "cases/tiny/access.yaml", CASES);
    dir
}

#[test]
fn the_invariants_file_is_not_a_policy_file() {
    // No solver needed: `check` must load invariants.cedar as nothing at all.
    let dir = tiny("");
    let (code, out, err) = run(dir.path(), &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("tiny-inv-owner-only"), "{out}");
}

#[test]
fn a_sound_project_is_proved() {
    if !have_cvc5("a_sound_project_is_proved") {
        return;
    }
    let dir = tiny("");
    let (code, out, err) = run(dir.path(), &["verify"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("proved   tiny-inv-owner-only upper"), "{out}");
    let (code, json, _) = run(dir.path(), &["verify", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["regimes"][0]["proved"]["TINY-OWNER"][0],
        "tiny-inv-owner-only"
    );
}

#[test]
fn an_allow_everything_permit_gives_a_counterexample_that_check_confirms() {
    if !have_cvc5("an_allow_everything_permit_gives_a_counterexample_that_check_confirms") {
        return;
    }
    let dir = tiny(
        r#"@id("tiny-allow-all")
@clause("1")
@requirement("TINY-OWNER")
permit (principal, action, resource);
"#,
    );
    let (code, out, err) = run(
        dir.path(),
        &["verify", "--write-cases", "cases/tiny/counterexamples.yaml"],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("failed   tiny-inv-owner-only upper"), "{out}");
    assert!(out.contains("confirmed by Cedar's authorizer"), "{out}");
    assert!(
        err.contains("1 confirmed counterexample(s) appended"),
        "{err}"
    );
    let written =
        std::fs::read_to_string(dir.path().join("cases/tiny/counterexamples.yaml")).unwrap();
    assert!(written.contains("expect: deny"), "{written}");
    // The scenario is a valid case, and Cedar's authorizer fails it.
    let (code, out, err) = run(dir.path(), &["check", "-v"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("verify: tiny-inv-owner-only fails"), "{out}");
    // A second run appends nothing new.
    let (_, _, err) = run(
        dir.path(),
        &["verify", "--write-cases", "cases/tiny/counterexamples.yaml"],
    );
    assert!(
        err.contains("0 confirmed counterexample(s) appended"),
        "{err}"
    );
}

#[test]
fn a_vacuous_policy_is_a_lint_error_unless_acknowledged() {
    if !have_cvc5("a_vacuous_policy_is_a_lint_error_unless_acknowledged") {
        return;
    }
    let never = r#"@id("tiny-never")
@clause("1")
@requirement("TINY-OWNER")
permit (principal, action == Tiny::Action::"read", resource)
when { principal.ok && !principal.ok };
"#;
    let dir = tiny(never);
    let (code, out, err) = run(dir.path(), &["verify"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("tiny-never [vacuous]"), "{out}");
    let (_, sarif, _) = run(dir.path(), &["verify", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "lexgate/lint/vacuous"
        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "policies/tiny/access.cedar"));

    let acknowledged = tiny(&format!(
        "@lint_ok(\"vacuous: kept as a placeholder\")\n{never}"
    ));
    let (code, out, err) = run(acknowledged.path(), &["verify"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("acknowledged"), "{out}");
}

#[test]
fn without_cvc5_verify_exits_2_and_says_how_to_install_it() {
    let dir = tiny("");
    let out = common::lexgate(dir.path())
        .env("CVC5", "/nonexistent/cvc5")
        .arg("verify")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("apt-get install -y cvc5"), "{err}");
    // Every other command works without it.
    let out = common::lexgate(dir.path())
        .env("CVC5", "/nonexistent/cvc5")
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn symbolic_diff_names_the_direction_of_a_change_with_a_witness() {
    if !have_cvc5("symbolic_diff_names_the_direction_of_a_change_with_a_witness") {
        return;
    }
    let old = tiny("");
    let new = tiny(
        r#"@id("tiny-allow-all")
@clause("1")
@requirement("TINY-OWNER")
permit (principal, action, resource);
"#,
    );
    let (old_dir, new_dir) = (
        old.path().display().to_string(),
        new.path().display().to_string(),
    );
    let (code, out, err) = run(
        old.path(),
        &["diff", "--symbolic", "--old", &old_dir, "--new", &new_dir],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("more-permissive  Person, read, Doc"), "{out}");
    assert!(
        out.contains("newly allowed (confirmed by Cedar's authorizer)"),
        "{out}"
    );
    let (code, out, err) = run(
        old.path(),
        &["diff", "--symbolic", "--old", &old_dir, "--new", &old_dir],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("equivalent"), "{out}");
}
