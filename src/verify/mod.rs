//! `lexgate verify`: properties proved for every request, not just for the
//! scenarios someone thought of.
//!
//! Scenarios test the policies at points; the symbolic compiler
//! (cedar-policy-symcc) turns the policies into SMT formulas that cvc5
//! decides for *every* well-typed request of each request environment of
//! the schema. Three things are checked: no policy can raise an evaluation
//! error (one that can silently stops applying), lint (policies that can
//! never match, permits always overruled by a forbid, redundant or
//! duplicate policies), and the regime's legal invariants
//! (`policies/<regime>/invariants.cedar`). Every counterexample is written
//! as a case and re-run through Cedar's concrete authorizer before it is
//! reported: the solver is a second opinion on the policies, never the only
//! one.

pub mod cases;
pub mod confirm;
pub mod diff;
pub mod engine;
pub mod invariants;
pub mod lint;
pub mod model;
pub mod render;
pub mod solver;

use std::collections::BTreeMap;

use cedar_policy::RequestEnv;
use rayon::prelude::*;

use crate::diagnostic::{Diag, Diagnostics};
use crate::filter::Matcher;
use crate::load::{self, LoadOptions, Regime};
use crate::source::SourceFile;
use engine::{Answer, EnvAnswers};
use invariants::Invariant;
use model::{Check, Outcome, Property, RegimeResult, VerifyReport};
use solver::SolverConfig;

/// The stack of each verifying thread.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// What `verify` takes.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Only the regimes matching one of these (all when empty).
    pub regimes: Vec<Matcher>,
    /// The solver and its time limit per query.
    pub solver: SolverConfig,
}

/// One regime's request environments, in a stable order.
struct Work<'a> {
    regime: &'a Regime,
    invariants: Vec<Invariant>,
    envs: Vec<(String, RequestEnv)>,
}

/// Loads the project and its invariants, then proves what can be proved.
/// Input problems come back as diagnostics, all at once.
pub fn verify(root: &std::path::Path, options: &VerifyOptions) -> Result<VerifyReport, Vec<Diag>> {
    let project = load::load(
        root,
        &LoadOptions {
            regimes: options.regimes.clone(),
            as_of: None,
        },
    )?;
    let mut diags = Diagnostics::default();
    let mut work = Vec::new();
    for regime in &project.regimes {
        let path = root
            .join("policies")
            .join(&regime.name)
            .join(invariants::FILE_NAME);
        let invariants = if path.is_file() {
            match SourceFile::read(root, &path) {
                Ok(file) => invariants::load(&file, &regime.schema, &regime.catalogue, &mut diags),
                Err(d) => {
                    diags.push(*d);
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        let mut envs: Vec<(String, RequestEnv)> = regime
            .schema
            .cedar
            .request_envs()
            .map(|e| (engine::label(&e, &regime.schema.namespace), e))
            .collect();
        envs.sort_by(|a, b| a.0.cmp(&b.0));
        work.push(Work {
            regime,
            invariants,
            envs,
        });
    }
    if !diags.is_empty() {
        return Err(diags.into_sorted());
    }
    let jobs: Vec<(usize, usize)> = work
        .iter()
        .enumerate()
        .flat_map(|(w, item)| (0..item.envs.len()).map(move |e| (w, e)))
        .collect();
    // The symbolic compiler recurses deeply on large policies: its threads
    // get a large stack.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(rayon::current_num_threads())
        .stack_size(STACK_SIZE)
        .build()
        .map_err(|e| {
            vec![Diag::new(
                crate::diagnostic::Code::Usage,
                format!("cannot start threads: {e}"),
            )]
        })?;
    let answers: Vec<Result<EnvAnswers, String>> = pool.install(|| {
        jobs.par_iter()
            .map(|&(w, e)| {
                let item = &work[w];
                engine::run_env(
                    item.regime,
                    &item.invariants,
                    &item.envs[e].1,
                    &options.solver,
                )
            })
            .collect()
    });
    let mut per_regime: Vec<Vec<(&str, &Result<EnvAnswers, String>)>> =
        work.iter().map(|_| Vec::new()).collect();
    for (&(w, e), a) in jobs.iter().zip(&answers) {
        per_regime[w].push((work[w].envs[e].0.as_str(), a));
    }
    let regimes = pool.install(|| {
        work.iter()
            .zip(&per_regime)
            .map(|(item, answers)| regime_result(item, answers, &options.solver))
            .collect()
    });
    Ok(VerifyReport {
        format: "lexgate-verify",
        version: 1,
        regimes,
    })
}

fn regime_result(
    item: &Work<'_>,
    answers: &[(&str, &Result<EnvAnswers, String>)],
    config: &SolverConfig,
) -> RegimeResult {
    let regime = item.regime;
    let never_errors = regime
        .policies
        .info
        .values()
        .map(|info| Check {
            property: Property::NeverErrors,
            id: info.id.clone(),
            clause: info.clause.clone(),
            requirements: info.requirements.clone(),
            kind: None,
            summary: String::new(),
            file: info.file.clone(),
            line: info.line,
            outcome: aggregate(answers, |a| a.never_errors.get(&info.id).cloned()),
        })
        .collect();
    let invariants: Vec<Check> = item
        .invariants
        .iter()
        .map(|inv| {
            let applies = answers.iter().any(|(_, a)| {
                a.as_ref()
                    .is_ok_and(|a| a.invariants.get(&inv.id).is_some_and(|(_, m)| *m))
            });
            let undecided = answers.iter().any(|(_, a)| {
                a.as_ref().map_or(true, |a| {
                    a.invariants
                        .get(&inv.id)
                        .is_some_and(|(ans, _)| matches!(ans, Answer::Unknown(_)))
                })
            });
            let outcome = if !applies && !undecided {
                Outcome::Failed {
                    environment: "every environment".into(),
                    reason: "the invariant matches no request at all: it proves nothing".into(),
                    counterexample: None,
                }
            } else {
                aggregate(answers, |a| {
                    a.invariants.get(&inv.id).map(|(ans, _)| ans.clone())
                })
            };
            Check {
                property: Property::Invariant,
                id: inv.id.clone(),
                clause: inv.clause.clone(),
                requirements: inv.requirements.clone(),
                kind: Some(inv.kind),
                summary: inv.summary.clone(),
                file: inv.file.clone(),
                line: inv.line,
                outcome,
            }
        })
        .collect();
    let mut proved: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in &invariants {
        if matches!(c.outcome, Outcome::Proved) {
            for r in &c.requirements {
                proved.entry(r.clone()).or_default().push(c.id.clone());
            }
        }
    }
    let (lint, lint_unknown) = lint::findings(regime, answers, config);
    RegimeResult {
        regime: regime.name.clone(),
        environments: answers.len(),
        never_errors,
        invariants,
        lint,
        lint_unknown,
        proved,
    }
}

/// One property over every environment, in schema order: the first failure
/// wins, then the first unknown; proved only when every environment proves it.
fn aggregate(
    answers: &[(&str, &Result<EnvAnswers, String>)],
    pick: impl Fn(&EnvAnswers) -> Option<Answer>,
) -> Outcome {
    let mut unknown = None;
    for (env, a) in answers {
        match a {
            Err(why) => {
                unknown.get_or_insert_with(|| (env.to_string(), why.clone()));
            }
            Ok(a) => match pick(a) {
                Some(Answer::Fails(reason, counterexample)) => {
                    return Outcome::Failed {
                        environment: env.to_string(),
                        reason,
                        counterexample,
                    }
                }
                Some(Answer::Unknown(why)) => {
                    unknown.get_or_insert_with(|| (env.to_string(), why));
                }
                Some(Answer::Holds) | None => {}
            },
        }
    }
    match unknown {
        Some((environment, reason)) => Outcome::Unknown {
            environment,
            reason,
        },
        None => Outcome::Proved,
    }
}
