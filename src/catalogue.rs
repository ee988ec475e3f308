//! The requirement catalogue of a regime (`cases/<regime>/requirements.yaml`):
//! what the law requires, clause by clause, in our own words.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{did_you_mean, Code, Diag, Diagnostics};
use crate::source::SourceFile;
use crate::yaml::{self, Path, YamlIndex};

/// The catalogue file's name inside `cases/<regime>/`.
pub const FILE_NAME: &str = "requirements.yaml";

/// A regime's requirement catalogue.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// The regime's slug; must equal its folder name.
    pub regime: String,
    /// The act's title.
    pub title: String,
    /// The source document, as a citation.
    pub source: String,
    /// The Cedar namespace of the regime's schema.
    pub namespace: String,
    /// True for assessments: the report is a scorecard.
    #[serde(default)]
    pub assessment: bool,
    /// Groups (chapters, blocks) in report order.
    pub groups: Vec<Group>,
    /// The requirements, in source order.
    pub requirements: Vec<Requirement>,
}

/// A chapter, part or block of the source.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Its id (`II`, `block-1`).
    pub id: String,
    /// Its title.
    pub title: String,
}

/// One obligation of the source.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Stable id.
    pub id: String,
    /// The clause as the source numbers it.
    pub clause: String,
    /// The group it belongs to.
    pub group: String,
    /// What kind of rule it is.
    pub kind: Kind,
    /// A summary in our own words.
    pub summary: String,
    /// Why it is untested, an ambiguity, or a limit of the encoding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For assessments: the source's recommendation for this requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Recommendation>,
}

/// A recommendation of an assessment report.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// Its number in the source.
    pub number: u32,
    /// A summary in our own words.
    pub summary: String,
}

/// The kind of a requirement.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Who may do what.
    Access,
    /// Consent and its withdrawal.
    Consent,
    /// Keeping and deleting data.
    Retention,
    /// A period or time limit.
    Deadline,
    /// A roadmap requirement of an assessment.
    Roadmap,
    /// Conditions for a benefit.
    Eligibility,
    /// A step of a procedure.
    Procedure,
}

/// A catalogue with its file and positions, for diagnostics that point into it.
#[derive(Debug, Clone)]
pub struct LoadedCatalogue {
    /// The catalogue.
    pub catalogue: Catalogue,
    /// Its file.
    pub file: SourceFile,
    /// Positions of its nodes.
    pub index: YamlIndex,
}

impl LoadedCatalogue {
    /// Parses and checks a catalogue for the regime named `regime`.
    pub fn load(file: SourceFile, regime: &str, diags: &mut Diagnostics) -> Option<Self> {
        let (catalogue, index) = match yaml::parse::<Catalogue>(&file) {
            Ok(parsed) => parsed,
            Err(d) => {
                diags.push(*d);
                return None;
            }
        };
        let loaded = Self {
            catalogue,
            file,
            index,
        };
        loaded.check(regime, diags);
        Some(loaded)
    }

    fn check(&self, regime: &str, diags: &mut Diagnostics) {
        let c = &self.catalogue;
        let root = Path::root();
        if c.regime != regime {
            diags.push(
                self.error(
                    Code::CatalogueError,
                    format!(
                        "the catalogue says regime `{}` but lives in the folder of `{regime}`",
                        c.regime
                    ),
                    &root.key("regime"),
                    "does not match the folder",
                )
                .with_help(format!("write `regime: {regime}` or move the folder")),
            );
        }
        let mut groups = BTreeSet::new();
        for (i, g) in c.groups.iter().enumerate() {
            if !groups.insert(g.id.as_str()) {
                diags.push(self.error(
                    Code::DuplicateId,
                    format!("group `{}` is declared twice", g.id),
                    &root.key("groups").index(i).key("id"),
                    "second declaration",
                ));
            }
        }
        let mut ids = BTreeSet::new();
        for (i, r) in c.requirements.iter().enumerate() {
            let path = root.key("requirements").index(i);
            if !ids.insert(r.id.as_str()) {
                diags.push(self.error(
                    Code::DuplicateId,
                    format!("requirement `{}` is declared twice", r.id),
                    &path.key("id"),
                    "second declaration",
                ));
            }
            if !groups.contains(r.group.as_str()) {
                diags.push(
                    self.error(
                        Code::CatalogueError,
                        format!(
                            "requirement `{}` names group `{}`, which is not declared",
                            r.id, r.group
                        ),
                        &path.key("group"),
                        "unknown group",
                    )
                    .with_help_opt(did_you_mean(&r.group, groups.iter().copied())),
                );
            }
            for (field, value) in [("clause", &r.clause), ("summary", &r.summary)] {
                if value.trim().is_empty() {
                    diags.push(self.error(
                        Code::CatalogueError,
                        format!("requirement `{}` has an empty {field}", r.id),
                        &path.key(field),
                        "empty",
                    ));
                }
            }
        }
    }

    fn error(&self, code: Code, message: String, path: &Path, label: &str) -> Diag {
        let span = self.index.value_span(path);
        Diag::new(code, message).at(&self.file, span, label)
    }

    /// The requirement with this id.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.catalogue.requirements.iter().find(|r| r.id == id)
    }

    /// "did you mean" for an unknown requirement id.
    pub fn suggest(&self, id: &str) -> Option<String> {
        did_you_mean(
            id,
            self.catalogue.requirements.iter().map(|r| r.id.as_str()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "regime: demo\ntitle: T\nsource: S\nnamespace: Demo\ngroups:\n  - {id: I, title: General}\nrequirements:\n  - id: R-1\n    clause: \"4\"\n    group: I\n    kind: access\n    summary: Someone may do something.\n";

    #[test]
    fn loads_a_good_catalogue() {
        let mut d = Diagnostics::default();
        let c =
            LoadedCatalogue::load(SourceFile::from_text("r.yaml", GOOD), "demo", &mut d).unwrap();
        assert!(d.is_empty(), "{:?}", d.into_sorted());
        assert_eq!(c.requirement("R-1").unwrap().kind, Kind::Access);
    }

    #[test]
    fn reports_unknown_group_with_suggestion_and_wrong_regime() {
        let text = GOOD.replace("group: I\n", "group: l\n");
        let mut d = Diagnostics::default();
        LoadedCatalogue::load(SourceFile::from_text("r.yaml", text), "other", &mut d).unwrap();
        let all = d.into_sorted();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].code, Code::CatalogueError);
        assert_eq!(all[0].line(), Some(1));
        assert_eq!(all[1].line(), Some(10));
    }
}
