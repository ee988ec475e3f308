//! Re-running a counterexample through Cedar's concrete authorizer before
//! it is reported.
//!
//! The scenario is lowered exactly as a case file would be — so derived
//! dates are recomputed from their sources — and authorized. When that
//! reproduces the failure, the counterexample is *confirmed*. When only the
//! solver's own request reproduces it, the difference lies in derived
//! attributes, which the solver treats as free: the counterexample *needs
//! review*, with the attributes that differ. When neither does, it is a
//! fault of the verifier, never a legal finding.

use std::collections::BTreeMap;

use cedar_policy::{Authorizer, Decision, Entities, PolicySet, Request};
use cedar_policy_symcc::Env;
use serde_json::Value as Json;

use super::cases::{scenario_yaml, ScenarioMeta};
use super::invariants::{Invariant, Kind};
use super::model::{Confirmation, Counterexample};
use crate::load::Regime;

/// What a counterexample must show.
#[derive(Debug, Clone)]
pub enum Expectation {
    /// This policy raises an evaluation error.
    Errors(String),
    /// This invariant is broken.
    Invariant(Box<Invariant>),
    /// A mutant decides otherwise than the regime's policies.
    Mutant {
        /// The mutant's id.
        id: String,
        /// The requirements of the mutated policy.
        requirements: Vec<String>,
        /// The regime's policy set with the mutant in place of the original.
        policies: Box<PolicySet>,
        /// True when the original allows the request (and the mutant denies it).
        original_allows: bool,
    },
}

impl Expectation {
    /// `Ok` when the request and entities show it; `Err` says what happened instead.
    fn shown_by(
        &self,
        regime: &Regime,
        request: &Request,
        entities: &Entities,
    ) -> Result<(), String> {
        let authorizer = Authorizer::new();
        let policies = authorizer.is_authorized(request, &regime.policies.set, entities);
        match self {
            Expectation::Errors(id) => {
                if policies.diagnostics().errors().any(|e| match e {
                    cedar_policy::AuthorizationError::PolicyEvaluationError(e) => {
                        e.policy_id().to_string() == *id
                    }
                }) {
                    Ok(())
                } else {
                    Err(format!("policy `{id}` evaluates without error"))
                }
            }
            Expectation::Invariant(inv) => {
                let set = PolicySet::from_policies([inv.policy.clone()])
                    .map_err(|e| format!("cannot build the invariant's policy set: {e}"))?;
                let alone = authorizer.is_authorized(request, &set, entities);
                let (p, i) = (policies.decision(), alone.decision());
                let shown = match inv.kind {
                    Kind::Upper => p == Decision::Allow && i == Decision::Deny,
                    Kind::Lower => p == Decision::Deny && i == Decision::Allow,
                    Kind::Never => p == Decision::Allow && i == Decision::Allow,
                };
                if shown {
                    Ok(())
                } else {
                    Err(format!(
                        "Cedar's authorizer says {} for the policies and {} for the invariant",
                        word(p),
                        word(i)
                    ))
                }
            }
            Expectation::Mutant {
                policies: mutant,
                original_allows,
                ..
            } => {
                let m = authorizer
                    .is_authorized(request, mutant, entities)
                    .decision();
                let p = policies.decision();
                let expected = if *original_allows {
                    Decision::Allow
                } else {
                    Decision::Deny
                };
                if p == expected && m != expected {
                    Ok(())
                } else {
                    Err(format!(
                        "Cedar's authorizer says {} for the policies and {} for the mutant",
                        word(p),
                        word(m)
                    ))
                }
            }
        }
    }

    fn meta(&self) -> (String, Vec<String>, &'static str, String) {
        match self {
            Expectation::Errors(id) => (
                id.clone(),
                Vec::new(),
                "deny",
                format!(
                    "policy `{id}` raises an evaluation error here (lexgate check fails on any)"
                ),
            ),
            Expectation::Invariant(inv) => (
                inv.id.clone(),
                inv.requirements.clone(),
                match inv.kind {
                    Kind::Lower => "allow",
                    Kind::Upper | Kind::Never => "deny",
                },
                format!("invariant `{}` ({}): {}", inv.id, inv.clause, inv.summary),
            ),
            Expectation::Mutant {
                id,
                requirements,
                original_allows,
                ..
            } => (
                id.clone(),
                requirements.clone(),
                if *original_allows { "allow" } else { "deny" },
                format!(
                    "tells mutant {id} from the policies; `expect` is what the policies decide today: check it against the source before pasting"
                ),
            ),
        }
    }
}

fn word(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allow",
        Decision::Deny => "deny",
    }
}

/// Writes the counterexample as a case and confirms it.
pub fn counterexample(
    regime: &Regime,
    cx: &Env,
    expectation: &Expectation,
    environment: &str,
) -> Counterexample {
    let (subject, mut requirements, expect, comment) = expectation.meta();
    if requirements.is_empty() {
        requirements = regime
            .policies
            .info
            .get(&subject)
            .map(|i| i.requirements.clone())
            .unwrap_or_default();
    }
    let name = match expectation {
        Expectation::Mutant { .. } => format!("mutate: kills {subject} ({environment})"),
        _ => format!("verify: {subject} fails ({environment})"),
    };
    let meta = ScenarioMeta {
        name: &name,
        requirements: &requirements,
        expect,
        comment: &comment,
    };
    let case = match scenario_yaml(
        &regime.schema,
        regime.derivations.as_ref(),
        &cx.request,
        &cx.entities,
        &meta,
    ) {
        Ok(c) => c,
        Err(why) => {
            return Counterexample {
                yaml: String::new(),
                confirmation: Confirmation::VerifierFault(format!(
                    "the counterexample cannot be written as a case: {why}"
                )),
            }
        }
    };
    let yaml = case.yaml;
    let raw = expectation.shown_by(regime, &cx.request, &cx.entities);
    let lowered = regime
        .lower_text("counterexample.yaml", &format!("scenarios:\n{yaml}"), None)
        .map_err(|diags| {
            diags
                .iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        });
    let as_case = lowered.and_then(|file| {
        let sc = file
            .scenarios
            .first()
            .ok_or_else(|| "the case has no scenario".to_string())?;
        let entities = sc.entities(&file.fixtures)?;
        expectation
            .shown_by(regime, &sc.request, &entities)
            .map_err(|why| derived_difference(regime, &cx.entities, &entities, &case.ids, why))
    });
    let confirmation = match (as_case, raw) {
        (Ok(_), _) => Confirmation::Confirmed,
        (Err(why), Ok(())) => Confirmation::NeedsReview(why),
        (Err(case), Err(raw)) => Confirmation::VerifierFault(format!(
            "Cedar's authorizer does not reproduce it: {raw}; as a case: {case}"
        )),
    };
    Counterexample { yaml, confirmation }
}

/// Why the case and the solver's request differ: the derived attributes
/// whose values the calendar computes otherwise.
fn derived_difference(
    regime: &Regime,
    solver: &Entities,
    case: &Entities,
    ids: &BTreeMap<(String, String), String>,
    why: String,
) -> String {
    let Some(derivations) = regime.derivations.as_ref() else {
        return why;
    };
    let prefix = format!("{}::", regime.schema.namespace);
    let by_uid = |e: &Entities| -> Vec<(String, String, Json)> {
        e.to_json_value()
            .ok()
            .and_then(|j| j.as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                let ty = e["uid"]["type"].as_str().unwrap_or("");
                let short = ty.strip_prefix(&prefix).unwrap_or(ty).to_string();
                let id = e["uid"]["id"].as_str().unwrap_or("").to_string();
                (short, id, e)
            })
            .collect()
    };
    let case_entities = by_uid(case);
    let mut differences = Vec::new();
    for (short, raw_id, e) in by_uid(solver) {
        let id = ids
            .get(&(short.clone(), raw_id.clone()))
            .cloned()
            .unwrap_or(raw_id);
        let short = short.as_str();
        let other = case_entities
            .iter()
            .find(|(t, i, _)| t == short && *i == id)
            .map(|(_, _, e)| e);
        for rule in derivations.rules_for(short) {
            let mine = &e["attrs"][&rule.attribute];
            let theirs = other
                .map(|o| &o["attrs"][&rule.attribute])
                .unwrap_or(&Json::Null);
            if mine != theirs {
                differences.push(format!(
                    "{short}::{id}.{} is {} for the solver but {} by the calendar",
                    rule.attribute,
                    show(mine),
                    show(theirs)
                ));
            }
        }
    }
    if differences.is_empty() {
        why
    } else {
        format!(
            "it relies on derived dates the calendar would not produce ({}); as a case: {why}",
            differences.join("; ")
        )
    }
}

fn show(json: &Json) -> String {
    if json.is_null() {
        "absent".into()
    } else {
        super::cases::value_text(json)
    }
}
