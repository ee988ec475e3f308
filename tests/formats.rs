//! The CI output formats, checked by machines rather than by eye: SARIF
//! against the SARIF 2.1.0 JSON schema, JUnit by parsing it back, GitHub
//! workflow commands by their syntax. Each on the bundled regimes and on the
//! `waived` fixture (failures, a waived failure, stale and expired waivers).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn roots() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![
        manifest.to_path_buf(),
        manifest.join("tests/fixtures/waived"),
    ]
}

fn output(root: &Path, format: &str) -> String {
    let out = common::lexgate(root)
        .args(["--today", "2025-01-01", "check", "--format", format])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for root in roots() {
        let sarif: serde_json::Value = serde_json::from_str(&output(&root, "sarif")).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", root.display());
        assert_eq!(sarif["version"], "2.1.0");
        // Every result points at a file and line, and names a declared rule.
        let run = &sarif["runs"][0];
        let rules: BTreeSet<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        for r in run["results"].as_array().unwrap() {
            let loc = &r["locations"][0]["physicalLocation"];
            assert!(loc["artifactLocation"]["uri"].is_string(), "{r}");
            assert!(loc["region"]["startLine"].as_i64().unwrap() >= 1, "{r}");
            assert!(rules.contains(r["ruleId"].as_str().unwrap()), "{r}");
        }
    }
    // The schema is strict enough to catch a mistake.
    let broken = serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]});
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_of_the_waived_fixture_points_at_scenarios_policies_and_waivers() {
    let root = &roots()[1];
    let sarif: serde_json::Value = serde_json::from_str(&output(root, "sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let failing = results
        .iter()
        .find(|r| r["ruleId"] == "demo/DEMO-HEAD")
        .unwrap();
    let loc = |l: &serde_json::Value| {
        format!(
            "{}:{}",
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap(),
            l["physicalLocation"]["region"]["startLine"]
        )
    };
    assert_eq!(loc(&failing["locations"][0]), "cases/demo/access.yaml:62");
    let related: Vec<String> = failing["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(loc)
        .collect();
    assert_eq!(
        related,
        [
            "policies/demo/blocking.cedar:2",
            "policies/demo/access.cedar:2"
        ]
    );
    let waived = results
        .iter()
        .find(|r| r["ruleId"] == "demo/DEMO-GRANT")
        .unwrap();
    assert_eq!(waived["suppressions"][0]["status"], "accepted");
    let expired = results
        .iter()
        .find(|r| r["ruleId"] == "lexgate/expired-waiver")
        .unwrap();
    assert_eq!(loc(&expired["locations"][0]), "cases/demo/waivers.yaml:13");
}

#[test]
fn junit_parses_back_with_unique_names_and_consistent_counts() {
    for root in roots() {
        let xml = output(&root, "junit");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let top = doc.root_element();
        assert_eq!(top.tag_name().name(), "testsuites");
        let mut seen = BTreeSet::new();
        let mut total = 0;
        let mut failures = 0;
        for suite in top.children().filter(|n| n.has_tag_name("testsuite")) {
            let cases: Vec<_> = suite
                .children()
                .filter(|n| n.has_tag_name("testcase"))
                .collect();
            assert_eq!(
                suite.attribute("tests").unwrap(),
                cases.len().to_string(),
                "{}",
                suite.attribute("name").unwrap()
            );
            for case in cases {
                total += 1;
                failures += case
                    .children()
                    .filter(|n| n.has_tag_name("failure"))
                    .count();
                let key = (
                    case.attribute("classname").unwrap().to_string(),
                    case.attribute("name").unwrap().to_string(),
                );
                assert!(seen.insert(key.clone()), "duplicate test case {key:?}");
            }
        }
        assert_eq!(top.attribute("tests").unwrap(), total.to_string());
        assert_eq!(top.attribute("failures").unwrap(), failures.to_string());
    }
}

#[test]
fn github_output_is_workflow_commands_then_a_summary() {
    for root in roots() {
        let text = output(&root, "github");
        let lines: Vec<&str> = text.lines().collect();
        let (summary, commands) = lines.split_last().unwrap();
        assert!(summary.starts_with("lexgate: "), "{summary}");
        for line in commands {
            let (head, message) = line[2..].split_once("::").unwrap();
            let (level, props) = head.split_once(' ').unwrap();
            assert!(["error", "warning", "notice"].contains(&level), "{line}");
            let keys: Vec<&str> = props
                .split(',')
                .map(|p| p.split_once('=').unwrap().0)
                .collect();
            assert_eq!(keys, ["file", "line", "title"], "{line}");
            assert!(!message.is_empty() && !message.contains('\n'), "{line}");
        }
    }
}
