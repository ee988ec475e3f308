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
    /// For assessments: the situation whose scorecard must reproduce the
    /// source's own figures (each group's `reported`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_situation: Option<String>,
    /// The clause map: every provision of the source, in source order, with
    /// the requirements that encode it, or why it needs none, or what is
    /// missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisions: Option<Vec<Provision>>,
}

/// One provision of the source and how the catalogue accounts for it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Provision {
    /// The provision as the source numbers it (`13.5`, `§ 15f, stk. 2`).
    pub clause: String,
    /// What it is about, in a few words of our own.
    pub summary: String,
    /// The requirements that encode it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
    /// Why it needs no requirement: it decides nothing (scope, definitions,
    /// descriptions). Never together with `requirements` or `gap`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_rule: Option<String>,
    /// What is not encoded (yet); with `requirements`, what they leave out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<String>,
}

/// How a provision is accounted for.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProvisionStatus {
    /// Requirements encode all of it.
    Encoded,
    /// It decides nothing.
    NoRule,
    /// Not encoded, or only in part.
    Gap,
}

impl Provision {
    /// How it is accounted for.
    pub fn status(&self) -> ProvisionStatus {
        if self.gap.is_some() {
            ProvisionStatus::Gap
        } else if self.no_rule.is_some() {
            ProvisionStatus::NoRule
        } else {
            ProvisionStatus::Encoded
        }
    }
}

/// A chapter, part or block of the source.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Its id (`II`, `block-1`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// For assessments: the block it belongs to; the scorecard subtotals
    /// the groups of each block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<String>,
    /// For assessments: false when its requirements are decisions beside the
    /// scorecard (a conclusion), not counted in it.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub scored: bool,
    /// For assessments: the source's own figure for this group, which the
    /// scorecard of `reported_situation` must reproduce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported: Option<Figure>,
}

fn yes() -> bool {
    true
}

fn is_yes(b: &bool) -> bool {
    *b
}

/// A "met X of Y" figure.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// Requirements met.
    pub met: usize,
    /// Requirements assessed.
    pub total: usize,
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
    /// Whether the source makes it a key priority or an item under
    /// continued monitoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

/// The weight an assessment gives a recommendation.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// A key priority.
    Key,
    /// An item under continued monitoring.
    Monitoring,
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
                .with_help(format!(
                    "write `regime: {regime}`, or rename the folder to `cases/{}/`",
                    c.regime
                )),
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
        self.check_assessment_fields(diags);
        self.check_provisions(diags);
    }

    /// Assessment-only fields used outside an assessment.
    fn check_assessment_fields(&self, diags: &mut Diagnostics) {
        let c = &self.catalogue;
        if c.assessment {
            return;
        }
        let root = Path::root();
        if c.reported_situation.is_some() {
            diags.push(
                self.not_an_assessment(&root.key("reported_situation"), "reported_situation"),
            );
        }
        for (i, g) in c.groups.iter().enumerate() {
            let path = root.key("groups").index(i);
            for (field, used) in [
                ("block", g.block.is_some()),
                ("scored", !g.scored),
                ("reported", g.reported.is_some()),
            ] {
                if used {
                    diags.push(self.not_an_assessment(&path.key(field), field));
                }
            }
        }
    }

    fn not_an_assessment(&self, path: &Path, field: &str) -> Diag {
        self.error(
            Code::CatalogueError,
            format!("`{field}` belongs to assessments, and this catalogue is not one"),
            path,
            "only for assessments",
        )
        .with_help("remove it, or set `assessment: true` if the source is an assessment")
    }

    /// The clause map: every entry accounted for exactly one way, every
    /// requirement encoding some provision.
    fn check_provisions(&self, diags: &mut Diagnostics) {
        let c = &self.catalogue;
        let Some(provisions) = &c.provisions else {
            return;
        };
        let root = Path::root();
        let ids: BTreeSet<&str> = c.requirements.iter().map(|r| r.id.as_str()).collect();
        let mut clauses = BTreeSet::new();
        let mut named = BTreeSet::new();
        for (i, p) in provisions.iter().enumerate() {
            let path = root.key("provisions").index(i);
            if !clauses.insert(p.clause.trim()) {
                diags.push(
                    self.error(
                        Code::DuplicateId,
                        format!("provision `{}` is listed twice in the clause map", p.clause),
                        &path.key("clause"),
                        "second entry",
                    )
                    .with_help("list each provision once, naming all its requirements there"),
                );
            }
            for (field, value) in [("clause", &p.clause), ("summary", &p.summary)] {
                if value.trim().is_empty() {
                    diags.push(self.error(
                        Code::CatalogueError,
                        format!("provision `{}` has an empty {field}", p.clause),
                        &path.key(field),
                        "empty",
                    ));
                }
            }
            for (field, reason) in [("no_rule", &p.no_rule), ("gap", &p.gap)] {
                if reason.as_deref().is_some_and(|r| r.trim().is_empty()) {
                    diags.push(self.error(
                        Code::CatalogueError,
                        format!("provision `{}` gives an empty `{field}`", p.clause),
                        &path.key(field),
                        "say why",
                    ));
                }
            }
            if p.no_rule.is_some() && (p.gap.is_some() || !p.requirements.is_empty()) {
                diags.push(
                    self.error(
                        Code::CatalogueError,
                        format!(
                            "provision `{}` says it decides nothing (`no_rule`) and yet names requirements or a gap",
                            p.clause
                        ),
                        &path.key("no_rule"),
                        "contradicts the rest of the entry",
                    )
                    .with_help("keep `no_rule` only for provisions that decide nothing"),
                );
            }
            if p.no_rule.is_none() && p.gap.is_none() && p.requirements.is_empty() {
                diags.push(
                    self.error(
                        Code::CatalogueError,
                        format!("provision `{}` is not accounted for", p.clause),
                        &path.key("clause"),
                        "no requirements, no reason",
                    )
                    .with_help(
                        "name the requirements that encode it, or give `no_rule:` (it decides nothing) or `gap:` (not encoded yet)",
                    ),
                );
            }
            for (j, id) in p.requirements.iter().enumerate() {
                named.insert(id.as_str());
                if !ids.contains(id.as_str()) {
                    diags.push(
                        self.error(
                            Code::CatalogueError,
                            format!(
                                "provision `{}` names requirement `{id}`, which the catalogue does not declare",
                                p.clause
                            ),
                            &path.key("requirements").index(j),
                            "unknown requirement",
                        )
                        .with_help_opt(self.suggest(id)),
                    );
                }
            }
        }
        for (i, r) in c.requirements.iter().enumerate() {
            if !named.contains(r.id.as_str()) {
                diags.push(
                    self.error(
                        Code::CatalogueError,
                        format!(
                            "requirement `{}` (clause {}) encodes no provision of the clause map",
                            r.id, r.clause
                        ),
                        &root.key("requirements").index(i).key("id"),
                        "not in `provisions:`",
                    )
                    .with_help(format!(
                        "add `{}` to the `requirements:` of the provision it encodes",
                        r.id
                    )),
                );
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

    fn problems(text: &str) -> Vec<Diag> {
        let mut d = Diagnostics::default();
        LoadedCatalogue::load(SourceFile::from_text("r.yaml", text), "demo", &mut d).unwrap();
        d.into_sorted()
    }

    #[test]
    fn a_complete_clause_map_loads() {
        let text = format!(
            "{GOOD}provisions:\n  - {{clause: \"1\", summary: Scope., no_rule: Decides nothing.}}\n  - {{clause: \"4\", summary: Access., requirements: [R-1]}}\n  - {{clause: \"5\", summary: Later., gap: Not encoded yet.}}\n"
        );
        assert!(problems(&text).is_empty());
        let mut d = Diagnostics::default();
        let c =
            LoadedCatalogue::load(SourceFile::from_text("r.yaml", text), "demo", &mut d).unwrap();
        let statuses: Vec<ProvisionStatus> = c
            .catalogue
            .provisions
            .unwrap()
            .iter()
            .map(Provision::status)
            .collect();
        assert_eq!(
            statuses,
            [
                ProvisionStatus::NoRule,
                ProvisionStatus::Encoded,
                ProvisionStatus::Gap
            ]
        );
    }

    #[test]
    fn a_clause_map_must_account_for_every_provision_and_requirement() {
        let text = format!(
            "{GOOD}provisions:\n  - {{clause: \"1\", summary: Scope.}}\n  - {{clause: \"1\", summary: Again., no_rule: x, requirements: [R-2]}}\n"
        );
        let all = problems(&text);
        let messages: Vec<&str> = all.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "requirement `R-1` (clause 4) encodes no provision of the clause map",
                "provision `1` is not accounted for",
                "provision `1` is listed twice in the clause map",
                "provision `1` says it decides nothing (`no_rule`) and yet names requirements or a gap",
                "provision `1` names requirement `R-2`, which the catalogue does not declare",
            ]
        );
        assert_eq!(all[0].line(), Some(8));
        assert_eq!(all[1].line(), Some(14));
    }

    #[test]
    fn assessment_fields_outside_an_assessment_are_refused() {
        let text = GOOD.replace(
            "  - {id: I, title: General}\n",
            "  - {id: I, title: General, block: B, reported: {met: 1, total: 1}}\n",
        );
        let all = problems(&text);
        assert_eq!(all.len(), 2);
        assert!(all[0].message.contains("`block` belongs to assessments"));
        assert!(all[1].message.contains("`reported` belongs to assessments"));
    }
}
