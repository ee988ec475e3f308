//! `lexgate new`: the files of a new regime — a schema stub, an example
//! policy, a catalogue and an example scenario file — that pass `validate`
//! and `check` as they are, to be replaced by the real ones.

use std::path::Path;

use crate::case_schema;
use crate::catalogue;
use crate::diagnostic::{Code, Diag};
use crate::output::write_atomic;

/// Longest regime name accepted.
const MAX_NAME: usize = 64;

/// One file to create, relative to the project root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// Its path, with forward slashes.
    pub path: String,
    /// Its contents.
    pub contents: String,
}

/// Checks that `name` is a lowercase slug (`mano-vmi`, `lv-2025`).
pub fn check_name(name: &str) -> Result<(), Box<Diag>> {
    let words_ok = name.split('-').all(|w| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    });
    let starts_with_letter = name.starts_with(|c: char| c.is_ascii_lowercase());
    if words_ok && starts_with_letter && name.len() <= MAX_NAME {
        return Ok(());
    }
    Err(Diag::new(
        Code::Usage,
        format!("`{name}` is not a regime name: use a lowercase slug such as `mano-vmi`"),
    )
    .with_help(format!(
        "lowercase letters and digits in words joined by `-`, starting with a letter, at most {MAX_NAME} characters"
    ))
    .boxed())
}

/// The Cedar namespace of a regime: its slug in PascalCase (`mano-vmi` → `ManoVmi`).
pub fn namespace_of(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The files of a new regime `name` (which must be a valid slug).
pub fn files(name: &str) -> Vec<NewFile> {
    let ns = namespace_of(name);
    let req = format!("{}-USE", name.to_ascii_uppercase());
    let policy = format!("{name}-registered-may-use");
    let fill = |template: &str| {
        template
            .replace("{name}", name)
            .replace("{ns}", &ns)
            .replace("{req}", &req)
            .replace("{policy}", &policy)
    };
    vec![
        NewFile {
            path: format!("policies/{name}/schema.cedarschema"),
            contents: fill(SCHEMA),
        },
        NewFile {
            path: format!("policies/{name}/rules.cedar"),
            contents: fill(POLICY),
        },
        NewFile {
            path: format!("cases/{name}/{}", catalogue::FILE_NAME),
            contents: format!(
                "{}\n{}",
                case_schema::modeline(case_schema::CATALOGUE),
                fill(CATALOGUE)
            ),
        },
        NewFile {
            path: format!("cases/{name}/example.yaml"),
            contents: format!(
                "{}\n{}",
                case_schema::modeline(&case_schema::regime_file(name)),
                fill(SCENARIOS)
            ),
        },
    ]
}

/// Creates regime `name` under `root`, refusing a bad name or a regime that
/// exists. Returns the files written.
pub fn create(root: &Path, name: &str) -> Result<Vec<NewFile>, Box<Diag>> {
    check_name(name)?;
    for dir in ["policies", "cases"] {
        let path = root.join(dir).join(name);
        if path.exists() {
            return Err(Diag::new(
                Code::Usage,
                format!("regime `{name}` exists already: there is a `{dir}/{name}` folder"),
            )
            .with_help("choose another name; lexgate new never overwrites anything")
            .boxed());
        }
    }
    let files = files(name);
    for f in &files {
        write_atomic(&root.join(&f.path), &f.contents)?;
    }
    Ok(files)
}

const SCHEMA: &str = r#"// The Cedar schema of `{name}`: one namespace holding the entity types, their
// attributes and the actions the policies speak of. This is an example:
// replace it with the regime's own.
namespace {ns} {
  entity Person {
    registered_on: datetime
  };

  entity Service;

  // `now: datetime` in the context is filled from a scenario's `at:`.
  action use appliesTo {
    principal: [Person],
    resource: [Service],
    context: { now: datetime }
  };
}
"#;

const POLICY: &str = r#"// Clause 1: a person may use the service from the day they register.
// Every policy carries @id (unique in the regime), @clause (as the source
// numbers it) and @requirement (the catalogue ids it serves, comma-separated).
@id("{policy}")
@clause("1")
@requirement("{req}")
permit (
  principal,
  action == {ns}::Action::"use",
  resource
)
when { principal.registered_on <= context.now };
"#;

const CATALOGUE: &str = r#"regime: {name}
title: The act's title
source: The act's citation (issuer, number, date)
namespace: {ns}
groups:
  - id: I
    title: General provisions
requirements:
  - id: {req}
    clause: "1"
    group: I
    kind: access
    summary: A person may use the service from the day they register.
"#;

const SCENARIOS: &str = r#"description: An example; replace it with the regime's situations.
entities:
  Person:
    ona: {registered_on: 2024-01-10}
  Service: [portal]
scenarios:
  - name: a registered person uses the service
    requirements: [{req}]
    at: 2024-05-02
    principal: ona
    action: use
    resource: portal
    expect: allow
    decided_by: [{policy}]
  - name: the day before registering, the service is refused
    requirements: [{req}]
    at: 2024-01-09
    principal: ona
    action: use
    resource: portal
    expect: deny
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercase_slugs() {
        for ok in ["demo", "mano-vmi", "lv-2025", "a1-b2"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Demo",
            "mano_vmi",
            "-x",
            "x-",
            "a--b",
            "1x",
            "x y",
            "ü",
            &"a".repeat(65),
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn namespaces_are_pascal_case() {
        assert_eq!(namespace_of("mano-vmi"), "ManoVmi");
        assert_eq!(namespace_of("lv-2025"), "Lv2025");
        assert_eq!(namespace_of("imas"), "Imas");
    }

    #[test]
    fn an_existing_regime_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("cases/demo")).unwrap();
        let err = create(dir.path(), "demo").unwrap_err();
        assert_eq!(err.code, Code::Usage);
        assert!(!dir.path().join("policies/demo").exists());
    }
}
