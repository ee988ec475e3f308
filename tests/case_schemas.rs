//! The JSON Schemas for case files: committed and up to date, named on the
//! first line of every bundled case file, and accepting every bundled file
//! while rejecting the mistakes a lawyer makes.

use std::path::{Path, PathBuf};

use lexgate::baseline::changes;
use lexgate::case_schema::{self, schema_files};
use serde_json::Value as Json;

const MODELINE: &str = "# yaml-language-server: $schema=";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator(schema_path: &Path) -> jsonschema::Validator {
    let text = std::fs::read_to_string(schema_path)
        .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display()));
    let schema: Json = serde_json::from_str(&text).unwrap();
    jsonschema::draft7::new(&schema)
        .unwrap_or_else(|e| panic!("{} is not a draft-07 schema: {e}", schema_path.display()))
}

/// The problems the schema finds in a YAML text, as `path: message`.
fn problems(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    let doc: Json = serde_yaml::from_str(yaml).expect("the YAML parses");
    validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn committed_schemas_are_up_to_date() {
    let files = schema_files(root()).unwrap_or_else(|d| panic!("{d:?}"));
    let diffs: Vec<String> = changes(&root().join(case_schema::DIR), &files, true)
        .unwrap()
        .iter()
        .map(|c| c.diff())
        .collect();
    assert!(
        diffs.is_empty(),
        "schemas/ is out of date; run `lexgate schema`:\n{}",
        diffs.concat()
    );
}

#[test]
fn every_bundled_case_file_names_its_schema_and_validates() {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root().join("cases"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "found only {} case files", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let regime = file
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let expected = if file.file_name().unwrap() == "requirements.yaml" {
            case_schema::modeline(case_schema::CATALOGUE)
        } else {
            case_schema::modeline(&case_schema::regime_file(regime))
        };
        assert_eq!(first, expected, "first line of {}", file.display());
        let schema = file
            .parent()
            .unwrap()
            .join(first.strip_prefix(MODELINE).unwrap());
        for p in problems(&validator(&schema), &text) {
            failures.push(format!("{}: {p}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Builds the demo fixture's schemas and returns (scenario validator, the demo file).
fn demo() -> (jsonschema::Validator, jsonschema::Validator, String) {
    let dir = tempfile::tempdir().unwrap();
    let demo = root().join("tests/fixtures/demo");
    for f in schema_files(&demo).unwrap_or_else(|d| panic!("{d:?}")) {
        std::fs::write(dir.path().join(&f.name), f.contents).unwrap();
    }
    let regime = validator(&dir.path().join("demo.cases.schema.json"));
    let generic = validator(&dir.path().join(case_schema::SCENARIO_FILE));
    let text = std::fs::read_to_string(demo.join("cases/demo/access.yaml")).unwrap();
    (regime, generic, text)
}

#[test]
fn the_regime_schema_accepts_the_demo_and_rejects_mistakes() {
    let (regime, generic, text) = demo();
    assert_eq!(problems(&regime, &text), Vec::<String>::new());
    assert_eq!(problems(&generic, &text), Vec::<String>::new());
    let mistakes = [
        (
            "email_confirmed: true, blocked: false}\n    ona",
            "emial_confirmed: true, blocked: false}\n    ona",
            "/entities/Person/jonas",
        ),
        ("action: view\n", "action: veiw\n", "/scenarios/0/action"),
        (
            "requirements: DEMO-HEAD\n",
            "requirements: DEMO-HAED\n",
            "/scenarios/0/requirements",
        ),
        (
            "decided_by: [demo-head]",
            "decided_by: [demo-haed]",
            "/scenarios/0/decided_by/0",
        ),
        ("at: 2024-05-02\n", "at: 2024-5-2\n", "/scenarios/0/at"),
        (
            "valid_from: 2024-01-01",
            "valid_from: 2024-13-01",
            "/entities/Grant/g1/valid_from",
        ),
        (
            "rights: [tax_accounting]",
            "rights: tax_accounting",
            "/entities/Grant/g1/rights",
        ),
        (
            "{right: tax_accounting}\n    expect: allow",
            "{rihgt: tax_accounting}\n    expect: allow",
            "/scenarios/0/context",
        ),
        ("  Company:\n", "  Compnay:\n", "/entities"),
        (
            "    jonas: {email_confirmed: false}",
            "    jonas: {email_confirmed: nope}",
            "/scenarios/1/entities/Person/jonas/email_confirmed",
        ),
    ];
    for (from, to, path) in mistakes {
        assert!(text.contains(from), "the demo has no `{from}`");
        let found = problems(&regime, &text.replacen(from, to, 1));
        assert!(
            found.iter().any(|p| p.starts_with(&format!("{path}:"))),
            "`{to}` should be flagged at {path}; found {found:?}"
        );
    }
}

#[test]
fn patterns_accept_what_lexgate_accepts() {
    let moment = regex_lite(case_schema::DATETIME_PATTERN);
    for ok in [
        "2024-05-02",
        "2024-05-02T10:00:00Z",
        "2024-05-02T10:00:00.250+02:00",
    ] {
        assert!(moment(ok), "{ok}");
        assert!(lexgate::lower::datetime(ok).is_ok(), "{ok}");
    }
    for bad in [
        "2024-5-2",
        "2024-05-02 10:00",
        "2024-05-02T10:00:00",
        "02.05.2024",
    ] {
        assert!(!moment(bad), "{bad}");
        assert!(lexgate::lower::datetime(bad).is_err(), "{bad}");
    }
    let duration = regex_lite(case_schema::DURATION_PATTERN);
    for text in ["72h", "3d", "1d2h3m4s5ms", "-1d", "", "3", "1w", "1.5h"] {
        assert_eq!(duration(text), lexgate::lower::is_duration(text), "{text}");
    }
}

/// A pattern as the JSON Schema validator applies it.
fn regex_lite(pattern: &str) -> impl Fn(&str) -> bool {
    let v = jsonschema::draft7::new(&serde_json::json!({"type": "string", "pattern": pattern}))
        .unwrap();
    move |s| v.is_valid(&Json::String(s.to_string()))
}

#[test]
fn a_derived_attribute_is_neither_required_nor_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let demo = root().join("tests/fixtures/demo");
    for entry in walkdir::WalkDir::new(&demo) {
        let entry = entry.unwrap();
        let target = dir.path().join(entry.path().strip_prefix(&demo).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    std::fs::write(
        dir.path().join("policies/demo/derive.yaml"),
        "jurisdiction: LT\nderive:\n  - {entity: Grant, attribute: valid_to, from: valid_from, add: 1 year, moment: start_of_day}\n",
    )
    .unwrap();
    let files = schema_files(dir.path()).unwrap_or_else(|d| panic!("{d:?}"));
    let regime = files
        .iter()
        .find(|f| f.name == "demo.cases.schema.json")
        .unwrap();
    let schema: Json = serde_json::from_str(&regime.contents).unwrap();
    let grant = &schema["definitions"]["entity.Grant"];
    assert!(grant["properties"].get("valid_to").is_none(), "{grant}");
    assert!(!grant["required"]
        .as_array()
        .unwrap()
        .contains(&"valid_to".into()));
    assert!(grant["description"]
        .as_str()
        .unwrap()
        .contains("derives `valid_to`"));
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let text = std::fs::read_to_string(demo.join("cases/demo/access.yaml")).unwrap();
    let found = problems(&validator, &text);
    assert!(
        found.iter().any(|p| p.starts_with("/entities/Grant/g1:")),
        "{found:?}"
    );
    let without = text.replace("      valid_to: 2024-12-31\n", "");
    assert_eq!(problems(&validator, &without), Vec::<String>::new());
}
