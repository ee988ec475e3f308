//! The decision diff between two versions of a project: the same cases
//! evaluated against old and new policies (and cases), and every scenario
//! whose decision or deciding policies changed, per regime and requirement,
//! old → new; scenarios that appear or disappear are listed too. This is the
//! review a policy-change pull request needs: the legal effect, not the text.

pub mod render;

use serde::Serialize;

use crate::evaluate::Status;
use crate::report::{RegimeReport, Report, RequirementReport, ScenarioReport};
use crate::scenario::Expect;

/// Every changed decision between two reports.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionDiff {
    /// How the old version was named.
    pub old: String,
    /// How the new version was named.
    pub new: String,
    /// Scenarios evaluated in the new version.
    pub scenarios: usize,
    /// The regimes with a change, in the new report's order, then regimes
    /// only the old one has.
    pub regimes: Vec<RegimeDiff>,
}

/// The changes of one regime.
#[derive(Debug, Clone, Serialize)]
pub struct RegimeDiff {
    /// Its slug.
    pub id: String,
    /// The requirements with a change.
    pub requirements: Vec<RequirementDiff>,
}

/// The changes under one requirement.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementDiff {
    /// Its id.
    pub id: String,
    /// Its clause.
    pub clause: String,
    /// Its summary.
    pub summary: String,
    /// Its changed, added and removed scenarios.
    pub scenarios: Vec<ScenarioDiff>,
}

/// One scenario whose decision changed, or that appeared or disappeared.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioDiff {
    /// Its name.
    pub name: String,
    /// Its file (in the new version when it has one).
    pub file: String,
    /// Its line there (not serialised).
    #[serde(skip)]
    pub line: usize,
    /// The decision in the old version, if the scenario was there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Decision>,
    /// The decision in the new version, if the scenario is there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Decision>,
}

/// A decision and what it meant for the scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// allow or deny.
    pub decision: Expect,
    /// The policies that decided, sorted.
    pub decided_by: Vec<String>,
    /// Whether the scenario passed with it.
    pub status: Status,
}

impl Decision {
    fn of(s: &ScenarioReport) -> Self {
        Self {
            decision: s.outcome.decision,
            decided_by: s.outcome.decided_by.clone(),
            status: s.outcome.status,
        }
    }

    /// True when the decision or its deciding policies differ.
    fn differs(&self, other: &Decision) -> bool {
        self.decision != other.decision || self.decided_by != other.decided_by
    }
}

impl DecisionDiff {
    /// Compares the decisions of two reports of the same cases.
    pub fn between(old: &Report, new: &Report, old_label: &str, new_label: &str) -> Self {
        let mut regimes: Vec<RegimeDiff> = new
            .regimes
            .iter()
            .map(|n| regime_diff(old.regimes.iter().find(|o| o.id == n.id), Some(n)))
            .collect();
        regimes.extend(
            old.regimes
                .iter()
                .filter(|o| !new.regimes.iter().any(|n| n.id == o.id))
                .map(|o| regime_diff(Some(o), None)),
        );
        regimes.retain(|r| !r.requirements.is_empty());
        Self {
            old: old_label.to_string(),
            new: new_label.to_string(),
            scenarios: new.totals.scenarios.total,
            regimes,
        }
    }

    /// True when no decision changed.
    pub fn is_empty(&self) -> bool {
        self.regimes.is_empty()
    }

    /// Changed, added and removed scenario entries.
    pub fn counts(&self) -> (usize, usize, usize) {
        let all = self
            .regimes
            .iter()
            .flat_map(|r| &r.requirements)
            .flat_map(|q| &q.scenarios);
        let (mut changed, mut added, mut removed) = (0, 0, 0);
        for s in all {
            match (&s.old, &s.new) {
                (Some(_), Some(_)) => changed += 1,
                (None, _) => added += 1,
                (_, None) => removed += 1,
            }
        }
        (changed, added, removed)
    }
}

fn requirements(r: Option<&RegimeReport>) -> impl Iterator<Item = &RequirementReport> {
    r.into_iter()
        .flat_map(|r| &r.groups)
        .flat_map(|g| &g.requirements)
}

fn regime_diff(old: Option<&RegimeReport>, new: Option<&RegimeReport>) -> RegimeDiff {
    let id = new.or(old).map(|r| r.id.clone()).unwrap_or_default();
    let mut out: Vec<RequirementDiff> = requirements(new)
        .map(|n| requirement_diff(requirements(old).find(|o| o.id == n.id), n))
        .collect();
    out.extend(
        requirements(old)
            .filter(|o| !requirements(new).any(|n| n.id == o.id))
            .map(|o| RequirementDiff {
                id: o.id.clone(),
                clause: o.clause.clone(),
                summary: o.summary.clone(),
                scenarios: o.scenarios.iter().map(removed).collect(),
            }),
    );
    out.retain(|r| !r.scenarios.is_empty());
    RegimeDiff {
        id,
        requirements: out,
    }
}

fn removed(s: &ScenarioReport) -> ScenarioDiff {
    ScenarioDiff {
        name: s.name.clone(),
        file: s.file.clone(),
        line: s.line,
        old: Some(Decision::of(s)),
        new: None,
    }
}

fn requirement_diff(old: Option<&RequirementReport>, new: &RequirementReport) -> RequirementDiff {
    let old_scenarios = old.map(|o| o.scenarios.as_slice()).unwrap_or_default();
    let mut scenarios = Vec::new();
    for n in &new.scenarios {
        let before = old_scenarios
            .iter()
            .find(|o| o.name == n.name)
            .map(Decision::of);
        let after = Decision::of(n);
        if before.as_ref().is_some_and(|b| !b.differs(&after)) {
            continue;
        }
        scenarios.push(ScenarioDiff {
            name: n.name.clone(),
            file: n.file.clone(),
            line: n.line,
            old: before,
            new: Some(after),
        });
    }
    scenarios.extend(
        old_scenarios
            .iter()
            .filter(|o| !new.scenarios.iter().any(|n| n.name == o.name))
            .map(removed),
    );
    RequirementDiff {
        id: new.id.clone(),
        clause: new.clause.clone(),
        summary: new.summary.clone(),
        scenarios,
    }
}
