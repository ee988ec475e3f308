//! `lexgate diff --symbolic`: how two versions of a regime's policies differ
//! for every request, not only for the scenarios.
//!
//! Both versions are compiled against the *new* schema (a symbolic
//! comparison needs one set of request shapes), per request environment,
//! and the solver is asked both ways whether one version's allowed set is
//! contained in the other's. Each direction that fails comes with a witness:
//! a request one version allows and the other denies, written as a scenario
//! and re-run through Cedar's authorizer on both versions.

use cedar_policy::{Authorizer, Decision, PolicySet, RequestEnv};
use cedar_policy_symcc::{CompiledPolicySet, Env};
use rayon::prelude::*;
use serde::Serialize;

use super::cases::{scenario_yaml, ScenarioMeta};
use super::engine::label;
use super::solver::{Session, SolverConfig};
use crate::diagnostic::Diag;
use crate::filter::Matcher;
use crate::load::{self, LoadOptions, Regime};

/// The comparison of two versions.
#[derive(Debug, Clone, Serialize)]
pub struct SymbolicDiff {
    /// Per regime present in both versions, in name order.
    pub regimes: Vec<RegimeDiff>,
    /// Regimes only one version has.
    pub unmatched: Vec<String>,
}

/// One regime, per request environment of the new schema.
#[derive(Debug, Clone, Serialize)]
pub struct RegimeDiff {
    /// Its slug.
    pub regime: String,
    /// Per environment, in label order.
    pub environments: Vec<EnvDiff>,
}

/// What changed in one environment.
#[derive(Debug, Clone, Serialize)]
pub struct EnvDiff {
    /// `Principal, action, Resource`.
    pub environment: String,
    /// `equivalent`, `more-permissive`, `less-permissive`, `both` or `unknown`.
    pub change: &'static str,
    /// A request the new version allows and the old one denies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newly_allowed: Option<Witness>,
    /// A request the old version allows and the new one denies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newly_denied: Option<Witness>,
    /// Why the solver could not decide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
}

/// A request that shows one direction of a change.
#[derive(Debug, Clone, Serialize)]
pub struct Witness {
    /// As a scenario (with the new version's expected decision).
    pub yaml: String,
    /// True when Cedar's authorizer gives the two versions the decisions the
    /// solver claims.
    pub confirmed: bool,
}

impl SymbolicDiff {
    /// True when every environment of every regime is equivalent.
    pub fn is_equivalent(&self) -> bool {
        self.unmatched.is_empty()
            && self
                .regimes
                .iter()
                .flat_map(|r| &r.environments)
                .all(|e| e.change == "equivalent")
    }
}

/// Compares the policies of the regimes under `old` and `new`.
pub fn symbolic_diff(
    old: &std::path::Path,
    new: &std::path::Path,
    regimes: &[Matcher],
    config: &SolverConfig,
) -> Result<SymbolicDiff, Vec<Diag>> {
    let options = LoadOptions {
        regimes: regimes.to_vec(),
        as_of: None,
    };
    let old = load::load(old, &options)?;
    let new = load::load(new, &options)?;
    let mut unmatched: Vec<String> = old
        .regimes
        .iter()
        .map(|r| &r.name)
        .chain(new.regimes.iter().map(|r| &r.name))
        .filter(|n| {
            !(old.regimes.iter().any(|r| &r.name == *n)
                && new.regimes.iter().any(|r| &r.name == *n))
        })
        .cloned()
        .collect();
    unmatched.sort();
    unmatched.dedup();
    let pairs: Vec<(&Regime, &Regime)> = new
        .regimes
        .iter()
        .filter_map(|n| {
            old.regimes
                .iter()
                .find(|o| o.name == n.name)
                .map(|o| (o, n))
        })
        .collect();
    let regimes = pairs
        .iter()
        .map(|(o, n)| {
            let mut envs: Vec<(String, RequestEnv)> = n
                .schema
                .cedar
                .request_envs()
                .map(|e| (label(&e, &n.schema.namespace), e))
                .collect();
            envs.sort_by(|a, b| a.0.cmp(&b.0));
            let environments = envs
                .par_iter()
                .map(|(l, env)| compare_env(o, n, env, l, config))
                .collect();
            RegimeDiff {
                regime: n.name.clone(),
                environments,
            }
        })
        .collect();
    Ok(SymbolicDiff { regimes, unmatched })
}

fn compare_env(
    old: &Regime,
    new: &Regime,
    env: &RequestEnv,
    environment: &str,
    config: &SolverConfig,
) -> EnvDiff {
    let unknown = |why: String| EnvDiff {
        environment: environment.to_string(),
        change: "unknown",
        newly_allowed: None,
        newly_denied: None,
        unknown: Some(why),
    };
    let schema = &new.schema.cedar;
    let compiled = |set: &PolicySet, which: &str| {
        CompiledPolicySet::compile(set, env, schema).map_err(|e| {
            format!("the {which} policies cannot be compiled against the new schema: {e}")
        })
    };
    let (o, n) = match (
        compiled(&old.policies.set, "old"),
        compiled(&new.policies.set, "new"),
    ) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => return unknown(e),
    };
    let mut session = match Session::start(config) {
        Ok(s) => s,
        Err(e) => return unknown(e),
    };
    let grown = session.run(async |c| c.check_implies_with_counterexample_opt(&n, &o).await);
    let shrunk = session.run(async |c| c.check_implies_with_counterexample_opt(&o, &n).await);
    let (grown, shrunk) = match (grown, shrunk) {
        (Ok(g), Ok(s)) => (g, s),
        (Err(e), _) | (_, Err(e)) => return unknown(format!("the solver could not decide: {e}")),
    };
    let witness = |cx: &Env, new_allows: bool| witness(old, new, cx, new_allows, environment);
    EnvDiff {
        environment: environment.to_string(),
        change: match (&grown, &shrunk) {
            (None, None) => "equivalent",
            (Some(_), None) => "more-permissive",
            (None, Some(_)) => "less-permissive",
            (Some(_), Some(_)) => "both",
        },
        newly_allowed: grown.as_ref().map(|cx| witness(cx, true)),
        newly_denied: shrunk.as_ref().map(|cx| witness(cx, false)),
        unknown: None,
    }
}

fn witness(old: &Regime, new: &Regime, cx: &Env, new_allows: bool, environment: &str) -> Witness {
    let name = format!(
        "diff: newly {} ({environment})",
        if new_allows { "allowed" } else { "denied" }
    );
    let meta = ScenarioMeta {
        name: &name,
        requirements: &[],
        expect: if new_allows { "allow" } else { "deny" },
        comment: "",
    };
    let yaml = scenario_yaml(
        &new.schema,
        new.derivations.as_ref(),
        &cx.request,
        &cx.entities,
        &meta,
    )
    .map(|c| c.yaml)
    .unwrap_or_else(|why| format!("  # cannot be written as a case: {why}\n"));
    let authorizer = Authorizer::new();
    let decide = |set: &PolicySet| {
        authorizer
            .is_authorized(&cx.request, set, &cx.entities)
            .decision()
    };
    let (o, n) = (decide(&old.policies.set), decide(&new.policies.set));
    let confirmed = if new_allows {
        o == Decision::Deny && n == Decision::Allow
    } else {
        o == Decision::Allow && n == Decision::Deny
    };
    Witness { yaml, confirmed }
}

/// For a terminal.
pub fn render_text(diff: &SymbolicDiff) -> String {
    let mut out = String::new();
    for r in &diff.regimes {
        out.push_str(&format!("{}\n", r.regime));
        for e in &r.environments {
            out.push_str(&format!("  {:<16} {}\n", e.change, e.environment));
            if let Some(why) = &e.unknown {
                out.push_str(&format!("                   {why}\n"));
            }
            for (what, w) in [
                ("newly allowed", &e.newly_allowed),
                ("newly denied", &e.newly_denied),
            ] {
                if let Some(w) = w {
                    out.push_str(&format!(
                        "    witness, {what}{}:\n",
                        if w.confirmed {
                            " (confirmed by Cedar's authorizer)"
                        } else {
                            " (NOT confirmed by Cedar's authorizer: a verifier fault)"
                        }
                    ));
                    for line in w.yaml.lines() {
                        out.push_str(&format!("    {line}\n"));
                    }
                }
            }
        }
    }
    for name in &diff.unmatched {
        out.push_str(&format!("{name}: only in one version\n"));
    }
    out
}
