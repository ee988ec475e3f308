//! `lexgate diff` on temporary git repositories made from the demo fixture:
//! revisions, folders, added and removed scenarios, a project in a subfolder.

mod common;

use std::path::Path;
use std::process::Command;

use common::{demo_copy, edit, run};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=lexgate tests",
            "-c",
            "user.email=tests@lexgate.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The policy change under review: a grant no longer covers its last day,
/// plus one scenario added and one removed in the same commit.
fn change(project: &Path) {
    edit(
        &project.join("policies/demo/access.cedar"),
        r#"context.now < context.grant.valid_to.offset(duration("1d"))"#,
        "context.now < context.grant.valid_to",
    );
    let cases = project.join("cases/demo/access.yaml");
    edit(
        &cases,
        "  - name: representative the day after the grant ends\n",
        "  - name: representative on the first day of the grant
    requirements: [DEMO-GRANT]
    at: 2024-01-01
    principal: ona
    action: view
    resource: uab_alfa
    context: {right: tax_accounting, grant: g1}
    expect: allow
  - name: representative the day after the grant ends\n",
    );
    edit(
        &cases,
        "  - name: representative asks for a right not granted
    requirements: [DEMO-GRANT]
    at: 2024-05-02
    principal: ona
    action: view
    resource: uab_alfa
    context: {right: registry, grant: g1}
    expect: deny\n",
        "",
    );
}

/// A repository with two commits: the demo, then the change.
fn repository() -> tempfile::TempDir {
    let dir = demo_copy();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "demo"]);
    change(dir.path());
    git(
        dir.path(),
        &["commit", "-q", "-am", "grant ends a day earlier"],
    );
    dir
}

#[test]
fn two_revisions_list_every_changed_added_and_removed_decision() {
    let repo = repository();
    let (code, out, err) = run(repo.path(), &["diff", "--old", "HEAD~1", "--new", "HEAD"]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("revisions", out);
    // The new version defaults to the working tree, here the same as HEAD.
    let (code, same, _) = run(repo.path(), &["diff", "--old", "HEAD~1"]);
    assert_eq!(code, 1);
    assert_eq!(
        same.lines().skip(1).collect::<Vec<_>>(),
        out.lines().skip(1).collect::<Vec<_>>()
    );
}

#[test]
fn nothing_changed_exits_0() {
    let repo = repository();
    let (code, out, err) = run(repo.path(), &["diff", "--old", "HEAD"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "decisions: HEAD → .\nno decision changed (6 scenarios evaluated in both versions)\n"
    );
}

#[test]
fn folders_are_compared_as_they_are_and_json_lists_old_and_new() {
    let old = demo_copy();
    let new = demo_copy();
    change(new.path());
    let old_dir = old.path().to_str().unwrap();
    let new_dir = new.path().to_str().unwrap();
    let (code, out, err) = run(
        old.path(),
        &[
            "diff", "--old", old_dir, "--new", new_dir, "--format", "json",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let scenarios = &json["regimes"][0]["requirements"][0]["scenarios"];
    assert_eq!(json["regimes"][0]["requirements"][0]["id"], "DEMO-GRANT");
    assert_eq!(
        scenarios[0]["name"],
        "representative on the last day of the grant"
    );
    assert_eq!(scenarios[0]["old"]["decision"], "allow");
    assert_eq!(scenarios[0]["new"]["decision"], "deny");
    assert_eq!(scenarios[0]["new"]["status"], "fail");
    assert!(scenarios[1]["old"].is_null(), "added: {}", scenarios[1]);
    assert!(scenarios[2]["new"].is_null(), "removed: {}", scenarios[2]);
}

#[test]
fn a_project_in_a_subfolder_of_the_repository() {
    let repo = tempfile::tempdir().unwrap();
    let project = repo.path().join("compliance");
    std::fs::rename(demo_copy().keep(), &project).unwrap();
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "demo"]);
    change(&project);
    let (code, out, err) = run(
        repo.path(),
        &["--root", "compliance", "diff", "--old", "HEAD"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("~ representative on the last day of the grant"),
        "{out}"
    );
}

#[test]
fn an_unknown_revision_is_a_usage_error() {
    let repo = repository();
    let (code, out, err) = run(repo.path(), &["diff", "--old", "no-such-branch"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("lexgate::git-error"), "{err}");
    assert!(
        err.contains("`no-such-branch` is neither a folder nor a readable git revision"),
        "{err}"
    );
}

#[test]
fn an_old_version_that_does_not_load_is_reported_as_such() {
    let repo = repository();
    std::fs::write(repo.path().join("policies/demo/broken.cedar"), "permit (").unwrap();
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "broken"]);
    std::fs::remove_file(repo.path().join("policies/demo/broken.cedar")).unwrap();
    let (code, _, err) = run(repo.path(), &["diff", "--old", "HEAD"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the old version (HEAD) cannot be evaluated"),
        "{err}"
    );
}
