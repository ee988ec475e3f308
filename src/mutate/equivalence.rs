//! Telling equivalent mutants from untested conditions with the solver.
//!
//! A mutant that no scenario kills either decides some request otherwise
//! than the original — a condition the scenarios leave untested — or decides
//! every request as the original does: an *equivalent* mutant, which no
//! scenario can kill. For each survivor, and for each request environment of
//! the schema where the original or the mutated policy can match, cvc5 is
//! asked both ways whether one policy set's allowed requests are contained
//! in the other's. Equivalent in every environment: the mutant is counted as
//! equivalent. Otherwise the solver's request is written as a scenario that
//! kills the mutant, confirmed by Cedar's authorizer (see
//! [`crate::verify::confirm`]).
//!
//! Derived dates are free values to the solver, so a proof of equivalence
//! holds a fortiori for the dates the calendar computes; a witness that
//! relies on a date the calendar would not produce is marked *needs review*.

use std::collections::HashSet;

use cedar_policy::{
    ActionConstraint, Entities, EntityTypeName, EntityUid, Policy, PolicySet, PrincipalConstraint,
    RequestEnv, ResourceConstraint,
};
use cedar_policy_symcc::CompiledPolicySet;

use crate::load::Regime;
use crate::verify::confirm::{counterexample, Expectation};
use crate::verify::engine::label;
use crate::verify::model::Counterexample;
use crate::verify::solver::Session;

/// What the solver says about one surviving mutant.
pub enum Verdict {
    /// Every request is decided as by the original.
    Equivalent,
    /// A request decided otherwise, as a scenario.
    Differs(Box<Counterexample>),
    /// The solver could not decide (time limit, unsupported feature).
    Unknown(String),
}

/// A regime's request environments, with what scope matching needs.
pub struct Environments {
    envs: Vec<Environment>,
}

struct Environment {
    label: String,
    env: RequestEnv,
    /// The action and the action groups it belongs to.
    actions: HashSet<EntityUid>,
}

impl Environments {
    /// The environments of `regime`'s schema, in label order.
    pub fn of(regime: &Regime) -> Self {
        let schema = &regime.schema.cedar;
        let groups = schema.action_entities().ok();
        let mut envs: Vec<Environment> = schema
            .request_envs()
            .map(|env| environment(env, groups.as_ref(), &regime.schema.namespace))
            .collect();
        envs.sort_by(|a, b| a.label.cmp(&b.label));
        Self { envs }
    }
}

fn environment(env: RequestEnv, groups: Option<&Entities>, namespace: &str) -> Environment {
    let mut actions: HashSet<EntityUid> = groups
        .and_then(|g| g.ancestors(env.action()))
        .map(|a| a.cloned().collect())
        .unwrap_or_default();
    actions.insert(env.action().clone());
    Environment {
        label: label(&env, namespace),
        env,
        actions,
    }
}

/// The policies of `set` whose scope can match requests of `env`.
fn in_scope(set: &PolicySet, env: &Environment) -> Result<PolicySet, String> {
    PolicySet::from_policies(set.policies().filter(|p| may_match(p, env)).cloned())
        .map_err(|e| format!("cannot build a policy set: {e}"))
}

/// Whether `policy`'s scope can match a request of `env` (conservatively:
/// `principal in` and `resource in` an entity match every type, because any
/// type may be a member of it).
fn may_match(policy: &Policy, env: &Environment) -> bool {
    let action = match policy.action_constraint() {
        ActionConstraint::Any => true,
        ActionConstraint::Eq(a) => a == *env.env.action(),
        ActionConstraint::In(list) => list.iter().any(|a| env.actions.contains(a)),
    };
    let typed =
        |ty: Option<EntityTypeName>, wanted: &EntityTypeName| ty.is_none_or(|t| &t == wanted);
    let principal = match policy.principal_constraint() {
        PrincipalConstraint::Any | PrincipalConstraint::In(_) => None,
        PrincipalConstraint::Eq(uid) => Some(uid.type_name().clone()),
        PrincipalConstraint::Is(ty) | PrincipalConstraint::IsIn(ty, _) => Some(ty),
    };
    let resource = match policy.resource_constraint() {
        ResourceConstraint::Any | ResourceConstraint::In(_) => None,
        ResourceConstraint::Eq(uid) => Some(uid.type_name().clone()),
        ResourceConstraint::Is(ty) | ResourceConstraint::IsIn(ty, _) => Some(ty),
    };
    action && typed(principal, env.env.principal()) && typed(resource, env.env.resource())
}

/// One surviving policy mutant.
pub struct Candidate<'a> {
    /// The mutant's id.
    pub id: &'a str,
    /// The requirements of the mutated policy.
    pub requirements: &'a [String],
    /// The policy as written.
    pub original: &'a Policy,
    /// The policy as mutated (none when the mutant removes it).
    pub changed: Option<&'a Policy>,
    /// The regime's policy set with the mutant in place of the original.
    pub policies: &'a PolicySet,
}

/// Compares the candidate's policy set with the regime's own policies.
pub fn judge(
    session: &mut Session,
    regime: &Regime,
    environments: &Environments,
    candidate: &Candidate<'_>,
) -> Verdict {
    let schema = &regime.schema.cedar;
    let Candidate {
        id,
        requirements,
        original,
        changed,
        policies: mutant,
    } = candidate;
    for env in &environments.envs {
        if !may_match(original, env) && !changed.is_some_and(|c| may_match(c, env)) {
            continue;
        }
        let compiled = |set: &PolicySet| {
            in_scope(set, env).and_then(|s| {
                CompiledPolicySet::compile(&s, &env.env, schema)
                    .map_err(|e| format!("the policies cannot be compiled: {e}"))
            })
        };
        let (o, m) = match (compiled(&regime.policies.set), compiled(mutant)) {
            (Ok(o), Ok(m)) => (o, m),
            (Err(e), _) | (_, Err(e)) => return Verdict::Unknown(e),
        };
        for original_allows in [false, true] {
            let (wider, narrower) = if original_allows { (&o, &m) } else { (&m, &o) };
            let answer = session.run(async |c| {
                c.check_implies_with_counterexample_opt(wider, narrower)
                    .await
            });
            match answer {
                Ok(None) => {}
                Ok(Some(cx)) => {
                    let expectation = Expectation::Mutant {
                        id: id.to_string(),
                        requirements: requirements.to_vec(),
                        policies: Box::new((*mutant).clone()),
                        original_allows,
                    };
                    return Verdict::Differs(Box::new(counterexample(
                        regime,
                        &cx,
                        &expectation,
                        &env.label,
                    )));
                }
                Err(e) => {
                    return Verdict::Unknown(format!(
                        "the solver could not decide ({}): {e}",
                        env.label
                    ))
                }
            }
        }
    }
    Verdict::Equivalent
}

#[cfg(test)]
mod tests {
    use super::*;
    use cedar_policy::Schema;

    const SCHEMA: &str = r#"namespace Demo {
        entity Group; entity Person in [Group]; entity Doc; entity Note;
        action all; action read in [all] appliesTo { principal: [Person], resource: [Doc, Note] };
        action write appliesTo { principal: [Person], resource: [Doc] };
    }"#;

    /// The environments `text`'s policy may match, as labels.
    fn matched(text: &str) -> Vec<String> {
        let (schema, _) = Schema::from_cedarschema_str(SCHEMA).unwrap();
        let groups = schema.action_entities().unwrap();
        let policy: Policy = text.parse().unwrap();
        let mut labels: Vec<String> = schema
            .request_envs()
            .map(|env| environment(env, Some(&groups), "Demo"))
            .filter(|e| may_match(&policy, e))
            .map(|e| e.label)
            .collect();
        labels.sort();
        labels
    }

    #[test]
    fn scopes_match_their_environments_and_action_groups() {
        assert_eq!(
            matched(r#"permit(principal, action == Demo::Action::"write", resource);"#),
            ["Person, write, Doc"]
        );
        assert_eq!(
            matched(
                r#"permit(principal, action in [Demo::Action::"all"], resource is Demo::Note);"#
            ),
            ["Person, read, Note"]
        );
        assert_eq!(
            matched(r#"forbid(principal, action, resource == Demo::Doc::"d");"#),
            ["Person, read, Doc", "Person, write, Doc"]
        );
    }

    #[test]
    fn membership_in_an_entity_matches_every_type() {
        assert_eq!(
            matched(r#"permit(principal in Demo::Group::"g", action, resource);"#).len(),
            3
        );
    }
}
