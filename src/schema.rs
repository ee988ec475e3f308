//! A regime's Cedar schema, read twice: as Cedar's own [`cedar_policy::Schema`]
//! (for validation and for building entities and requests), and as a small
//! resolved type model that lets lexgate interpret YAML values through the
//! schema and name the attribute, entity type or action a lawyer got wrong.
//!
//! The type model comes from the schema's JSON form, where types written in
//! the human syntax are unresolved names; they are resolved here in Cedar's
//! own order: entity types of the namespace, then common types, then builtins.

use std::collections::{BTreeMap, HashMap};

use cedar_policy::{EntityTypeName, Schema, SchemaFragment};
use serde_json::Value as Json;

use crate::diagnostic::{Code, Diag};
use crate::source::SourceFile;

/// A Cedar type, resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `Bool`.
    Bool,
    /// `Long`.
    Long,
    /// `String`.
    String,
    /// An entity type of the namespace, by short name.
    Entity(String),
    /// `Set<T>`.
    Set(Box<Ty>),
    /// A record.
    Record(Record),
    /// `datetime`.
    Datetime,
    /// `duration`.
    Duration,
    /// `decimal`.
    Decimal,
    /// `ipaddr`.
    IpAddr,
}

impl Ty {
    /// How the type reads in a message to a lawyer.
    pub fn describe(&self) -> String {
        match self {
            Ty::Bool => "true or false".into(),
            Ty::Long => "a whole number".into(),
            Ty::String => "text".into(),
            Ty::Entity(t) => format!("a reference to a `{t}`"),
            Ty::Set(e) => format!("a list of {}", e.describe()),
            Ty::Record(_) => "a mapping of attributes".into(),
            Ty::Datetime => "a date (2024-05-02) or a timestamp (2024-05-02T10:00:00Z)".into(),
            Ty::Duration => "a duration such as 72h or 3d".into(),
            Ty::Decimal => "a decimal number".into(),
            Ty::IpAddr => "an IP address".into(),
        }
    }
}

/// The attributes of a record (or of an entity type, or of a context).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// Attributes by name.
    pub attrs: BTreeMap<String, Attr>,
}

/// One attribute of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    /// Its type.
    pub ty: Ty,
    /// False when the schema marks it optional (`name?: T`).
    pub required: bool,
}

/// An entity type of the namespace.
#[derive(Debug, Clone)]
pub struct EntityDecl {
    /// Its attributes.
    pub attrs: Record,
    /// The types its entities may be members of (`in`).
    pub member_of: Vec<String>,
    /// For enumerated entity types, the allowed ids.
    pub enum_ids: Option<Vec<String>>,
}

/// An action of the namespace.
#[derive(Debug, Clone)]
pub struct ActionDecl {
    /// Entity types allowed as principal.
    pub principals: Vec<String>,
    /// Entity types allowed as resource.
    pub resources: Vec<String>,
    /// The context's attributes.
    pub context: Record,
}

/// A regime's schema: Cedar's, plus the resolved type model.
#[derive(Debug, Clone)]
pub struct RegimeSchema {
    /// The namespace (`ManoVmi`).
    pub namespace: String,
    /// Cedar's schema.
    pub cedar: Schema,
    /// Entity types by short name.
    pub entities: BTreeMap<String, EntityDecl>,
    /// Actions by name.
    pub actions: BTreeMap<String, ActionDecl>,
    /// Cedar's names of the entity types, by qualified name (`ManoVmi::Person`),
    /// parsed once rather than for every reference.
    type_names: HashMap<String, EntityTypeName>,
}

impl RegimeSchema {
    /// Parses a `.cedarschema` file.
    pub fn parse(file: &SourceFile) -> Result<Self, Box<Diag>> {
        // Parsed once: Cedar's parser is the costly part of loading a regime.
        let (fragment, _warnings) = SchemaFragment::from_cedarschema_str(&file.text)
            .map_err(|e| Diag::from_foreign(Code::SchemaError, &e, Some(file)).boxed())?;
        let json = fragment
            .clone()
            .to_json_value()
            .map_err(|e| Diag::from_foreign(Code::SchemaError, &e, Some(file)).boxed())?;
        let cedar = Schema::from_schema_fragments([fragment])
            .map_err(|e| Diag::from_foreign(Code::SchemaError, &e, Some(file)).boxed())?;
        let Json::Object(namespaces) = json else {
            return Err(schema_error(
                file,
                "the schema's JSON form is not an object",
            ));
        };
        let named: Vec<_> = namespaces.iter().filter(|(k, _)| !k.is_empty()).collect();
        let unnamed = namespaces.get("").map(non_empty_namespace).unwrap_or(false);
        if named.len() != 1 || unnamed {
            return Err(schema_error(
                file,
                "a regime's schema must declare exactly one namespace and nothing outside it",
            ));
        }
        let (namespace, body) = named[0];
        Resolver::new(namespace, body)
            .map(|r| r.build(namespace.clone(), cedar))
            .map_err(|m| schema_error(file, &m))
    }

    /// The Cedar type name of a short entity type name (`ManoVmi::Person`).
    pub fn qualified(&self, short: &str) -> String {
        format!("{}::{short}", self.namespace)
    }

    /// Cedar's name of a qualified entity type (`ManoVmi::Person`).
    pub fn type_name(&self, qualified: &str) -> Result<EntityTypeName, String> {
        match self.type_names.get(qualified) {
            Some(t) => Ok(t.clone()),
            None => qualified.parse().map_err(|e| format!("`{qualified}`: {e}")),
        }
    }

    /// The Cedar uid of an action (`ManoVmi::Action::"view"`).
    pub fn action_uid(&self, action: &str) -> cedar_policy::EntityUid {
        let ty: cedar_policy::EntityTypeName = format!("{}::Action", self.namespace)
            .parse()
            .expect("a namespace parsed from a schema forms a valid type name");
        cedar_policy::EntityUid::from_type_name_and_id(ty, cedar_policy::EntityId::new(action))
    }
}

fn non_empty_namespace(body: &Json) -> bool {
    ["entityTypes", "actions", "commonTypes"].iter().any(|k| {
        body.get(k)
            .and_then(Json::as_object)
            .is_some_and(|m| !m.is_empty())
    })
}

fn schema_error(file: &SourceFile, message: &str) -> Box<Diag> {
    Diag::new(Code::SchemaError, message.to_string())
        .in_file(file)
        .boxed()
}

struct Resolver<'a> {
    namespace: &'a str,
    body: &'a Json,
}

impl<'a> Resolver<'a> {
    fn new(namespace: &'a str, body: &'a Json) -> Result<Self, String> {
        Ok(Self { namespace, body })
    }

    fn build(&self, namespace: String, cedar: Schema) -> RegimeSchema {
        let mut entities = BTreeMap::new();
        for (name, decl) in self.object("entityTypes") {
            let attrs = decl
                .get("shape")
                .map(|s| self.record_of(s, 0))
                .unwrap_or_default();
            let member_of = strings(decl.get("memberOfTypes"))
                .into_iter()
                .map(|t| self.short(&t))
                .collect();
            let enum_ids = decl.get("enum").map(|e| strings(Some(e)));
            entities.insert(
                name.clone(),
                EntityDecl {
                    attrs,
                    member_of,
                    enum_ids,
                },
            );
        }
        let mut actions = BTreeMap::new();
        for (name, decl) in self.object("actions") {
            let applies = decl.get("appliesTo");
            let list = |key: &str| -> Vec<String> {
                strings(applies.and_then(|a| a.get(key)))
                    .into_iter()
                    .map(|t| self.short(&t))
                    .collect()
            };
            let context = applies
                .and_then(|a| a.get("context"))
                .map(|c| self.record_of(c, 0))
                .unwrap_or_default();
            actions.insert(
                name.clone(),
                ActionDecl {
                    principals: list("principalTypes"),
                    resources: list("resourceTypes"),
                    context,
                },
            );
        }
        let type_names = entities
            .keys()
            .filter_map(|short| {
                let qualified = format!("{namespace}::{short}");
                let name = qualified.parse().ok()?;
                Some((qualified, name))
            })
            .collect();
        RegimeSchema {
            namespace,
            cedar,
            entities,
            actions,
            type_names,
        }
    }

    fn object(&self, key: &str) -> Vec<(&'a String, &'a Json)> {
        self.body
            .get(key)
            .and_then(Json::as_object)
            .map(|m| m.iter().collect())
            .unwrap_or_default()
    }

    /// Strips this namespace (and Cedar's builtin prefix) from a type name.
    fn short(&self, name: &str) -> String {
        let own = format!("{}::", self.namespace);
        name.strip_prefix(&own)
            .or_else(|| name.strip_prefix("__cedar::"))
            .unwrap_or(name)
            .to_string()
    }

    fn record_of(&self, json: &Json, depth: usize) -> Record {
        match self.ty(json, depth) {
            Ty::Record(r) => r,
            _ => Record::default(),
        }
    }

    fn ty(&self, json: &Json, depth: usize) -> Ty {
        // Common types may refer to each other; Cedar rejects cycles, this is a guard.
        if depth > 32 {
            return Ty::String;
        }
        let kind = json.get("type").and_then(Json::as_str).unwrap_or("");
        let name = json
            .get("name")
            .and_then(Json::as_str)
            .map(|n| self.short(n));
        match kind {
            "String" => Ty::String,
            "Long" => Ty::Long,
            "Boolean" | "Bool" => Ty::Bool,
            "Set" => Ty::Set(Box::new(
                json.get("element")
                    .map(|e| self.ty(e, depth + 1))
                    .unwrap_or(Ty::String),
            )),
            "Record" => {
                let mut attrs = BTreeMap::new();
                if let Some(map) = json.get("attributes").and_then(Json::as_object) {
                    for (k, v) in map {
                        let required = v.get("required").and_then(Json::as_bool).unwrap_or(true);
                        attrs.insert(
                            k.clone(),
                            Attr {
                                ty: self.ty(v, depth + 1),
                                required,
                            },
                        );
                    }
                }
                Ty::Record(Record { attrs })
            }
            "Entity" => Ty::Entity(name.unwrap_or_default()),
            "Extension" => builtin(&name.unwrap_or_default()).unwrap_or(Ty::String),
            "EntityOrCommon" => self.named(&name.unwrap_or_default(), depth),
            other => self.named(&self.short(other), depth),
        }
    }

    fn named(&self, name: &str, depth: usize) -> Ty {
        if self
            .body
            .get("entityTypes")
            .and_then(|e| e.get(name))
            .is_some()
        {
            return Ty::Entity(name.to_string());
        }
        if let Some(common) = self.body.get("commonTypes").and_then(|c| c.get(name)) {
            return self.ty(common, depth + 1);
        }
        builtin(name).unwrap_or_else(|| Ty::Entity(name.to_string()))
    }
}

fn builtin(name: &str) -> Option<Ty> {
    Some(match name {
        "String" => Ty::String,
        "Long" => Ty::Long,
        "Bool" | "Boolean" => Ty::Bool,
        "datetime" => Ty::Datetime,
        "duration" => Ty::Duration,
        "decimal" => Ty::Decimal,
        "ipaddr" => Ty::IpAddr,
        _ => return None,
    })
}

fn strings(json: Option<&Json>) -> Vec<String> {
    json.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"
        namespace Demo {
            type Period = { from: datetime, to: datetime };
            entity Group;
            entity Person in [Group] { email_confirmed: Bool, nickname?: String, period: Period };
            entity Taxpayer { head: Person, rights: Set<String>, fee: decimal };
            entity Color enum ["red", "green"];
            action view appliesTo { principal: [Person], resource: [Taxpayer], context: { now: datetime, channel?: String } };
        }
    "#;

    #[test]
    fn resolves_common_entity_and_builtin_types() {
        let s = RegimeSchema::parse(&SourceFile::from_text("s.cedarschema", SCHEMA)).unwrap();
        assert_eq!(s.namespace, "Demo");
        let person = &s.entities["Person"];
        assert_eq!(person.member_of, vec!["Group".to_string()]);
        assert_eq!(person.attrs.attrs["email_confirmed"].ty, Ty::Bool);
        assert!(!person.attrs.attrs["nickname"].required);
        let Ty::Record(period) = &person.attrs.attrs["period"].ty else {
            panic!("record")
        };
        assert_eq!(period.attrs["from"].ty, Ty::Datetime);
        let tp = &s.entities["Taxpayer"];
        assert_eq!(tp.attrs.attrs["head"].ty, Ty::Entity("Person".into()));
        assert_eq!(tp.attrs.attrs["rights"].ty, Ty::Set(Box::new(Ty::String)));
        assert_eq!(tp.attrs.attrs["fee"].ty, Ty::Decimal);
        assert_eq!(
            s.entities["Color"].enum_ids,
            Some(vec!["red".into(), "green".into()])
        );
        let view = &s.actions["view"];
        assert_eq!(view.principals, vec!["Person".to_string()]);
        assert_eq!(view.context.attrs["now"].ty, Ty::Datetime);
        assert_eq!(s.action_uid("view").to_string(), r#"Demo::Action::"view""#);
    }

    #[test]
    fn refuses_two_namespaces() {
        let text = "namespace A { entity X; } namespace B { entity Y; }";
        let err = RegimeSchema::parse(&SourceFile::from_text("s.cedarschema", text)).unwrap_err();
        assert_eq!(err.code, Code::SchemaError);
    }

    #[test]
    fn a_parse_error_points_into_the_file() {
        let text = "namespace A { entity X { a: Bool, } action }";
        let err = RegimeSchema::parse(&SourceFile::from_text("s.cedarschema", text)).unwrap_err();
        assert_eq!(err.code, Code::SchemaError);
        assert!(err.file.is_some());
    }
}
