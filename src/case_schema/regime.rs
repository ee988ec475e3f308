//! A regime's scenario-file schema: the generic one, narrowed by the regime's
//! Cedar schema (entity types, attributes and their types, actions and their
//! context), its catalogue (requirement ids) and its policies (`decided_by`).

use serde_json::{json, Map, Value as Json};

use super::definitions::RegimeDefinitions;
use super::{generic, types};
use crate::lower::{NOW, PARENTS_KEY};
use crate::schema::EntityDecl;

/// Where the entity definitions go, and whether attributes are complete.
#[derive(Clone, Copy)]
enum Use {
    /// The file's fixtures: every required attribute is written.
    Fixture,
    /// A scenario's overrides: only what changes.
    Override,
}

impl Use {
    fn definition(self, ty: &str) -> String {
        match self {
            Use::Fixture => format!("entity.{ty}"),
            Use::Override => format!("override.{ty}"),
        }
    }
}

/// The scenario-file schema of one regime.
pub fn scenario_file(def: &RegimeDefinitions) -> Json {
    let mut doc = generic::scenario_file();
    doc["title"] = format!("lexgate scenario file: {}", def.name).into();
    doc["description"] = format!(
        "Scenarios of `{}` ({}), checked against its Cedar schema, catalogue and policies.",
        def.name, def.catalogue.catalogue.title
    )
    .into();
    let fixtures = &mut doc["properties"]["entities"];
    *fixtures = entities(def, fixtures, Use::Fixture);

    let scenario = &mut doc["definitions"]["Scenario"];
    let properties = &mut scenario["properties"];
    let overrides = &mut properties["entities"];
    *overrides = entities(def, overrides, Use::Override);
    let action = &mut properties["action"];
    *action = actions(def, action);
    let requirements = &mut properties["requirements"];
    *requirements = json!({
        "description": requirements["description"],
        "anyOf": [
            {"$ref": "#/definitions/requirement"},
            {"type": "array", "items": {"$ref": "#/definitions/requirement"}, "minItems": 1},
        ],
    });
    let decided_by = &mut properties["decided_by"];
    *decided_by = json!({
        "description": decided_by["description"],
        "type": ["array", "null"],
        "items": {"$ref": "#/definitions/policy"},
    });
    scenario["allOf"] = contexts(def);

    let definitions = doc["definitions"]
        .as_object_mut()
        .expect("schemars writes definitions");
    definitions.shift_remove("OneOrMany");
    definitions.insert("requirement".into(), requirement_ids(def));
    definitions.insert("policy".into(), policy_ids(def));
    for (ty, decl) in &def.schema.entities {
        for use_ in [Use::Fixture, Use::Override] {
            definitions.insert(use_.definition(ty), entity(def, ty, decl, use_));
        }
    }
    doc
}

fn actions(def: &RegimeDefinitions, generated: &Json) -> Json {
    let names: Vec<&String> = def.schema.actions.keys().collect();
    let notes: Vec<String> = def
        .schema
        .actions
        .values()
        .map(|a| {
            format!(
                "principal: {}; resource: {}",
                a.principals.join(" or "),
                a.resources.join(" or ")
            )
        })
        .collect();
    json!({
        "description": generated["description"],
        "type": "string",
        "enum": names,
        "enumDescriptions": notes,
    })
}

fn requirement_ids(def: &RegimeDefinitions) -> Json {
    let requirements = &def.catalogue.catalogue.requirements;
    let ids: Vec<&String> = requirements.iter().map(|r| &r.id).collect();
    let notes: Vec<String> = requirements
        .iter()
        .map(|r| format!("clause {}: {}", r.clause, r.summary.trim()))
        .collect();
    json!({
        "description": "a requirement of the catalogue",
        "type": "string",
        "enum": ids,
        "enumDescriptions": notes,
    })
}

fn policy_ids(def: &RegimeDefinitions) -> Json {
    let ids: Vec<&String> = def.policies.keys().collect();
    let notes: Vec<String> = def
        .policies
        .values()
        .map(|p| {
            format!(
                "{} (clause {}; {})",
                p.effect,
                p.clause,
                p.requirements.join(", ")
            )
        })
        .collect();
    json!({
        "description": "the @id of a policy of the regime",
        "type": "string",
        "enum": ids,
        "enumDescriptions": notes,
    })
}

/// One `if action is X then context is ...` per action.
fn contexts(def: &RegimeDefinitions) -> Json {
    let rules: Vec<Json> = def
        .schema
        .actions
        .iter()
        .map(|(name, action)| {
            let mut context = types::record(&def.schema, &action.context, &[NOW], true);
            context["description"] = format!("the context of `{name}`").into();
            let mut then = json!({"properties": {"context": context}});
            if context_required(&context) {
                then["required"] = json!(["context"]);
            }
            json!({
                "if": {"properties": {"action": {"const": name}}, "required": ["action"]},
                "then": then,
            })
        })
        .collect();
    Json::Array(rules)
}

fn context_required(context: &Json) -> bool {
    context
        .get("required")
        .and_then(Json::as_array)
        .is_some_and(|r| !r.is_empty())
}

/// The `entities:` mapping: entity types as keys.
fn entities(def: &RegimeDefinitions, generated: &Json, use_: Use) -> Json {
    let mut types = Map::new();
    for (ty, decl) in &def.schema.entities {
        let lists = matches!(use_, Use::Override) || !has_required(def, ty, decl);
        let forms = if lists {
            json!(["object", "array", "null"])
        } else {
            json!(["object", "null"])
        };
        let reference = format!("#/definitions/{}", use_.definition(ty));
        types.insert(
            ty.clone(),
            json!({
                "description": format!("entities of type `{ty}`, by id (or a list of ids)"),
                "type": forms,
                "additionalProperties": {"$ref": reference},
                "items": {"type": "string"},
            }),
        );
    }
    json!({
        "description": generated["description"],
        "type": "object",
        "additionalProperties": false,
        "properties": types,
    })
}

fn derived<'a>(def: &'a RegimeDefinitions, ty: &str) -> Vec<&'a str> {
    def.derived
        .get(ty)
        .map(|names| names.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

fn has_required(def: &RegimeDefinitions, ty: &str, decl: &EntityDecl) -> bool {
    let derived = derived(def, ty);
    decl.attrs
        .attrs
        .iter()
        .any(|(name, a)| a.required && !derived.contains(&name.as_str()))
}

/// One entity's attributes (and parents).
fn entity(def: &RegimeDefinitions, ty: &str, decl: &EntityDecl, use_: Use) -> Json {
    let derived = derived(def, ty);
    let complete = matches!(use_, Use::Fixture);
    let mut out = types::record(&def.schema, &decl.attrs, &derived, complete);
    if let Some(properties) = out["properties"].as_object_mut() {
        for (name, property) in properties.iter_mut() {
            if let Some(doc) = def.docs.get(&(ty.to_string(), name.clone())) {
                let kind = property["description"].as_str().unwrap_or_default();
                property["description"] = if kind.is_empty() {
                    doc.clone()
                } else {
                    format!("{doc} ({kind})")
                }
                .into();
            }
        }
    }
    let mut description = match use_ {
        Use::Fixture => format!("a `{ty}`"),
        Use::Override => format!("a `{ty}` for this scenario only: the attributes that change"),
    };
    if !derived.is_empty() {
        description.push_str(&format!(
            "; lexgate derives {} (policies/{}/derive.yaml): do not write {}",
            derived
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", "),
            def.name,
            if derived.len() == 1 { "it" } else { "them" }
        ));
    }
    out["description"] = description.into();
    // yaml-language-server names the expected type by its title ("Expected `Company`").
    out["title"] = match use_ {
        Use::Fixture => ty.to_string(),
        Use::Override => format!("{ty} (changes)"),
    }
    .into();
    if !complete || !has_required(def, ty, decl) {
        out["type"] = json!(["object", "null"]);
    }
    if !decl.member_of.is_empty() {
        let parents = decl.member_of.join(" or ");
        out["properties"][PARENTS_KEY] = json!({
            "description": format!("parents, for Cedar's `in`: a {parents} (or a list of them)"),
            "type": ["string", "array"],
            "items": {"type": "string"},
        });
    }
    out
}
