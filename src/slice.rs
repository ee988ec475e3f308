//! Policy slices: for each request, only the policies whose scope can match
//! its action and resource.
//!
//! Cedar evaluates every policy of the set it is given, and a policy whose
//! scope does not match the request is simply not satisfied: its scope is
//! tested before its conditions, and a scope test never raises an error. So a
//! slice that leaves out only such policies gives the same decision, the same
//! deciding policies and the same errors as the whole set, for a fraction of
//! the work. Slices are cut once per regime, by action (following the
//! schema's action groups for `action in [...]`) and, for policies written
//! `resource == ...`, by resource.

use std::collections::{HashMap, HashSet};

use cedar_policy::{
    ActionConstraint, EntityUid, Policy, PolicySet, Request, ResourceConstraint, Schema,
};

/// The slices of one regime's policy set.
#[derive(Debug)]
pub struct PolicySlices {
    by_action: HashMap<EntityUid, ActionSlice>,
    all: PolicySet,
}

/// The policies that can match one action.
#[derive(Debug)]
struct ActionSlice {
    /// Those that do not pin the resource with `resource ==`.
    any_resource: PolicySet,
    /// For each pinned resource: `any_resource` plus the policies pinning it.
    by_resource: HashMap<EntityUid, PolicySet>,
}

impl PolicySlices {
    /// Cuts `set` by every action of `schema`.
    pub fn new(set: &PolicySet, schema: &Schema) -> Self {
        let groups = schema.action_entities().ok();
        let mut by_action = HashMap::new();
        for action in schema.actions() {
            let ancestors: HashSet<&EntityUid> = groups
                .as_ref()
                .and_then(|g| g.ancestors(action))
                .map(Iterator::collect)
                .unwrap_or_default();
            let matching: Vec<&Policy> = set
                .policies()
                .filter(|p| match p.action_constraint() {
                    ActionConstraint::Any => true,
                    ActionConstraint::Eq(a) => &a == action,
                    ActionConstraint::In(list) => {
                        list.iter().any(|g| g == action || ancestors.contains(g))
                    }
                })
                .collect();
            let mut general = Vec::new();
            let mut pinned: HashMap<EntityUid, Vec<&Policy>> = HashMap::new();
            for p in matching {
                match p.resource_constraint() {
                    ResourceConstraint::Eq(r) => pinned.entry(r).or_default().push(p),
                    _ => general.push(p),
                }
            }
            let by_resource = pinned
                .into_iter()
                .map(|(r, ps)| (r, build(general.iter().chain(&ps).copied())))
                .collect();
            by_action.insert(
                action.clone(),
                ActionSlice {
                    any_resource: build(general.iter().copied()),
                    by_resource,
                },
            );
        }
        Self {
            by_action,
            all: set.clone(),
        }
    }

    /// The policies that can match `request` (the whole set for an action
    /// the schema does not declare, which validation rules out anyway).
    pub fn for_request(&self, request: &Request) -> &PolicySet {
        let Some(slice) = request.action().and_then(|a| self.by_action.get(a)) else {
            return &self.all;
        };
        request
            .resource()
            .and_then(|r| slice.by_resource.get(r))
            .unwrap_or(&slice.any_resource)
    }
}

fn build<'a>(policies: impl Iterator<Item = &'a Policy>) -> PolicySet {
    PolicySet::from_policies(policies.cloned()).expect("policy ids are unique within a regime")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"namespace Demo {
        entity Person; entity Doc;
        action all; action read in [all] appliesTo { principal: [Person], resource: [Doc] };
        action write appliesTo { principal: [Person], resource: [Doc] };
    }"#;

    fn ids(set: &PolicySet) -> Vec<String> {
        let mut v: Vec<String> = set.policies().map(|p| p.id().to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn slices_follow_action_groups_and_pinned_resources() {
        let (schema, _) = Schema::from_cedarschema_str(SCHEMA).unwrap();
        let set: PolicySet = r#"
            permit(principal, action, resource);
            permit(principal, action == Demo::Action::"read", resource);
            permit(principal, action in [Demo::Action::"all"], resource == Demo::Doc::"a");
            forbid(principal, action == Demo::Action::"write", resource);
        "#
        .parse()
        .unwrap();
        let slices = PolicySlices::new(&set, &schema);
        let request = |action: &str, doc: &str| {
            Request::new(
                r#"Demo::Person::"p""#.parse().unwrap(),
                format!(r#"Demo::Action::"{action}""#).parse().unwrap(),
                format!(r#"Demo::Doc::"{doc}""#).parse().unwrap(),
                cedar_policy::Context::empty(),
                None,
            )
            .unwrap()
        };
        assert_eq!(
            ids(slices.for_request(&request("read", "a"))),
            ["policy0", "policy1", "policy2"]
        );
        assert_eq!(
            ids(slices.for_request(&request("read", "b"))),
            ["policy0", "policy1"]
        );
        assert_eq!(
            ids(slices.for_request(&request("write", "a"))),
            ["policy0", "policy3"]
        );
    }
}
