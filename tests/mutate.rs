//! `lexgate mutate` on a small project written in a temporary folder: a
//! deadline policy (`context.now < resource.due`) whose boundary no scenario
//! tests at first, so the `<` → `<=` mutant survives; a boundary scenario
//! then kills it. With cvc5, the survivor comes with that scenario, and the
//! scope change that the schema makes harmless is counted as equivalent.

mod common;

use std::path::Path;

use common::{have_cvc5, run};

const SCHEMA: &str = r#"namespace Tiny {
  entity Person;
  entity Doc { due: datetime };
  action read appliesTo { principal: [Person], resource: [Doc], context: { now: datetime } };
}
"#;

const POLICY: &str = r#"// 1: a document may be read until it is due.
@id("tiny-due")
@clause("1")
@requirement("TINY-DUE")
permit (principal, action == Tiny::Action::"read", resource)
when {
  context.now < resource.due
};
"#;

const CATALOGUE: &str = r#"regime: tiny
title: Tiny rules
source: lexgate's mutation test
namespace: Tiny
groups:
  - id: I
    title: I. Reading
requirements:
  - id: TINY-DUE
    clause: "1"
    group: I
    kind: deadline
    summary: A document may be read until it is due.
"#;

const CASES: &str = r#"entities:
  Person:
    ona: {}
  Doc:
    d1: {due: 2024-06-01T00:00:00Z}
scenarios:
  - name: read before the due date
    requirements: [TINY-DUE]
    at: 2024-05-31T12:00:00Z
    principal: ona
    action: read
    resource: d1
    expect: allow
  - name: read well after the due date
    requirements: [TINY-DUE]
    at: 2024-07-01
    principal: ona
    action: read
    resource: d1
    expect: deny
"#;

const BOUNDARY: &str = r#"  - name: read at the very moment it is due
    requirements: [TINY-DUE]
    at: 2024-06-01T00:00:00Z
    principal: ona
    action: read
    resource: d1
    expect: deny
"#;

fn project(with_boundary: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("policies/tiny/schema.cedarschema", SCHEMA);
    write("policies/tiny/due.cedar", POLICY);
    write("cases/tiny/requirements.yaml", CATALOGUE);
    let cases = if with_boundary {
        format!("{CASES}{BOUNDARY}")
    } else {
        CASES.to_string()
    };
    write("cases/tiny/reading.yaml", &cases);
    dir
}

fn mutate(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["mutate"];
    all.extend_from_slice(args);
    run(dir, &all)
}

#[test]
fn the_boundary_mutant_survives_until_a_boundary_scenario_exists() {
    let dir = project(false);
    let (code, out, err) = mutate(dir.path(), &["--no-solver"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("mutate_without_boundary", out);
    assert!(out.contains("+ context.now <= resource.due"), "{out}");

    let dir = project(true);
    let (code, out, err) = mutate(dir.path(), &["--no-solver"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("relational-boundary"), "{out}");
    // The action constraint is the only survivor: no scenario can tell it
    // apart, because `read` is the schema's only action.
    assert!(out.contains("widen-scope"), "{out}");
}

/// The mutants of the JSON output with this operator.
fn with_operator(json: &str, operator: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["regimes"][0]["mutants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["operator"] == operator)
        .cloned()
        .collect()
}

#[test]
fn with_cvc5_an_equivalent_mutant_is_counted_apart_and_a_survivor_gets_the_scenario_that_kills_it()
{
    if !have_cvc5("with_cvc5_an_equivalent_mutant_is_counted_apart_and_a_survivor_gets_the_scenario_that_kills_it") {
        return;
    }
    let dir = project(false);
    let (code, json, err) = mutate(dir.path(), &["--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["equivalence_checked"], true);

    let widened = with_operator(&json, "widen-scope");
    assert_eq!(widened.len(), 1, "{json}");
    assert_eq!(widened[0]["status"], "equivalent", "{json}");
    assert_eq!(v["regimes"][0]["equivalent"], 1);

    let boundary = with_operator(&json, "relational-boundary");
    let survivor = boundary
        .iter()
        .find(|m| m["status"] == "survived")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(survivor["witness"]["confirmation"]["state"], "confirmed");
    let yaml = survivor["witness"]["yaml"].as_str().unwrap();
    assert!(yaml.contains("expect: deny"), "{yaml}");

    // Pasted into the case file, the solver's scenario passes on the
    // policies and kills the mutant.
    let cases = dir.path().join("cases/tiny/reading.yaml");
    let text = std::fs::read_to_string(&cases).unwrap();
    std::fs::write(&cases, format!("{text}{yaml}")).unwrap();
    let (code, out, err) = run(dir.path(), &["check"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, json, err) = mutate(dir.path(), &["--format", "json", "--min-score", "100"]);
    assert_eq!(code, 0, "{json}{err}");
    assert!(with_operator(&json, "relational-boundary")
        .iter()
        .all(|m| m["status"] == "killed"));

    let (_, human, _) = mutate(dir.path(), &[]);
    assert!(
        human.contains("cvc5 compared every surviving policy mutant"),
        "{human}"
    );
}

#[test]
fn min_score_is_a_gate() {
    let dir = project(false);
    let (code, _, err) = mutate(dir.path(), &["--no-solver", "--min-score", "100"]);
    assert_eq!(code, 1);
    assert!(err.contains("mutation score below 100% in tiny"), "{err}");
    let (code, _, _) = mutate(dir.path(), &["--min-score", "50"]);
    assert_eq!(code, 0);
    let (code, _, _) = mutate(dir.path(), &["--min-score", "many"]);
    assert_eq!(code, 2);
    let (code, _, err) = mutate(dir.path(), &["--regime", "nothing-like-it"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_bad_project_exits_2_with_the_diagnostics_of_check() {
    let dir = project(false);
    std::fs::write(
        dir.path().join("policies/tiny/due.cedar"),
        POLICY.replace("resource.due", "resource.duee"),
    )
    .unwrap();
    let (code, _, err) = mutate(dir.path(), &[]);
    let (check_code, _, check_err) = run(dir.path(), &["check"]);
    assert_eq!((code, check_code), (2, 2));
    assert!(err.contains("duee") && check_err.contains("duee"), "{err}");
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo");
    for format in ["human", "json", "markdown", "sarif"] {
        let (c1, one, _) = run(&root, &["-j", "1", "mutate", "--format", format]);
        let (c2, two, _) = run(&root, &["-j", "2", "mutate", "--format", format]);
        assert_eq!((c1, c2), (0, 0));
        assert_eq!(one, two, "{format}");
    }
    let (_, json, _) = run(&root, &["mutate", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["regimes"][0]["regime"], "demo");
    assert!(v["regimes"][0]["mutants"].as_array().unwrap().len() > 10);
    let (_, sarif, _) = run(&root, &["mutate", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(v["version"], "2.1.0");
}
