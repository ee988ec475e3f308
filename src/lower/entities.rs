//! Entities as written in YAML (grouped by type, plain ids), merged with a
//! scenario's overrides, and lowered to Cedar's entity JSON.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};
use serde_yaml::{Mapping, Value};

use super::value::{datetime, key_text, split_ref, Ctx, Known, Ref};
use crate::derive::Attributes;
use crate::diagnostic::{did_you_mean, Code, Diag, Diagnostics};
use crate::yaml::Path;

/// The reserved key for an entity's parents.
pub const PARENTS_KEY: &str = "in";

/// One entity as written: its attributes keep the path they were written at.
#[derive(Debug, Clone)]
pub struct EntitySpec {
    /// Type and id.
    pub r: Ref,
    /// Where its id is written.
    pub path: Path,
    /// Attributes: name, value, where written.
    pub attrs: Vec<(String, Value, Path)>,
    /// Parents, if given.
    pub parents: Option<(Value, Path)>,
}

/// Reads an `entities:` mapping at `base`.
pub fn read_specs(
    ctx: &Ctx<'_>,
    map: &Mapping,
    base: &Path,
    diags: &mut Diagnostics,
) -> Vec<EntitySpec> {
    let mut out = Vec::new();
    for (type_key, body) in map {
        let written = key_text(type_key);
        let ty = split_ref(&format!("{written}::x"), &ctx.schema.namespace)
            .map(|(t, _)| t)
            .unwrap_or_else(|| written.clone());
        let type_path = base.key(written.clone());
        if !ctx.schema.entities.contains_key(&ty) {
            diags.push(
                ctx.at_key(
                    Code::UnknownEntityType,
                    format!("there is no entity type `{ty}` in the schema"),
                    &type_path,
                    "unknown entity type",
                )
                .with_help(
                    did_you_mean(&ty, ctx.schema.entities.keys().map(String::as_str))
                        .unwrap_or_else(|| {
                            format!(
                                "the entity types are: {}",
                                ctx.schema
                                    .entities
                                    .keys()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }),
                ),
            );
            continue;
        }
        match body {
            Value::Mapping(ids) => {
                for (id_key, attrs) in ids {
                    let id = key_text(id_key);
                    let path = type_path.key(id.clone());
                    if let Some(spec) = read_one(ctx, &ty, &id, attrs, &path, diags) {
                        out.push(spec);
                    }
                }
            }
            Value::Sequence(ids) => {
                for (i, id) in ids.iter().enumerate() {
                    let path = type_path.index(i);
                    match id {
                        Value::String(s) => out.push(EntitySpec {
                            r: Ref { ty: ty.clone(), id: s.clone() },
                            path,
                            attrs: Vec::new(),
                            parents: None,
                        }),
                        _ => diags.push(ctx.at_value(Code::WrongType, "expected an entity id", &path, "not an id")),
                    }
                }
            }
            Value::Null => {}
            _ => diags.push(
                ctx.at_value(Code::WrongType, format!("entities of type `{ty}` are written as a mapping of ids (or a list of ids)"), &type_path, "not a mapping")
                    .with_help(format!("write e.g.\n  {ty}:\n    some_id: {{attribute: value}}")),
            ),
        }
    }
    out
}

fn read_one(
    ctx: &Ctx<'_>,
    ty: &str,
    id: &str,
    attrs: &Value,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<EntitySpec> {
    let mut spec = EntitySpec {
        r: Ref {
            ty: ty.to_string(),
            id: id.to_string(),
        },
        path: path.clone(),
        attrs: Vec::new(),
        parents: None,
    };
    match attrs {
        Value::Null => {}
        Value::Mapping(m) => {
            for (k, v) in m {
                let name = key_text(k);
                let p = path.key(name.clone());
                if name == PARENTS_KEY {
                    spec.parents = Some((v.clone(), p));
                } else {
                    spec.attrs.push((name, v.clone(), p));
                }
            }
        }
        _ => {
            diags.push(
                ctx.at_value(
                    Code::WrongType,
                    format!("the attributes of `{ty}` `{id}` must be a mapping"),
                    path,
                    "not a mapping",
                )
                .with_help("write `{}` for an entity without attributes"),
            );
            return None;
        }
    }
    Some(spec)
}

/// Which entities exist, by type.
pub fn known_of<'a>(specs: impl IntoIterator<Item = &'a EntitySpec>) -> Known {
    let mut known = Known::new();
    for s in specs {
        known
            .entry(s.r.ty.clone())
            .or_default()
            .insert(s.r.id.clone());
    }
    known
}

/// Applies overrides to fixtures: attributes written in an override replace
/// the fixture's (`null` removes one), parents are replaced when given, and
/// new entities are added. Returns only the entities the overrides touched.
pub fn merge(fixtures: &BTreeMap<Ref, EntitySpec>, overrides: Vec<EntitySpec>) -> Vec<EntitySpec> {
    overrides
        .into_iter()
        .map(|o| match fixtures.get(&o.r) {
            None => EntitySpec {
                attrs: o
                    .attrs
                    .into_iter()
                    .filter(|(_, v, _)| !v.is_null())
                    .collect(),
                ..o
            },
            Some(base) => {
                let mut merged = base.clone();
                for (name, value, path) in o.attrs {
                    merged.attrs.retain(|(n, _, _)| *n != name);
                    if !value.is_null() {
                        merged.attrs.push((name, value, path));
                    }
                }
                if o.parents.is_some() {
                    merged.parents = o.parents;
                }
                merged.path = o.path;
                merged
            }
        })
        .collect()
}

/// The entity's attributes plus those the regime derives from them. Writing
/// a derived attribute in a case is a mistake: the period belongs to the rule.
fn with_derived(
    ctx: &Ctx<'_>,
    spec: &EntitySpec,
    owner: &str,
) -> Result<Vec<(String, Value, Path)>, Box<Diag>> {
    let mut attrs = spec.attrs.clone();
    let Some(derivations) = ctx.derivations else {
        return Ok(attrs);
    };
    for rule in derivations.rules_for(&spec.r.ty) {
        if let Some((_, _, path)) = attrs.iter().find(|(n, _, _)| *n == rule.attribute) {
            return Err(ctx
                .at_key(
                    Code::DeriveError,
                    format!(
                        "`{}` of {owner} is derived, not written in a case",
                        rule.attribute
                    ),
                    path,
                    "derived attribute",
                )
                .with_help(format!(
                    "remove it: {} computes it from the entity's other dates",
                    rule.declared_at
                ))
                .boxed());
        }
        match derivations.compute(rule, &YamlAttributes(&attrs)) {
            Ok(Some(moment)) => attrs.push((
                rule.attribute.clone(),
                Value::String(moment),
                spec.path.clone(),
            )),
            Ok(None) => {}
            Err(why) => {
                return Err(ctx
                    .at_key(
                        Code::DeriveError,
                        format!("cannot derive `{}` of {owner}: {why}", rule.attribute),
                        &spec.path,
                        "here",
                    )
                    .with_help(format!(
                        "the derivation is declared in {}",
                        rule.declared_at
                    ))
                    .boxed())
            }
        }
    }
    Ok(attrs)
}

/// YAML attribute values as the derivations read them.
struct YamlAttributes<'a>(&'a [(String, Value, Path)]);

impl Attributes for YamlAttributes<'_> {
    fn datetime(&self, name: &str) -> Option<Result<jiff::Timestamp, String>> {
        let (_, value, _) = self.0.iter().find(|(n, _, _)| n == name)?;
        Some(match value {
            Value::String(s) => datetime(s).and_then(|d| {
                let full = if d.len() == 10 {
                    format!("{d}T00:00:00Z")
                } else {
                    d
                };
                full.parse::<jiff::Timestamp>().map_err(|e| e.to_string())
            }),
            _ => Err(format!("`{name}` is not a date")),
        })
    }

    fn long(&self, name: &str) -> Option<Result<i64, String>> {
        let (_, value, _) = self.0.iter().find(|(n, _, _)| n == name)?;
        Some(
            value
                .as_i64()
                .ok_or_else(|| format!("`{name}` is not a whole number")),
        )
    }
}

/// Lowers one entity to Cedar's JSON.
pub fn lower(
    ctx: &Ctx<'_>,
    spec: &EntitySpec,
    known: &Known,
) -> Result<Json, Box<crate::diagnostic::Diag>> {
    let decl = &ctx.schema.entities[&spec.r.ty];
    let owner = format!("`{}` `{}`", spec.r.ty, spec.r.id);
    let written = with_derived(ctx, spec, &owner)?;
    let attrs = ctx.record(&written, &decl.attrs, &spec.path, &owner, known)?;
    let mut parents = Vec::new();
    if let Some((value, path)) = &spec.parents {
        if decl.member_of.is_empty() {
            return Err(ctx
                .at_key(
                    Code::WrongType,
                    format!(
                        "{owner} cannot be `in` anything: the schema gives `{}` no parent types",
                        spec.r.ty
                    ),
                    path,
                    "no parents allowed",
                )
                .boxed());
        }
        let items: Vec<(Value, Path)> = match value {
            Value::Sequence(items) => items
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, v)| (v, path.index(i)))
                .collect(),
            single => vec![(single.clone(), path.clone())],
        };
        for (item, p) in items {
            let Value::String(text) = item else {
                return Err(ctx
                    .at_value(
                        Code::WrongType,
                        "expected a reference to a parent entity",
                        &p,
                        "not a reference",
                    )
                    .boxed());
            };
            let r = ctx.reference(&text, &decl.member_of, &p, known)?;
            parents.push(json!({"type": ctx.schema.qualified(&r.ty), "id": r.id}));
        }
    }
    Ok(json!({
        "uid": {"type": ctx.schema.qualified(&spec.r.ty), "id": spec.r.id},
        "attrs": attrs,
        "parents": parents,
    }))
}

/// Longest chain of `in` links accepted among a file's entities: legal
/// hierarchies (a person in a firm in a group) are a few levels deep, and
/// Cedar's transitive closure of a chain of thousands takes gigabytes (or
/// overflows the stack).
pub const MAX_HIERARCHY_DEPTH: usize = 100;

/// What is wrong with the `in` links among lowered entities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hierarchy {
    /// A cycle: the uids around it, starting and ending with the same one.
    Cycle(Vec<String>),
    /// A chain longer than [`MAX_HIERARCHY_DEPTH`], from this uid down.
    TooDeep {
        /// The uid the longest chain starts from.
        start: String,
        /// Its length in entities.
        depth: usize,
    },
}

/// The first cycle of `in` edges among lowered entities, or else a chain
/// deeper than [`MAX_HIERARCHY_DEPTH`], found in sorted order so that the
/// report is the same on every run (Cedar's own message names whichever
/// vertex its hash map yields first).
pub fn hierarchy_problem(entities: &[&Json]) -> Option<Hierarchy> {
    let uid = |v: &Json| {
        format!(
            "{}::{}",
            v["type"].as_str().unwrap_or(""),
            v["id"].as_str().unwrap_or("")
        )
    };
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in entities {
        let mut parents: Vec<String> = e["parents"]
            .as_array()
            .map(|p| p.iter().map(uid).collect())
            .unwrap_or_default();
        parents.sort();
        edges.insert(uid(&e["uid"]), parents);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        /// Finished, with the length of the longest chain from it.
        Done(usize),
    }
    let mut marks: BTreeMap<String, Mark> = BTreeMap::new();
    for start in edges.keys() {
        if marks.contains_key(start) {
            continue;
        }
        // Iterative depth-first search: (node, next child index).
        let mut stack: Vec<(String, usize)> = vec![(start.clone(), 0)];
        marks.insert(start.clone(), Mark::Open);
        while let Some((node, next)) = stack.last().cloned() {
            let children = edges.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if next < children.len() {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                let child = children[next].clone();
                match marks.get(&child) {
                    Some(Mark::Open) => {
                        let from = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            stack[from..].iter().map(|(n, _)| n.clone()).collect();
                        cycle.push(child);
                        return Some(Hierarchy::Cycle(cycle));
                    }
                    Some(Mark::Done(_)) => {}
                    None => {
                        marks.insert(child.clone(), Mark::Open);
                        stack.push((child, 0));
                    }
                }
            } else {
                let below = children
                    .iter()
                    .filter_map(|c| match marks.get(c) {
                        Some(Mark::Done(d)) => Some(*d),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0);
                marks.insert(node, Mark::Done(below + 1));
                stack.pop();
            }
        }
    }
    let (start, depth) = marks
        .iter()
        .filter_map(|(uid, m)| match m {
            Mark::Done(d) => Some((uid, *d)),
            Mark::Open => None,
        })
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))?;
    (depth > MAX_HIERARCHY_DEPTH).then(|| Hierarchy::TooDeep {
        start: start.clone(),
        depth,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(id: &str, parents: &[&str]) -> Json {
        json!({
            "uid": {"type": "N::T", "id": id},
            "parents": parents.iter().map(|p| json!({"type": "N::T", "id": p})).collect::<Vec<_>>(),
        })
    }

    #[test]
    fn finds_the_same_cycle_whatever_the_input_order() {
        let a = entity("a", &["b"]);
        let b = entity("b", &["c"]);
        let c = entity("c", &["a"]);
        let d = entity("d", &["a"]);
        let expected: Vec<String> = ["N::T::a", "N::T::b", "N::T::c", "N::T::a"]
            .map(String::from)
            .to_vec();
        let expected = Some(Hierarchy::Cycle(expected));
        assert_eq!(hierarchy_problem(&[&a, &b, &c, &d]), expected);
        assert_eq!(hierarchy_problem(&[&d, &c, &b, &a]), expected);
    }

    #[test]
    fn a_dag_has_no_cycle() {
        let a = entity("a", &["b", "c"]);
        let b = entity("b", &["c"]);
        let c = entity("c", &[]);
        assert_eq!(hierarchy_problem(&[&a, &b, &c]), None);
    }

    #[test]
    fn a_chain_longer_than_the_limit_is_named_by_its_start() {
        let chain = |n: usize| -> Vec<Json> {
            (0..n)
                .map(|i| {
                    let parent = format!("e{:05}", i + 1);
                    if i + 1 < n {
                        entity(&format!("e{i:05}"), &[parent.as_str()])
                    } else {
                        entity(&format!("e{i:05}"), &[])
                    }
                })
                .collect()
        };
        let at_limit = chain(MAX_HIERARCHY_DEPTH);
        assert_eq!(
            hierarchy_problem(&at_limit.iter().collect::<Vec<_>>()),
            None
        );
        let long = chain(10_000);
        assert_eq!(
            hierarchy_problem(&long.iter().collect::<Vec<_>>()),
            Some(Hierarchy::TooDeep {
                start: "N::T::e00000".into(),
                depth: 10_000
            })
        );
    }
}
