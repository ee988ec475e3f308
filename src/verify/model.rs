//! What `lexgate verify` found: one result model, serialisable, that every
//! renderer reads.

use std::collections::BTreeMap;

use serde::Serialize;

use super::invariants::Kind;

/// The result of a whole run, regimes in name order.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Always `lexgate-verify`.
    pub format: &'static str,
    /// The version of this model.
    pub version: u32,
    /// Per regime.
    pub regimes: Vec<RegimeResult>,
}

/// What was proved, refuted or left open in one regime.
#[derive(Debug, Clone, Serialize)]
pub struct RegimeResult {
    /// Its slug.
    pub regime: String,
    /// How many request environments (principal type, action, resource type) the schema has.
    pub environments: usize,
    /// "Never errors", one per policy.
    pub never_errors: Vec<Check>,
    /// The legal invariants, in file order.
    pub invariants: Vec<Check>,
    /// Lint findings, by policy id then kind.
    pub lint: Vec<LintFinding>,
    /// Lint queries the solver could not answer.
    pub lint_unknown: Vec<String>,
    /// Per requirement, the invariants that hold for it.
    pub proved: BTreeMap<String, Vec<String>>,
}

/// The property a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Property {
    /// The policy never errors.
    NeverErrors,
    /// A legal invariant.
    Invariant,
}

/// One property of one policy or invariant.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Which property.
    pub property: Property,
    /// The policy or invariant id.
    pub id: String,
    /// Its `@clause`.
    pub clause: String,
    /// Its requirements.
    pub requirements: Vec<String>,
    /// For invariants, its kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    /// For invariants, its `@summary`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// The file it is in.
    pub file: String,
    /// The line of its `@id`.
    pub line: usize,
    /// What the solver said.
    pub outcome: Outcome,
}

/// What the solver said about one property, over every environment.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// Holds in every environment.
    Proved,
    /// Does not hold: the first environment (in schema order) where it fails.
    Failed {
        /// The environment.
        environment: String,
        /// Why, in words.
        reason: String,
        /// The request that shows it, as a case.
        #[serde(skip_serializing_if = "Option::is_none")]
        counterexample: Option<Counterexample>,
    },
    /// The solver could not decide (time limit, unsupported feature).
    Unknown {
        /// The environment.
        environment: String,
        /// Why.
        reason: String,
    },
}

impl Outcome {
    /// `proved`, `failed` or `unknown`.
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Proved => "proved",
            Outcome::Failed { .. } => "failed",
            Outcome::Unknown { .. } => "unknown",
        }
    }
}

/// A counterexample, written as a scenario and re-run through Cedar's
/// authorizer.
#[derive(Debug, Clone, Serialize)]
pub struct Counterexample {
    /// The scenario, one item of a `scenarios:` list.
    pub yaml: String,
    /// What the concrete authorizer said about it.
    pub confirmation: Confirmation,
}

/// Whether Cedar's concrete authorizer reproduces a counterexample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "kebab-case")]
pub enum Confirmation {
    /// The scenario, lowered by lexgate like any case, shows the failure.
    Confirmed,
    /// The solver's request shows it, but only with derived dates the
    /// calendar would not produce: the reason says which.
    NeedsReview(String),
    /// Neither reproduces it: a fault of the verifier, not a legal finding.
    VerifierFault(String),
}

/// How serious a lint finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the run unless acknowledged.
    Error,
    /// Reported; never fails the run.
    Warning,
}

/// The kinds of lint finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LintKind {
    /// The policy never matches any request.
    Vacuous,
    /// A permit whose every match is forbidden.
    Shadowed,
    /// A permit whose every match another permit allows anyway.
    Redundant,
    /// Two policies of the same effect that match the same requests.
    Equivalent,
}

impl LintKind {
    /// The name, as written in `@lint_ok("<name>: why")`.
    pub fn name(self) -> &'static str {
        match self {
            LintKind::Vacuous => "vacuous",
            LintKind::Shadowed => "shadowed",
            LintKind::Redundant => "redundant",
            LintKind::Equivalent => "equivalent",
        }
    }

    /// How serious it is.
    pub fn severity(self) -> Severity {
        match self {
            LintKind::Vacuous | LintKind::Shadowed => Severity::Error,
            LintKind::Redundant | LintKind::Equivalent => Severity::Warning,
        }
    }
}

/// One lint finding.
#[derive(Debug, Clone, Serialize)]
pub struct LintFinding {
    /// What was found.
    pub kind: LintKind,
    /// How serious it is.
    pub severity: Severity,
    /// The policy.
    pub policy: String,
    /// Its `@clause`.
    pub clause: String,
    /// Its file.
    pub file: String,
    /// The line of its `@id`.
    pub line: usize,
    /// In words.
    pub message: String,
    /// The author's `@lint_ok` reason, when acknowledged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<String>,
}

impl VerifyReport {
    /// True when everything is proved, every counterexample aside, and no
    /// unacknowledged lint error stands.
    pub fn passed(&self) -> bool {
        self.regimes.iter().all(|r| {
            r.never_errors
                .iter()
                .chain(&r.invariants)
                .all(|c| matches!(c.outcome, Outcome::Proved))
                && r.lint
                    .iter()
                    .all(|f| f.severity == Severity::Warning || f.acknowledged.is_some())
        })
    }

    /// Every counterexample scenario, in report order.
    pub fn counterexamples(&self) -> impl Iterator<Item = (&str, &Counterexample)> {
        self.regimes.iter().flat_map(|r| {
            r.never_errors
                .iter()
                .chain(&r.invariants)
                .filter_map(move |c| match &c.outcome {
                    Outcome::Failed {
                        counterexample: Some(cx),
                        ..
                    } => Some((r.regime.as_str(), cx)),
                    _ => None,
                })
        })
    }
}
