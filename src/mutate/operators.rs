//! Mutation operators on Cedar's own syntax tree: each policy is turned into
//! its EST (`Policy::to_json`), one node of the JSON tree is changed, and the
//! result is read back with `Policy::from_json`. Nothing here looks at policy
//! text, so a mutant is always a well-formed change of one legal condition.

use cedar_policy::{Policy, PolicyId};
use serde_json::{json, Map, Value};

use super::model::Operator;

/// One change of one policy, before it is validated and evaluated.
#[derive(Debug, Clone)]
pub struct PolicyMutant {
    /// The operator that made it.
    pub operator: Operator,
    /// The changed part, as Cedar, before the change.
    pub before: String,
    /// The changed part, as Cedar, after the change.
    pub after: String,
    /// The mutated policy (`None` when the policy is removed), or why Cedar
    /// could not read the mutated tree back.
    pub policy: Result<Option<Policy>, String>,
}

/// The EST node keys whose values are sub-expressions.
const CHILD_KEYS: &[&str] = &["left", "right", "arg", "if", "then", "else", "in"];

/// Every mutant of `policy`, in a stable order: by operator, then by the
/// position of the changed node (pre-order). Mutants whose tree equals the
/// original's or an earlier mutant's are left out (they are trivially
/// equivalent or duplicates); the second value counts them.
pub fn mutants(policy: &Policy) -> Result<(Vec<PolicyMutant>, usize), String> {
    let est = policy.to_json().map_err(|e| e.to_string())?;
    let id = policy.id().clone();
    let mut trees: Vec<(Operator, String, String, Option<Value>)> = Vec::new();
    trees.push((
        Operator::RemovePolicy,
        head(&est),
        "(policy removed)".to_string(),
        None,
    ));
    effect_swap(&est, &mut trees);
    scope(&est, &mut trees);
    let nodes = expression_nodes(&est);
    for operator in Operator::EXPRESSION {
        for (pointer, parent_op) in &nodes {
            expression(&est, pointer, parent_op.as_deref(), operator, &mut trees);
        }
    }
    let mut seen = vec![est.clone()];
    let mut out = Vec::new();
    let mut duplicates = 0;
    for (operator, before, after, tree) in trees {
        if let Some(t) = &tree {
            if seen.contains(t) {
                duplicates += 1;
                continue;
            }
            seen.push(t.clone());
        }
        let policy = match tree {
            None => Ok(None),
            Some(t) => Policy::from_json(Some(id.clone()), t)
                .map(Some)
                .map_err(|e| e.to_string()),
        };
        out.push(PolicyMutant {
            operator,
            before,
            after,
            policy,
        });
    }
    Ok((out, duplicates))
}

fn effect_swap(est: &Value, out: &mut Vec<(Operator, String, String, Option<Value>)>) {
    let mut t = est.clone();
    let swapped = match est["effect"].as_str() {
        Some("permit") => "forbid",
        Some("forbid") => "permit",
        _ => return,
    };
    t["effect"] = json!(swapped);
    out.push((Operator::SwapEffect, head(est), head(&t), Some(t)));
}

fn scope(est: &Value, out: &mut Vec<(Operator, String, String, Option<Value>)>) {
    for var in ["principal", "resource"] {
        if est[var]["op"].as_str().is_some_and(|op| op != "All") {
            let mut t = est.clone();
            t[var] = json!({"op": "All"});
            out.push((Operator::WidenScope, head(est), head(&t), Some(t)));
        }
    }
    if est["action"]["op"] == "==" {
        let mut t = est.clone();
        t["action"] = json!({"op": "All"});
        out.push((Operator::WidenScope, head(est), head(&t), Some(t)));
    }
    if let Some(list) = est["action"]["entities"].as_array() {
        if list.len() > 1 {
            for i in 0..list.len() {
                let mut t = est.clone();
                if let Some(l) = t["action"]["entities"].as_array_mut() {
                    l.remove(i);
                }
                out.push((Operator::NarrowScope, head(est), head(&t), Some(t)));
            }
        }
    }
}

/// JSON pointers of every expression node of the conditions, in pre-order,
/// each with the operator of its parent node.
fn expression_nodes(est: &Value) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    if let Some(conds) = est["conditions"].as_array() {
        for (i, c) in conds.iter().enumerate() {
            walk(&c["body"], format!("/conditions/{i}/body"), None, &mut out);
        }
    }
    out
}

fn walk(
    node: &Value,
    pointer: String,
    parent: Option<String>,
    out: &mut Vec<(String, Option<String>)>,
) {
    let Some((op, payload)) = single(node) else {
        return;
    };
    out.push((pointer.clone(), parent));
    let op = op.to_string();
    let base = format!("{pointer}/{}", escape(&op));
    match (op.as_str(), payload) {
        ("Value" | "Var" | "Slot" | "Unknown", _) => {}
        ("Record", Value::Object(fields)) => {
            for (k, v) in fields {
                walk(v, format!("{base}/{}", escape(k)), Some(op.clone()), out);
            }
        }
        (_, Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, format!("{base}/{i}"), Some(op.clone()), out);
            }
        }
        (_, Value::Object(fields)) => {
            for key in CHILD_KEYS {
                if let Some(v) = fields.get(*key) {
                    walk(v, format!("{base}/{key}"), Some(op.clone()), out);
                }
            }
        }
        _ => {}
    }
}

/// The operator and payload of an expression node (`{"op": payload}`).
fn single(node: &Value) -> Option<(&str, &Value)> {
    let obj = node.as_object()?;
    if obj.len() != 1 {
        return None;
    }
    obj.iter().next().map(|(k, v)| (k.as_str(), v))
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn expression(
    est: &Value,
    pointer: &str,
    parent: Option<&str>,
    operator: Operator,
    out: &mut Vec<(Operator, String, String, Option<Value>)>,
) {
    let Some(node) = est.pointer(pointer) else {
        return;
    };
    let Some((op, payload)) = single(node) else {
        return;
    };
    let mut replace = |new: Value, before: String, after: String| {
        let mut t = est.clone();
        if let Some(slot) = t.pointer_mut(pointer) {
            *slot = new;
            out.push((operator, before, after, Some(t)));
        }
    };
    match operator {
        Operator::DropConjunct | Operator::DropDisjunct => {
            let chain = if operator == Operator::DropConjunct {
                "&&"
            } else {
                "||"
            };
            if op != chain || parent == Some(chain) {
                return;
            }
            let mut operands = Vec::new();
            flatten(node, chain, &mut operands);
            for i in 0..operands.len() {
                let rest: Vec<Value> = operands
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, v)| (*v).clone())
                    .collect();
                let Some(new) = rebuild(chain, rest) else {
                    continue;
                };
                replace(new, cedar(operands[i]), "(removed)".to_string());
            }
        }
        Operator::NegateCondition if pointer.matches('/').count() == 3 => {
            let new = json!({"!": {"arg": node.clone()}});
            let after = cedar(&new);
            replace(new, cedar(node), after);
        }
        Operator::RemoveNegation if op == "!" => {
            let new = payload["arg"].clone();
            let after = cedar(&new);
            replace(new, cedar(node), after);
        }
        Operator::RelationalBoundary | Operator::EqualityFlip => {
            let pairs: &[(&str, &str)] = if operator == Operator::EqualityFlip {
                &[("==", "!=")]
            } else {
                &[
                    ("<", "<="),
                    (">", ">="),
                    ("lessThan", "lessThanOrEqual"),
                    ("greaterThan", "greaterThanOrEqual"),
                ]
            };
            let swapped = pairs.iter().find_map(|(a, b)| {
                (op == *a)
                    .then_some(*b)
                    .or_else(|| (op == *b).then_some(*a))
            });
            if let Some(to) = swapped {
                let mut m = Map::new();
                m.insert(to.to_string(), payload.clone());
                let new = Value::Object(m);
                let after = cedar(&new);
                replace(new, cedar(node), after);
            }
        }
        Operator::RemoveSetElement => {
            if let ("Set", Value::Array(items)) = (op, payload) {
                for i in 0..items.len() {
                    let mut rest = items.clone();
                    rest.remove(i);
                    let new = json!({"Set": rest});
                    let after = cedar(&new);
                    replace(new, cedar(node), after);
                }
            }
        }
        _ => {}
    }
}

fn flatten<'a>(node: &'a Value, chain: &str, out: &mut Vec<&'a Value>) {
    match single(node) {
        Some((op, payload)) if op == chain => {
            flatten(&payload["left"], chain, out);
            flatten(&payload["right"], chain, out);
        }
        _ => out.push(node),
    }
}

fn rebuild(chain: &str, operands: Vec<Value>) -> Option<Value> {
    let mut it = operands.into_iter();
    let first = it.next()?;
    Some(it.fold(first, |left, right| {
        let mut m = Map::new();
        m.insert(chain.to_string(), json!({"left": left, "right": right}));
        Value::Object(m)
    }))
}

/// An EST expression as one line of Cedar (through Cedar's own printer).
pub fn cedar(expr: &Value) -> String {
    let est = json!({
        "effect": "permit",
        "principal": {"op": "All"},
        "action": {"op": "All"},
        "resource": {"op": "All"},
        "conditions": [{"kind": "when", "body": expr}],
    });
    let text = match Policy::from_json(Some(PolicyId::new("x")), est) {
        Ok(p) => p.to_string(),
        Err(_) => return expr.to_string(),
    };
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line
        .split_once("when {")
        .map(|(_, body)| {
            body.trim_end_matches(';')
                .trim_end()
                .trim_end_matches('}')
                .trim()
        })
        .unwrap_or(&one_line)
        .to_string()
}

/// The effect and scope of a policy, as one line of Cedar.
fn head(est: &Value) -> String {
    let mut t = est.clone();
    if let Some(obj) = t.as_object_mut() {
        obj.insert("conditions".to_string(), json!([]));
        obj.insert("annotations".to_string(), json!({}));
    }
    match Policy::from_json(Some(PolicyId::new("x")), t) {
        Ok(p) => p
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .trim_end_matches(';')
            .replace("( ", "(")
            .replace(" )", ")"),
        Err(_) => est["effect"].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Policy {
        Policy::parse(Some(PolicyId::new("p")), text).unwrap()
    }

    fn list(text: &str) -> Vec<String> {
        let (ms, _) = mutants(&policy(text)).unwrap();
        ms.iter()
            .map(|m| format!("{}: {} → {}", m.operator, m.before, m.after))
            .collect()
    }

    #[test]
    fn conjuncts_are_dropped_one_at_a_time_at_every_level() {
        let got = list(
            r#"permit(principal, action, resource) when { principal.a && (principal.b || (principal.c && principal.d)) && principal.e };"#,
        );
        let drops: Vec<&String> = got.iter().filter(|l| l.starts_with("drop-")).collect();
        assert_eq!(
            drops,
            [
                "drop-conjunct: principal.a → (removed)",
                "drop-conjunct: principal.b || (principal.c && principal.d) → (removed)",
                "drop-conjunct: principal.e → (removed)",
                "drop-conjunct: principal.c → (removed)",
                "drop-conjunct: principal.d → (removed)",
                "drop-disjunct: principal.b → (removed)",
                "drop-disjunct: principal.c && principal.d → (removed)",
            ]
        );
    }

    #[test]
    fn boundaries_equalities_and_negations() {
        let got = list(
            r#"forbid(principal, action, resource) unless { context.now < context.due && !(principal.x == 3) && context.d.lessThanOrEqual(decimal("1.5")) };"#,
        );
        let pick = |op: &str| -> Vec<String> {
            got.iter().filter(|l| l.starts_with(op)).cloned().collect()
        };
        assert_eq!(
            pick("relational-boundary"),
            [
                "relational-boundary: context.now < context.due → context.now <= context.due",
                "relational-boundary: context.d.lessThanOrEqual(decimal(\"1.5\")) → context.d.lessThan(decimal(\"1.5\"))",
            ]
        );
        assert_eq!(
            pick("equality-flip"),
            ["equality-flip: principal.x == 3 → principal.x != 3"]
        );
        assert_eq!(
            pick("remove-negation"),
            ["remove-negation: !(principal.x == 3) → principal.x == 3"]
        );
        assert_eq!(pick("negate-condition").len(), 1);
        assert_eq!(
            pick("swap-effect"),
            ["swap-effect: forbid(principal, action, resource) → permit(principal, action, resource)"]
        );
    }

    #[test]
    fn set_elements_and_scopes() {
        let got = list(
            r#"permit(principal is A::P, action in [A::Action::"x", A::Action::"y"], resource in A::R::"r") when { ["a", "b"].contains(context.s) };"#,
        );
        let pick = |op: &str| -> Vec<String> {
            got.iter().filter(|l| l.starts_with(op)).cloned().collect()
        };
        assert_eq!(
            pick("remove-set-element"),
            [
                "remove-set-element: [\"a\", \"b\"] → [\"b\"]",
                "remove-set-element: [\"a\", \"b\"] → [\"a\"]",
            ]
        );
        assert_eq!(pick("widen-scope").len(), 2);
        assert_eq!(
            pick("narrow-scope"),
            [
                "narrow-scope: permit(principal is A::P, action in [A::Action::\"x\", A::Action::\"y\"], resource in A::R::\"r\") → permit(principal is A::P, action in [A::Action::\"y\"], resource in A::R::\"r\")",
                "narrow-scope: permit(principal is A::P, action in [A::Action::\"x\", A::Action::\"y\"], resource in A::R::\"r\") → permit(principal is A::P, action in [A::Action::\"x\"], resource in A::R::\"r\")",
            ]
        );
        assert_eq!(got[0], "remove-policy: permit(principal is A::P, action in [A::Action::\"x\", A::Action::\"y\"], resource in A::R::\"r\") → (policy removed)");
    }

    #[test]
    fn identical_trees_are_skipped_as_duplicates() {
        let (ms, dups) = mutants(&policy(
            "permit(principal, action, resource) when { principal.a && principal.a };",
        ))
        .unwrap();
        let drops = ms
            .iter()
            .filter(|m| m.operator == Operator::DropConjunct)
            .count();
        assert_eq!((drops, dups), (1, 1));
        assert!(ms.iter().all(|m| m.policy.is_ok()));
    }
}
