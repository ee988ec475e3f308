//! Lint: policies that do nothing, or nothing of their own.
//!
//! From the per-environment facts: a policy that matches no request in any
//! environment is *vacuous*; a permit all of whose matches some forbid
//! overrules is *shadowed*; a permit whose every match another permit allows
//! anyway is *redundant*. Two policies of the same effect that match exactly
//! the same requests are *equivalent*: only pairs that could be (both
//! redundant permits, or forbids matching in the same environments) are put
//! to the solver, so the cost stays far below one query per pair.
//!
//! An author acknowledges a finding with `@lint_ok("<kind>: why")` on the
//! policy (a reason without a kind acknowledges every kind): it is then
//! listed, not failed.

use std::collections::{BTreeMap, BTreeSet};

use cedar_policy::{PolicyId, RequestEnv};
use cedar_policy_symcc::CompiledPolicy;
use rayon::prelude::*;

use super::engine::{EnvAnswers, Fact, LintFacts};
use super::model::{LintFinding, LintKind};
use super::solver::{Session, SolverConfig};
use crate::load::Regime;

/// A pair of policies in one environment (its label).
type PairIn<'a> = (&'a str, (&'a str, &'a str));

/// Per environment label: the answers.
type Answers<'a> = [(&'a str, &'a Result<EnvAnswers, String>)];

/// The lint findings of a regime, by policy then kind, and the queries the
/// solver left open.
pub fn findings(
    regime: &Regime,
    answers: &Answers<'_>,
    config: &SolverConfig,
) -> (Vec<LintFinding>, Vec<String>) {
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    let mut matching_envs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut redundant: BTreeSet<&str> = BTreeSet::new();
    for (id, info) in &regime.policies.info {
        let facts: Vec<(&str, Option<&LintFacts>)> = answers
            .iter()
            .map(|(env, a)| (*env, a.as_ref().ok().and_then(|a| a.lint.get(id))))
            .collect();
        let can_match: Vec<(&str, Option<Result<bool, String>>)> = facts
            .iter()
            .map(|(env, f)| (*env, f.and_then(|f| f.can_match.clone())))
            .collect();
        let matches_somewhere = can_match.iter().any(|(_, m)| matches!(m, Some(Ok(true))));
        let undecided = can_match.iter().any(|(_, m)| !matches!(m, Some(Ok(_))));
        if !matches_somewhere {
            if undecided {
                unknown.push(format!("whether `{id}` can match anything is unknown"));
            } else {
                let what = if info.effect == "permit" {
                    "can never allow anything: it matches no request in any environment"
                } else {
                    "never matches any request: it forbids nothing"
                };
                found.push(finding(
                    regime,
                    id,
                    LintKind::Vacuous,
                    format!("{} `{id}` {what}", info.effect),
                ));
            }
            continue;
        }
        let envs: BTreeSet<&str> = can_match
            .iter()
            .filter(|(_, m)| matches!(m, Some(Ok(true))))
            .map(|(e, _)| *e)
            .collect();
        if info.effect == "permit" {
            let all = |pick: fn(&LintFacts) -> Option<Result<bool, String>>| -> Option<bool> {
                let mut all = true;
                for (env, f) in &facts {
                    if !envs.contains(env) {
                        continue;
                    }
                    match f.and_then(pick) {
                        Some(Ok(true)) => {}
                        Some(Ok(false)) => return Some(false),
                        _ => all = false,
                    }
                }
                all.then_some(true)
            };
            match all(|f| f.shadowed.clone()) {
                Some(true) => found.push(finding(
                    regime,
                    id,
                    LintKind::Shadowed,
                    format!("every request permit `{id}` matches is forbidden by a forbid policy: it never takes effect"),
                )),
                Some(false) => {}
                None => unknown.push(format!("whether `{id}` is shadowed is unknown")),
            }
            match all(|f| f.redundant.clone()) {
                Some(true) => {
                    redundant.insert(id);
                    found.push(finding(
                        regime,
                        id,
                        LintKind::Redundant,
                        format!("every request permit `{id}` allows is allowed by another permit"),
                    ));
                }
                Some(false) => {}
                None => unknown.push(format!("whether `{id}` is redundant is unknown")),
            }
        }
        matching_envs.insert(id, envs);
    }

    // Equivalent pairs, among the candidates.
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let ids: Vec<&str> = matching_envs.keys().copied().collect();
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            let (ia, ib) = (&regime.policies.info[*a], &regime.policies.info[*b]);
            let candidates = ia.effect == ib.effect
                && matching_envs[a] == matching_envs[b]
                && (ia.effect == "forbid" || (redundant.contains(a) && redundant.contains(b)));
            if candidates {
                pairs.push((a, b));
            }
        }
    }
    let envs_needed: BTreeSet<&str> = pairs
        .iter()
        .flat_map(|(a, _)| matching_envs[a].iter().copied())
        .collect();
    let env_of = |label: &str| -> Option<RequestEnv> {
        regime
            .schema
            .cedar
            .request_envs()
            .find(|e| super::engine::label(e, &regime.schema.namespace) == label)
    };
    let per_env: Vec<Vec<(PairIn<'_>, Fact)>> = envs_needed
        .par_iter()
        .map(|label| {
            let here: Vec<(&str, &str)> = pairs
                .iter()
                .filter(|(a, _)| matching_envs[a].contains(label))
                .copied()
                .collect();
            let results = env_of(label)
                .ok_or_else(|| format!("no environment `{label}`"))
                .and_then(|env| equivalent_in(regime, &env, &here, config));
            here.iter()
                .enumerate()
                .map(|(i, pair)| {
                    let r = match &results {
                        Ok(list) => list[i].clone(),
                        Err(e) => Err(e.clone()),
                    };
                    ((*label, *pair), r)
                })
                .collect()
        })
        .collect();
    let results: BTreeMap<PairIn<'_>, Fact> = per_env.into_iter().flatten().collect();
    for (a, b) in pairs {
        let mut verdict = Some(true);
        for label in &matching_envs[a] {
            match results.get(&(*label, (a, b))) {
                Some(Ok(true)) => {}
                Some(Ok(false)) => {
                    verdict = Some(false);
                    break;
                }
                _ => verdict = None,
            }
        }
        match verdict {
            Some(true) => found.push(finding(
                regime,
                b,
                LintKind::Equivalent,
                format!("`{b}` matches exactly the requests `{a}` matches"),
            )),
            Some(false) => {}
            None => unknown.push(format!("whether `{a}` and `{b}` are equivalent is unknown")),
        }
    }
    found.sort_by(|x, y| (&x.policy, x.kind).cmp(&(&y.policy, y.kind)));
    (found, unknown)
}

/// Asks, pair by pair, whether two policies match the same requests here.
fn equivalent_in(
    regime: &Regime,
    env: &RequestEnv,
    pairs: &[(&str, &str)],
    config: &SolverConfig,
) -> Result<Vec<Result<bool, String>>, String> {
    let mut session = Session::start(config)?;
    let compile = |id: &str| {
        regime
            .policies
            .set
            .policy(&PolicyId::new(id))
            .ok_or_else(|| format!("no policy `{id}`"))
            .and_then(|p| {
                CompiledPolicy::compile(p, env, &regime.schema.cedar).map_err(|e| e.to_string())
            })
    };
    Ok(pairs
        .iter()
        .map(|(a, b)| {
            let (a, b) = (compile(a)?, compile(b)?);
            session
                .run(async |c| c.check_matches_equivalent_opt(&a, &b).await)
                .map_err(|e| e.to_string())
        })
        .collect())
}

fn finding(regime: &Regime, id: &str, kind: LintKind, message: String) -> LintFinding {
    let info = &regime.policies.info[id];
    let acknowledged = regime
        .policies
        .set
        .policy(&PolicyId::new(id))
        .and_then(|p| p.annotation("lint_ok"))
        .filter(|reason| acknowledges(reason, kind))
        .map(str::to_string);
    LintFinding {
        kind,
        severity: kind.severity(),
        policy: id.to_string(),
        clause: info.clause.clone(),
        file: info.file.clone(),
        line: info.line,
        message,
        acknowledged,
    }
}

/// `@lint_ok("redundant: why")` acknowledges that kind; a reason that names
/// no kind acknowledges any.
fn acknowledges(reason: &str, kind: LintKind) -> bool {
    let kinds = [
        LintKind::Vacuous,
        LintKind::Shadowed,
        LintKind::Redundant,
        LintKind::Equivalent,
    ];
    match reason.split_once(':') {
        Some((head, _)) if kinds.iter().any(|k| k.name() == head.trim()) => {
            head.trim() == kind.name()
        }
        _ => !reason.trim().is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lint_ok_names_the_kind_it_acknowledges() {
        assert!(acknowledges(
            "redundant: kept for the clause map",
            LintKind::Redundant
        ));
        assert!(!acknowledges("redundant: kept", LintKind::Vacuous));
        assert!(acknowledges("kept on purpose", LintKind::Shadowed));
        assert!(!acknowledges("  ", LintKind::Shadowed));
    }
}
