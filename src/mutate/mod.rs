//! Mutation testing: would the scenarios notice if a policy were wrong?
//!
//! Each mutant changes one legal condition — in a policy's syntax tree
//! ([`operators`]) or in a derived date ([`derive_ops`]) — and the regime's
//! scenarios are evaluated against it. A mutant is killed when a scenario
//! that passes on the original no longer does; a surviving mutant is a
//! condition no scenario tests, or an equivalent change. With a solver, each
//! surviving policy mutant is compared with the original for every request
//! ([`equivalence`]): proved equivalent, it is counted apart; otherwise the
//! solver's request becomes a scenario that kills it.
//!
//! Case files are lowered once and shared by every policy mutant; only the
//! few derive mutants lower their regime again (derived attributes are
//! computed while lowering). Mutants run in parallel; results come back in
//! the mutants' own order, so the output never depends on the thread count.

pub mod derive_ops;
pub mod equivalence;
pub mod model;
pub mod operators;
pub mod render;
pub mod sarif;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use cedar_policy::{Authorizer, Entities, PolicyId, PolicySet, ValidationMode, Validator};
use rayon::prelude::*;

use crate::derive::Derivations;
use crate::diagnostic::{Diag, Diagnostics};
use crate::discover::{discover, RegimeFiles};
use crate::evaluate::{run_with, Status};
use crate::filter::Selection;
use crate::load::{self, Regime};
use crate::lower::{lower_file, LoweredScenario, Refs};
use crate::policies::PolicyInfo;
use crate::scenario::ScenarioFile;
use crate::slice::PolicySlices;
use crate::source::{display_name, SourceFile};
use crate::verify::model::Counterexample;
use crate::verify::solver::{Session, SolverConfig};
use crate::{yaml, RunOptions};

use model::{
    Counts, GroupCounts, MutantResult, MutantStatus, MutationReport, Operator, RegimeMutations,
};
use operators::PolicyMutant;

/// The version of the JSON output.
pub const VERSION: u32 = 1;

/// What to mutate.
#[derive(Debug, Default, Clone)]
pub struct MutateOptions {
    /// `--regime` patterns.
    pub regimes: Vec<String>,
    /// `--requirement` patterns: only policies serving a matching
    /// requirement are mutated (and no derived dates).
    pub requirements: Vec<String>,
    /// The solver that tells equivalent mutants from survivors; none: not
    /// told apart.
    pub solver: Option<SolverConfig>,
}

/// Loads the project (with the same diagnostics as `check`), mutates the
/// selected regimes and evaluates every mutant.
pub fn run(root: &Path, options: &MutateOptions) -> Result<MutationReport, Vec<Diag>> {
    let resolved = RunOptions {
        regimes: options.regimes.clone(),
        requirements: options.requirements.clone(),
        ..RunOptions::default()
    }
    .resolve()?;
    let project = load::load(root, &resolved.load)?;
    let mut diags = Diagnostics::default();
    let found = discover(root, &mut diags);
    let regimes = project
        .regimes
        .iter()
        .map(|regime| {
            let files = found.iter().find(|f| f.name == regime.name);
            mutate_regime(
                root,
                regime,
                files,
                &resolved.selection,
                options.solver.as_ref(),
            )
        })
        .collect();
    Ok(MutationReport {
        version: VERSION,
        equivalence_checked: options.solver.is_some(),
        regimes,
    })
}

/// One mutant to run.
enum Job<'a> {
    Policy {
        id: PolicyId,
        info: &'a PolicyInfo,
        mutant: Box<PolicyMutant>,
    },
    Derive {
        mutant: derive_ops::DeriveMutant,
        file: &'a str,
    },
}

/// What a regime's mutants share.
struct Shared<'a> {
    root: &'a Path,
    regime: &'a Regime,
    authorizer: Authorizer,
    validator: Validator,
    slices: PolicySlices,
    /// The scenarios that pass on the original, with their fixtures.
    passing: Vec<(&'a LoweredScenario, &'a Entities)>,
    files: Option<&'a RegimeFiles>,
}

fn mutate_regime(
    root: &Path,
    regime: &Regime,
    files: Option<&RegimeFiles>,
    selection: &Selection,
    solver: Option<&SolverConfig>,
) -> RegimeMutations {
    let authorizer = Authorizer::new();
    let slices = PolicySlices::new(&regime.policies.set, &regime.schema.cedar);
    let all: Vec<(&LoweredScenario, &Entities)> = regime
        .files
        .iter()
        .flat_map(|f| f.scenarios.iter().map(move |s| (s, &f.fixtures)))
        .collect();
    let passing: Vec<(&LoweredScenario, &Entities)> = all
        .par_iter()
        .filter(|(s, fx)| {
            run_with(&authorizer, slices.for_request(&s.request), s, fx).status == Status::Pass
        })
        .copied()
        .collect();
    let shared = Shared {
        root,
        regime,
        authorizer,
        validator: Validator::new(regime.schema.cedar.clone()),
        slices,
        passing,
        files,
    };

    let mut order: Vec<&PolicyInfo> = regime
        .policies
        .info
        .values()
        .filter(|p| p.requirements.iter().any(|r| selection.requirement(r)))
        .collect();
    order.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let mut jobs = Vec::new();
    let mut duplicates = 0;
    for info in order {
        let id = PolicyId::new(&info.id);
        let Some(policy) = regime.policies.set.policy(&id) else {
            continue;
        };
        let Ok((mutants, dups)) = operators::mutants(policy) else {
            continue;
        };
        duplicates += dups;
        jobs.extend(mutants.into_iter().map(|mutant| Job::Policy {
            id: id.clone(),
            info,
            mutant: Box::new(mutant),
        }));
    }
    let derive_file = files
        .and_then(|f| f.derive.as_ref())
        .filter(|_| selection.requirements.is_empty() && regime.derivations.is_some())
        .and_then(|p| SourceFile::read(root, p).ok());
    if let Some(file) = &derive_file {
        jobs.extend(
            derive_ops::mutants(file)
                .into_iter()
                .map(|mutant| Job::Derive {
                    mutant,
                    file: &file.name,
                }),
        );
    }

    let ids = mutant_ids(&regime.name, &jobs);
    let mut outcomes: Vec<Fate> = jobs.par_iter().map(|job| shared.run(job)).collect();
    if let Some(config) = solver {
        shared.tell_equivalents(config, &jobs, &ids, &mut outcomes);
    }

    let mut mutants = Vec::new();
    for ((job, id), fate) in jobs.iter().zip(ids).zip(outcomes) {
        let (target, clause, requirements, file, line, m_op, before, after) = match job {
            Job::Policy { info, mutant, .. } => (
                info.id.clone(),
                info.clause.clone(),
                info.requirements.clone(),
                info.file.clone(),
                line_of(info, &mutant.before),
                mutant.operator,
                mutant.before.clone(),
                mutant.after.clone(),
            ),
            Job::Derive { mutant, file } => (
                format!("derive.yaml: {}", mutant.target),
                String::new(),
                Vec::new(),
                file.to_string(),
                mutant.line,
                mutant.operator,
                mutant.before.clone(),
                mutant.after.clone(),
            ),
        };
        mutants.push(MutantResult {
            id,
            target,
            clause,
            requirements,
            file,
            line,
            operator: m_op,
            before,
            after,
            status: fate.status,
            killed_by: fate.killed_by,
            reason: fate.reason,
            witness: fate.witness,
        });
    }

    let mut by_requirement: BTreeMap<&str, Vec<&MutantResult>> = BTreeMap::new();
    let mut by_policy: BTreeMap<&str, Vec<&MutantResult>> = BTreeMap::new();
    for m in &mutants {
        for r in &m.requirements {
            by_requirement.entry(r).or_default().push(m);
        }
        by_policy.entry(&m.target).or_default().push(m);
    }
    let groups = |map: BTreeMap<&str, Vec<&MutantResult>>| -> Vec<GroupCounts> {
        map.into_iter()
            .map(|(id, ms)| GroupCounts {
                id: id.to_string(),
                counts: Counts::of(ms),
            })
            .collect()
    };
    RegimeMutations {
        regime: regime.name.clone(),
        scenarios: shared.passing.len(),
        counts: Counts::of(&mutants),
        duplicates,
        requirements: groups(by_requirement),
        policies: groups(by_policy),
        mutants,
    }
}

/// The target of a job: the policy's `@id`, or `derive.yaml: <rule>`.
fn target_of(job: &Job<'_>) -> (String, Operator) {
    match job {
        Job::Policy { info, mutant, .. } => (info.id.clone(), mutant.operator),
        Job::Derive { mutant, .. } => (format!("derive.yaml: {}", mutant.target), mutant.operator),
    }
}

/// Stable ids, `regime/policy/operator/n`, n counting from 1 per policy and
/// operator in the jobs' order.
fn mutant_ids(regime: &str, jobs: &[Job<'_>]) -> Vec<String> {
    let mut positions: BTreeMap<(String, Operator), usize> = BTreeMap::new();
    jobs.iter()
        .map(|job| {
            let (target, op) = target_of(job);
            let n = positions.entry((target.clone(), op)).or_default();
            *n += 1;
            format!("{regime}/{}/{op}/{n}", target.replace(": ", "/"))
        })
        .collect()
}

/// The line of the mutated expression when the policy's source text holds
/// it as Cedar prints it, else the line of the policy's `@id`. (Cedar's
/// syntax tree has no source locations; this only places the report.)
fn line_of(info: &PolicyInfo, before: &str) -> usize {
    let lines_before = |at: usize| info.text[..at].matches('\n').count();
    let id_at = info.text.find("@id(").unwrap_or(0);
    let line_at = |at: usize| (info.line + lines_before(at)).saturating_sub(lines_before(id_at));
    match info.text.find(before) {
        Some(at) if !before.is_empty() => line_at(at),
        // A scope as Cedar prints it rarely matches the text: the line of
        // the effect keyword that opens the scope.
        _ if before.starts_with("permit") || before.starts_with("forbid") => info.text[id_at..]
            .match_indices(&before[..6])
            .map(|(at, _)| id_at + at)
            .find(|&at| at == 0 || info.text.as_bytes()[at - 1] == b'\n')
            .map_or(info.line, line_at),
        _ => info.line,
    }
}

/// What became of one mutant.
struct Fate {
    status: MutantStatus,
    killed_by: Option<String>,
    reason: Option<String>,
    witness: Option<Counterexample>,
}

impl Fate {
    fn of(status: MutantStatus) -> Self {
        Self {
            status,
            killed_by: None,
            reason: None,
            witness: None,
        }
    }

    fn killed(by: &str) -> Self {
        Self {
            killed_by: Some(by.to_string()),
            ..Self::of(MutantStatus::Killed)
        }
    }
}

impl Shared<'_> {
    fn run(&self, job: &Job<'_>) -> Fate {
        match job {
            Job::Policy { id, mutant, .. } => self.run_policy(id, mutant),
            Job::Derive { mutant, file } => self.run_derive(mutant, file),
        }
    }

    /// The regime's policy set with `mutant` in place of policy `id`, or
    /// why it cannot be built (the mutant is then invalid).
    fn mutant_set(&self, id: &PolicyId, mutant: &PolicyMutant) -> Result<PolicySet, String> {
        let replacement = mutant.policy.as_ref().map_err(Clone::clone)?;
        let mut set = self.regime.policies.set.clone();
        if set.remove_static(id.clone()).is_err() {
            return Err("the policy could not be replaced".to_string());
        }
        if let Some(p) = replacement {
            let alone = PolicySet::from_policies([p.clone()]).map_err(|e| e.to_string())?;
            let result = self.validator.validate(&alone, ValidationMode::Strict);
            if let Some(e) = result.validation_errors().next() {
                return Err(e.to_string());
            }
            set.add(p.clone()).map_err(|e| e.to_string())?;
        }
        Ok(set)
    }

    fn run_policy(&self, id: &PolicyId, mutant: &PolicyMutant) -> Fate {
        let set = match self.mutant_set(id, mutant) {
            Ok(set) => set,
            Err(why) => return invalid(why),
        };
        let slices = PolicySlices::new(&set, &self.regime.schema.cedar);
        for (s, fixtures) in &self.passing {
            let before = self.slices.for_request(&s.request);
            let after = slices.for_request(&s.request);
            if before.policy(id).is_none() && after.policy(id).is_none() {
                continue;
            }
            if run_with(&self.authorizer, after, s, fixtures).status != Status::Pass {
                return Fate::killed(&s.info.name);
            }
        }
        Fate::of(MutantStatus::Survived)
    }

    /// Asks the solver about every surviving policy mutant: equivalent ones
    /// change status; the others get the scenario that kills them, or the
    /// reason the solver could not decide.
    fn tell_equivalents(
        &self,
        config: &SolverConfig,
        jobs: &[Job<'_>],
        ids: &[String],
        outcomes: &mut [Fate],
    ) {
        let environments = equivalence::Environments::of(self.regime);
        let survivors: Vec<(usize, &PolicyId, &PolicyInfo, &PolicyMutant)> = jobs
            .iter()
            .enumerate()
            .filter(|(i, _)| outcomes[*i].status == MutantStatus::Survived)
            .filter_map(|(i, job)| match job {
                Job::Policy { id, info, mutant } => Some((i, id, *info, mutant.as_ref())),
                Job::Derive { .. } => None,
            })
            .collect();
        let verdicts: Vec<(usize, equivalence::Verdict)> = survivors
            .par_iter()
            .map_init(
                || Session::start(config),
                |session, &(i, id, info, mutant)| {
                    let verdict = match (session, self.regime.policies.set.policy(id)) {
                        (Err(e), _) => equivalence::Verdict::Unknown(e.clone()),
                        (Ok(_), None) => {
                            equivalence::Verdict::Unknown("the policy is gone".to_string())
                        }
                        (Ok(session), Some(original)) => match self.mutant_set(id, mutant) {
                            Err(why) => equivalence::Verdict::Unknown(why),
                            Ok(set) => equivalence::judge(
                                session,
                                self.regime,
                                &environments,
                                &equivalence::Candidate {
                                    id: &ids[i],
                                    requirements: &info.requirements,
                                    original,
                                    changed: mutant.policy.as_ref().ok().and_then(Option::as_ref),
                                    policies: &set,
                                },
                            ),
                        },
                    };
                    (i, verdict)
                },
            )
            .collect();
        for (i, verdict) in verdicts {
            let fate = &mut outcomes[i];
            match verdict {
                equivalence::Verdict::Equivalent => fate.status = MutantStatus::Equivalent,
                equivalence::Verdict::Differs(cx) => fate.witness = Some(*cx),
                equivalence::Verdict::Unknown(why) => {
                    fate.reason = Some(format!("not compared with the solver: {why}"))
                }
            }
        }
    }

    fn run_derive(&self, mutant: &derive_ops::DeriveMutant, file: &str) -> Fate {
        let regime = self.regime;
        let mut diags = Diagnostics::default();
        let source = SourceFile::from_text(file, mutant.text.as_str());
        let Some(derivations) = Derivations::load(&source, &regime.schema, &mut diags) else {
            return invalid(first_message(diags));
        };
        let refs = Refs {
            catalogue: Some(&regime.catalogue),
            policies: &regime.policies,
            derivations: Some(&derivations),
            as_of: None,
        };
        let passing: BTreeSet<(&str, &str)> = self
            .passing
            .iter()
            .map(|(s, _)| (s.info.file.as_str(), s.info.name.as_str()))
            .collect();
        let paths = self.files.map(|f| f.scenarios.as_slice()).unwrap_or(&[]);
        for path in paths {
            let Ok(file) = SourceFile::read(self.root, path) else {
                return invalid(format!(
                    "{} could not be read",
                    display_name(self.root, path)
                ));
            };
            let Ok((parsed, index)) = yaml::parse::<ScenarioFile>(&file) else {
                return invalid(format!("{} could not be parsed", file.name));
            };
            let lowered = lower_file(&regime.schema, &file, &parsed, &index, &refs, &mut diags);
            if !diags.is_empty() {
                return invalid(first_message(diags));
            }
            let Some(lowered) = lowered else { continue };
            for s in &lowered.scenarios {
                if !passing.contains(&(s.info.file.as_str(), s.info.name.as_str())) {
                    continue;
                }
                let policies = self.slices.for_request(&s.request);
                if run_with(&self.authorizer, policies, s, &lowered.fixtures).status != Status::Pass
                {
                    return Fate::killed(&s.info.name);
                }
            }
        }
        Fate::of(MutantStatus::Survived)
    }
}

fn invalid(reason: String) -> Fate {
    Fate {
        reason: Some(reason),
        ..Fate::of(MutantStatus::Invalid)
    }
}

fn first_message(diags: Diagnostics) -> String {
    diags
        .into_sorted()
        .into_iter()
        .next()
        .map(|d| d.message)
        .unwrap_or_else(|| "the derived dates could not be loaded".to_string())
}
