//! Evaluation: every selected scenario through Cedar's authorizer, in
//! parallel, with results in the scenarios' own order whatever the thread
//! count; then the comparison with the expectation. Each request meets only
//! the policies whose scope can match it ([`PolicySlices`]).

use cedar_policy::{Authorizer, Decision, Entities, PolicySet};
use rayon::prelude::*;
use serde::Serialize;

use crate::filter::Selection;
use crate::load::{Project, Regime};
use crate::lower::{LoweredFile, LoweredScenario, ScenarioInfo};
use crate::scenario::Expect;
use crate::slice::PolicySlices;

/// What happened to one scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// pass, fail or error.
    pub status: Status,
    /// Cedar's decision.
    pub decision: Expect,
    /// The policies that determined the decision, sorted.
    pub decided_by: Vec<String>,
    /// Evaluation errors raised by policies, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// Why it failed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The result of comparing an outcome with its expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// As expected.
    Pass,
    /// Not as expected.
    Fail,
    /// A policy raised an evaluation error: never a pass.
    Error,
}

/// The selected scenarios of a regime, with their outcomes, in file order:
/// what a report is built from.
pub type RegimeOutcomes = Vec<(ScenarioInfo, Outcome)>;

/// The selected scenarios of a loaded regime, with their outcomes, in file
/// order.
pub type LoadedOutcomes<'a> = Vec<(&'a LoweredScenario, Outcome)>;

/// Evaluates the selected scenarios of every regime of a loaded project, in
/// parallel. (`check` evaluates each file as soon as it is lowered instead:
/// see [`crate::load::load_evaluated`].)
pub fn evaluate<'a>(project: &'a Project, selection: &Selection) -> Vec<LoadedOutcomes<'a>> {
    let authorizer = Authorizer::new();
    project
        .regimes
        .iter()
        .map(|regime| {
            let selected: Vec<(&LoweredScenario, &Entities)> = regime
                .files
                .iter()
                .flat_map(|f| f.scenarios.iter().map(move |s| (s, &f.fixtures)))
                .filter(|(s, _)| selection.scenario(&s.info.name, &s.info.requirements))
                .collect();
            let slices = PolicySlices::new(&regime.policies.set, &regime.schema.cedar);
            selected
                .par_iter()
                .map(|(scenario, fixtures)| {
                    let policies = slices.for_request(&scenario.request);
                    (
                        *scenario,
                        run_with(&authorizer, policies, scenario, fixtures),
                    )
                })
                .collect()
        })
        .collect()
}

/// Evaluates the selected scenarios of one lowered file against the policies
/// of its regime, keeping only what the report needs: the requests and
/// entities are dropped with the file.
pub fn evaluate_file(
    authorizer: &Authorizer,
    slices: &PolicySlices,
    file: LoweredFile,
    selection: &Selection,
) -> RegimeOutcomes {
    let LoweredFile {
        fixtures,
        scenarios,
        ..
    } = file;
    scenarios
        .into_iter()
        .filter(|s| selection.scenario(&s.info.name, &s.info.requirements))
        .map(|s| {
            let policies = slices.for_request(&s.request);
            let outcome = run_with(authorizer, policies, &s, &fixtures);
            (s.info, outcome)
        })
        .collect()
}

/// Evaluates one scenario of its regime against `fixtures` (its file's) and
/// its own overrides; a fresh authorizer each call, for one-off use such as
/// `explain`.
pub fn run(regime: &Regime, scenario: &LoweredScenario, fixtures: &Entities) -> Outcome {
    run_with(&Authorizer::new(), &regime.policies.set, scenario, fixtures)
}

/// Evaluates one scenario against `policies` (a regime's set, a slice of it,
/// or a mutant) with `fixtures` and its own overrides.
pub fn run_with(
    authorizer: &Authorizer,
    policies: &PolicySet,
    scenario: &LoweredScenario,
    fixtures: &Entities,
) -> Outcome {
    let entities = match scenario.entities(fixtures) {
        Ok(entities) => entities,
        Err(why) => {
            let error = format!("the scenario's entities could not be combined: {why}");
            return judge(
                scenario.info.expect,
                scenario.info.decided_by.as_deref(),
                Expect::Deny,
                Vec::new(),
                vec![error],
            );
        }
    };
    let response = authorizer.is_authorized(&scenario.request, policies, &entities);
    let decision = match response.decision() {
        Decision::Allow => Expect::Allow,
        Decision::Deny => Expect::Deny,
    };
    let mut decided_by: Vec<String> = response
        .diagnostics()
        .reason()
        .map(|p| p.to_string())
        .collect();
    decided_by.sort();
    let mut errors: Vec<String> = response
        .diagnostics()
        .errors()
        .map(|e| e.to_string())
        .collect();
    errors.sort();
    judge(
        scenario.info.expect,
        scenario.info.decided_by.as_deref(),
        decision,
        decided_by,
        errors,
    )
}

/// Compares a decision with the expectation (a pure function: the heart of
/// the checker).
pub fn judge(
    expect: Expect,
    expected_by: Option<&[String]>,
    decision: Expect,
    decided_by: Vec<String>,
    errors: Vec<String>,
) -> Outcome {
    let (status, reason) = if !errors.is_empty() {
        (
            Status::Error,
            Some(format!(
                "a policy raised an evaluation error: {}",
                errors.join("; ")
            )),
        )
    } else if decision != expect {
        (
            Status::Fail,
            Some(format!(
                "expected {expect}, got {decision} ({})",
                by_words(&decided_by)
            )),
        )
    } else {
        match expected_by {
            Some(want) if want != decided_by.as_slice() => (
                Status::Fail,
                Some(format!(
                    "{decision} as expected, but {}; expected: {}",
                    by_words(&decided_by),
                    by_words(want)
                )),
            ),
            _ => (Status::Pass, None),
        }
    };
    Outcome {
        status,
        decision,
        decided_by,
        errors,
        reason,
    }
}

/// "decided by a, b" or "no policy applied".
pub fn by_words(ids: &[String]) -> String {
    if ids.is_empty() {
        "no policy applied".to_string()
    } else {
        format!("decided by {}", ids.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_matching_decision_passes() {
        let o = judge(Expect::Allow, None, Expect::Allow, ids(&["p"]), vec![]);
        assert_eq!(o.status, Status::Pass);
    }

    #[test]
    fn a_wrong_decision_fails_with_the_deciding_policies() {
        let o = judge(Expect::Deny, None, Expect::Allow, ids(&["p"]), vec![]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.reason.unwrap(), "expected deny, got allow (decided by p)");
    }

    #[test]
    fn the_right_decision_by_the_wrong_policy_fails() {
        let o = judge(
            Expect::Deny,
            Some(&ids(&["f"])),
            Expect::Deny,
            vec![],
            vec![],
        );
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.reason.unwrap(),
            "deny as expected, but no policy applied; expected: decided by f"
        );
    }

    #[test]
    fn an_evaluation_error_is_never_a_pass() {
        let o = judge(Expect::Deny, None, Expect::Deny, vec![], ids(&["boom"]));
        assert_eq!(o.status, Status::Error);
    }
}
