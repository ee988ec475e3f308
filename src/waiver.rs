//! Waivers (`cases/<regime>/waivers.yaml`): known failures accepted for a
//! time, each with a justification, an approver and an expiry date.
//!
//! A waiver names one scenario or one requirement. While it has not expired,
//! the failure it covers does not fail the run; once it has, the run fails
//! with its own message. A waiver whose scenario or requirement passes is
//! stale: reported, so that it is removed, but not a failure.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::catalogue::LoadedCatalogue;
use crate::diagnostic::{did_you_mean, Code, Diag, Diagnostics};
use crate::source::SourceFile;
use crate::yaml::{self, NodeKind, Path};

/// The waiver file's name inside `cases/<regime>/`.
pub const FILE_NAME: &str = "waivers.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverFile {
    #[serde(default)]
    waivers: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(default)]
    scenario: Option<String>,
    #[serde(default)]
    requirement: Option<String>,
    justification: String,
    approver: String,
    expires: String,
}

/// What a waiver covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// A scenario, by name.
    Scenario(String),
    /// A requirement, by id.
    Requirement(String),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Scenario(name) => write!(f, "scenario `{name}`"),
            Target::Requirement(id) => write!(f, "requirement `{id}`"),
        }
    }
}

/// One accepted exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// What it covers.
    pub target: Target,
    /// Why the failure is accepted.
    pub justification: String,
    /// Who accepted it.
    pub approver: String,
    /// The last day it holds.
    pub expires: Date,
    /// The waiver file.
    pub file: String,
    /// The line of the waiver's first key.
    pub line: usize,
}

impl Waiver {
    /// True when `today` is past the last day of the waiver.
    pub fn expired(&self, today: Date) -> bool {
        today > self.expires
    }
}

/// Reads and checks a waiver file. `scenarios` are the regime's scenario
/// names; pass `None` when some scenario file could not be read, so that a
/// waiver is not blamed for a name that is only missing because of that.
pub fn load(
    file: &SourceFile,
    catalogue: Option<&LoadedCatalogue>,
    scenarios: Option<&BTreeSet<&str>>,
    diags: &mut Diagnostics,
) -> Vec<Waiver> {
    let (parsed, index) = match yaml::parse::<WaiverFile>(file) {
        Ok(p) => p,
        Err(d) => {
            diags.push(*d);
            return Vec::new();
        }
    };
    let mut out: Vec<Waiver> = Vec::new();
    for (i, entry) in parsed.waivers.into_iter().enumerate() {
        let path = Path::root().key("waivers").index(i);
        let at = |key: &str| index.value_span(&path.key(key));
        // The entry's first key: where a reader sees the waiver begin.
        let first_key = match index.get(&path).map(|n| &n.kind) {
            Some(NodeKind::Map(entries)) if !entries.is_empty() => {
                entries[0].1.key_span.unwrap_or(entries[0].1.span)
            }
            _ => index.value_span(&path),
        };
        let line = file.line_of(first_key.offset());
        let mut ok = true;
        let target = match (entry.scenario, entry.requirement) {
            (Some(s), None) => Target::Scenario(s),
            (None, Some(r)) => Target::Requirement(r),
            (s, _) => {
                let (message, label) = if s.is_some() {
                    (
                        "a waiver names both a scenario and a requirement",
                        "two targets",
                    )
                } else {
                    (
                        "a waiver names neither a scenario nor a requirement",
                        "no target",
                    )
                };
                diags.push(
                    Diag::new(Code::WaiverError, message)
                        .at(file, first_key, label)
                        .with_help("write one waiver per scenario (`scenario: <name>`) or requirement (`requirement: <id>`)"),
                );
                continue;
            }
        };
        match &target {
            Target::Requirement(id) => {
                if let Some(cat) = catalogue.filter(|c| c.requirement(id).is_none()) {
                    ok = false;
                    diags.push(
                        Diag::new(
                            Code::UnknownRequirement,
                            format!("the waiver names requirement `{id}`, which is not in the catalogue"),
                        )
                        .at(file, at("requirement"), "unknown requirement")
                        .with_help_opt(cat.suggest(id)),
                    );
                }
            }
            Target::Scenario(name) => {
                if let Some(names) = scenarios.filter(|n| !n.contains(name.as_str())) {
                    ok = false;
                    diags.push(
                        Diag::new(
                            Code::UnknownScenario,
                            format!("the waiver names scenario `{name}`, which does not exist"),
                        )
                        .at(file, at("scenario"), "unknown scenario")
                        .with_help_opt(did_you_mean(name, names.iter().copied())),
                    );
                }
            }
        }
        for (key, value) in [
            ("justification", &entry.justification),
            ("approver", &entry.approver),
        ] {
            if value.trim().is_empty() {
                ok = false;
                diags.push(
                    Diag::new(
                        Code::WaiverError,
                        format!("the waiver for {target} has an empty {key}"),
                    )
                    .at(file, at(key), "empty")
                    .with_help("a waiver says why the failure is accepted and who accepted it"),
                );
            }
        }
        let expires = match entry.expires.trim().parse::<Date>() {
            Ok(d) => Some(d),
            Err(e) => {
                diags.push(
                    Diag::new(
                        Code::BadDate,
                        format!("`{}` is not a date: {e}", entry.expires.trim()),
                    )
                    .at(file, at("expires"), "not a date")
                    .with_help("write the last day the waiver holds, as YYYY-MM-DD"),
                );
                None
            }
        };
        if let Some(first) = out.iter().find(|w| w.target == target) {
            ok = false;
            diags.push(
                Diag::new(Code::DuplicateId, format!("two waivers name {target}"))
                    .at(file, at(key_of(&target)), "second waiver")
                    .with_help(format!(
                        "the first is on line {}; keep one waiver per scenario or requirement",
                        first.line
                    )),
            );
        }
        if let (true, Some(expires)) = (ok, expires) {
            out.push(Waiver {
                target,
                justification: entry.justification.trim().to_string(),
                approver: entry.approver.trim().to_string(),
                expires,
                file: file.name.clone(),
                line,
            });
        }
    }
    out
}

fn key_of(target: &Target) -> &'static str {
    match target {
        Target::Scenario(_) => "scenario",
        Target::Requirement(_) => "requirement",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUE: &str = "regime: demo\ntitle: T\nsource: S\nnamespace: Demo\ngroups:\n  - {id: I, title: General}\nrequirements:\n  - id: R-ONE\n    clause: \"4\"\n    group: I\n    kind: access\n    summary: Someone may do something.\n";

    fn check(text: &str) -> (Vec<Waiver>, Vec<Diag>) {
        let mut d = Diagnostics::default();
        let cat = LoadedCatalogue::load(SourceFile::from_text("r.yaml", CATALOGUE), "demo", &mut d)
            .unwrap();
        let names: BTreeSet<&str> = ["head views data"].into_iter().collect();
        let file = SourceFile::from_text("cases/demo/waivers.yaml", text);
        let w = load(&file, Some(&cat), Some(&names), &mut d);
        (w, d.into_sorted())
    }

    #[test]
    fn a_good_waiver_file_loads() {
        let (w, d) = check(
            "waivers:\n  - scenario: head views data\n    justification: fix pending\n    approver: Legal\n    expires: 2025-06-30\n  - requirement: R-ONE\n    justification: x\n    approver: y\n    expires: 2025-01-01\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].line, 2);
        assert_eq!(w[1].target, Target::Requirement("R-ONE".into()));
        let day = |s: &str| s.parse::<Date>().unwrap();
        assert!(!w[0].expired(day("2025-06-30")));
        assert!(w[0].expired(day("2025-07-01")));
    }

    #[test]
    fn every_mistake_is_reported_with_its_line() {
        let (w, d) = check(
            "waivers:\n  - scenario: head view data\n    justification: x\n    approver: y\n    expires: 2025-06-30\n  - requirement: R-ONF\n    justification: ''\n    approver: y\n    expires: 2025-02-30\n  - justification: x\n    approver: y\n    expires: 2025-01-01\n",
        );
        assert!(w.is_empty());
        let got: Vec<_> = d.iter().map(|d| (d.code, d.line())).collect();
        assert_eq!(
            got,
            [
                (Code::UnknownScenario, Some(2)),
                (Code::UnknownRequirement, Some(6)),
                (Code::WaiverError, Some(7)),
                (Code::BadDate, Some(9)),
                (Code::WaiverError, Some(10)),
            ]
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean `head views data`?")
        );
    }
}
