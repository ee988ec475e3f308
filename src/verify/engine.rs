//! The queries of one request environment: each policy and invariant is
//! compiled once for the environment, then asked about on one cvc5 process.
//! An environment's answers are independent of every other's, so
//! environments run in parallel and are put back in schema order.

use std::collections::BTreeMap;

use cedar_policy::{Effect, Policy, PolicySet, RequestEnv};
use cedar_policy_symcc::{CompiledPolicy, CompiledPolicySet, Env};

use super::confirm::{self, Expectation};
use super::invariants::{Invariant, Kind};
use super::model::Counterexample;
use super::solver::{Session, SolverConfig};
use crate::load::Regime;

/// What one query said in one environment.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The property holds here.
    Holds,
    /// It does not: why, and the counterexample as a case.
    Fails(String, Option<Counterexample>),
    /// The solver could not say.
    Unknown(String),
}

/// One yes-or-no answer of the solver (`Err`: unknown, with why).
pub type Fact = Result<bool, String>;

/// The lint facts of one policy in one environment (`Err`: unknown).
#[derive(Debug, Clone, Default)]
pub struct LintFacts {
    /// The policy can match some request here.
    pub can_match: Option<Fact>,
    /// (Permits) every match here is forbidden.
    pub shadowed: Option<Fact>,
    /// (Permits) every match here is allowed by another permit.
    pub redundant: Option<Fact>,
}

/// Every answer of one environment.
#[derive(Debug, Clone, Default)]
pub struct EnvAnswers {
    /// Per policy id: never errors.
    pub never_errors: BTreeMap<String, Answer>,
    /// Per policy id.
    pub lint: BTreeMap<String, LintFacts>,
    /// Per invariant id, and whether the invariant can match here.
    pub invariants: BTreeMap<String, (Answer, bool)>,
}

/// `Principal, action, Resource`, in the namespace's short names.
pub fn label(env: &RequestEnv, namespace: &str) -> String {
    let prefix = format!("{namespace}::");
    let short = |s: String| s.strip_prefix(&prefix).map(str::to_string).unwrap_or(s);
    format!(
        "{}, {}, {}",
        short(env.principal().to_string()),
        env.action().id().unescaped(),
        short(env.resource().to_string())
    )
}

/// The words for a solver error: `unknown` is a time limit or an
/// undecided query, never a proof.
fn unknown(e: cedar_policy_symcc::err::Error) -> String {
    match e {
        cedar_policy_symcc::err::Error::SolverUnknown => {
            "the solver answered `unknown` (time limit reached or undecidable)".into()
        }
        other => format!("the query could not be run: {other}"),
    }
}

/// Answers every query of one environment.
pub fn run_env(
    regime: &Regime,
    invariants: &[Invariant],
    env: &RequestEnv,
    config: &SolverConfig,
) -> Result<EnvAnswers, String> {
    let mut session = Session::start(config)?;
    let schema = &regime.schema.cedar;
    let mut out = EnvAnswers::default();
    let policies: Vec<Policy> = regime.policies.set.policies().cloned().collect();
    let compiled: BTreeMap<String, Result<CompiledPolicy, String>> = policies
        .iter()
        .map(|p| {
            (
                p.id().to_string(),
                CompiledPolicy::compile(p, env, schema).map_err(unknown),
            )
        })
        .collect();
    let whole = CompiledPolicySet::compile(&regime.policies.set, env, schema).map_err(unknown);

    // Never errors, and whether each policy can match here.
    for p in &policies {
        let id = p.id().to_string();
        let facts = out.lint.entry(id.clone()).or_default();
        let answer = match &compiled[&id] {
            Err(e) => {
                facts.can_match = Some(Err(e.clone()));
                Answer::Unknown(e.clone())
            }
            Ok(cp) => {
                facts.can_match = Some(
                    session
                        .run(async |c| c.check_never_matches_opt(cp).await)
                        .map(|never| !never)
                        .map_err(unknown),
                );
                match session.run(async |c| c.check_never_errors_with_counterexample_opt(cp).await)
                {
                    Ok(None) => Answer::Holds,
                    Ok(Some(cx)) => Answer::Fails(
                        format!("policy `{id}` can raise an evaluation error, and then it does not apply"),
                        Some(confirm::counterexample(
                            regime,
                            &cx,
                            &Expectation::Errors(id.clone()),
                            &label(env, &regime.schema.namespace),
                        )),
                    ),
                    Err(e) => Answer::Unknown(unknown(e)),
                }
            }
        };
        out.never_errors.insert(id, answer);
    }

    // Shadowed and redundant permits.
    let matching = |effect: Effect, except: &str| -> Vec<Policy> {
        policies
            .iter()
            .filter(|p| p.effect() == effect && p.id().to_string() != except)
            .filter(|p| {
                matches!(
                    out.lint
                        .get(&p.id().to_string())
                        .and_then(|f| f.can_match.clone()),
                    Some(Ok(true)) | Some(Err(_))
                )
            })
            .cloned()
            .collect()
    };
    let mut facts_of: BTreeMap<String, (Option<Fact>, Option<Fact>)> = BTreeMap::new();
    for p in policies.iter().filter(|p| p.effect() == Effect::Permit) {
        let id = p.id().to_string();
        if !matches!(out.lint[&id].can_match, Some(Ok(true))) {
            continue;
        }
        let forbids = matching(Effect::Forbid, &id);
        let shadowed = if forbids.is_empty() {
            Ok(false)
        } else {
            set_of(std::iter::once(p.clone()).chain(forbids))
                .and_then(|set| CompiledPolicySet::compile(&set, env, schema).map_err(unknown))
                .and_then(|cs| {
                    session
                        .run(async |c| c.check_always_denies_opt(&cs).await)
                        .map_err(unknown)
                })
        };
        let others = matching(Effect::Permit, &id);
        let redundant = if others.is_empty() {
            Ok(false)
        } else {
            let this = compiled[&id]
                .clone()
                .map(CompiledPolicy::into_compiled_policyset);
            set_of(others)
                .and_then(|set| CompiledPolicySet::compile(&set, env, schema).map_err(unknown))
                .and_then(|others| {
                    let this = this?;
                    session
                        .run(async |c| c.check_implies_opt(&this, &others).await)
                        .map_err(unknown)
                })
        };
        facts_of.insert(id, (Some(shadowed), Some(redundant)));
    }
    for (id, (shadowed, redundant)) in facts_of {
        if let Some(f) = out.lint.get_mut(&id) {
            f.shadowed = shadowed;
            f.redundant = redundant;
        }
    }

    // The invariants.
    for inv in invariants {
        let answer = invariant(&mut session, regime, inv, env, whole.as_ref());
        out.invariants.insert(inv.id.clone(), answer);
    }
    Ok(out)
}

fn set_of(policies: impl IntoIterator<Item = Policy>) -> Result<PolicySet, String> {
    PolicySet::from_policies(policies).map_err(|e| format!("cannot build a policy set: {e}"))
}

fn invariant(
    session: &mut Session,
    regime: &Regime,
    inv: &Invariant,
    env: &RequestEnv,
    whole: Result<&CompiledPolicySet, &String>,
) -> (Answer, bool) {
    let schema = &regime.schema.cedar;
    let compiled = match CompiledPolicy::compile(&inv.policy, env, schema) {
        Ok(c) => c,
        Err(e) => return (Answer::Unknown(unknown(e)), false),
    };
    let whole = match whole {
        Ok(w) => w,
        Err(e) => return (Answer::Unknown(e.clone()), false),
    };
    match session.run(async |c| c.check_never_matches_opt(&compiled).await) {
        // Not about this environment: nothing to check here.
        Ok(true) => return (Answer::Holds, false),
        Ok(false) => {}
        Err(e) => return (Answer::Unknown(unknown(e)), false),
    }
    let inv_set = compiled.into_compiled_policyset();
    let result = match inv.kind {
        // Whatever the policies allow within the invariant's scope, the
        // invariant allows: P ⇒ (I ∨ outside the scope).
        Kind::Upper => {
            let widened = PolicySet::from_policies([inv.policy.clone(), inv.outside_scope.clone()])
                .map_err(|e| e.to_string())
                .and_then(|set| CompiledPolicySet::compile(&set, env, schema).map_err(unknown));
            match widened {
                Ok(widened) => session.run(async |c| {
                    c.check_implies_with_counterexample_opt(whole, &widened)
                        .await
                }),
                Err(e) => return (Answer::Unknown(e), true),
            }
        }
        Kind::Lower => session.run(async |c| {
            c.check_implies_with_counterexample_opt(&inv_set, whole)
                .await
        }),
        Kind::Never => session.run(async |c| {
            c.check_disjoint_with_counterexample_opt(whole, &inv_set)
                .await
        }),
    };
    let answer = match result {
        Ok(None) => Answer::Holds,
        Ok(Some(cx)) => failed(regime, inv, env, &cx),
        Err(e) => Answer::Unknown(unknown(e)),
    };
    (answer, true)
}

fn failed(regime: &Regime, inv: &Invariant, env: &RequestEnv, cx: &Env) -> Answer {
    let reason = match inv.kind {
        Kind::Upper => "the policies allow a request the invariant does not",
        Kind::Lower => "the invariant allows a request the policies deny",
        Kind::Never => "the policies allow a request the invariant says is never allowed",
    };
    let expectation = Expectation::Invariant(Box::new(inv.clone()));
    Answer::Fails(
        reason.to_string(),
        Some(confirm::counterexample(
            regime,
            cx,
            &expectation,
            &label(env, &regime.schema.namespace),
        )),
    )
}
