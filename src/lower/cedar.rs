//! Lowered values to Cedar's own types, without Cedar's JSON parser.
//!
//! Lowering writes every value in Cedar's explicit JSON form (`__entity` for
//! references, `__extn` for datetimes, durations, decimals and addresses), so
//! reading it back needs no schema. Building [`RestrictedExpression`]s here
//! skips Cedar's JSON parser, whose untagged deserialisation (an error built
//! and thrown away for every variant it tries) cost more than the
//! authorisation of the request. Conformance to the schema is still checked
//! by Cedar: entities when they join an [`cedar_policy::Entities`] with the
//! schema, contexts by [`cedar_policy::Request::new`].

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use cedar_policy::{Entity, EntityId, EntityUid, RestrictedExpression};
use serde_json::{Map, Value as Json};

use crate::schema::RegimeSchema;

/// Builds the Cedar values of one case file.
///
/// It remembers the extension values it has built (a file uses the same few
/// dates again and again): Cedar parses the function's name (`datetime`)
/// each time it builds one, which costs more than the rest of the value.
pub struct Values<'a> {
    schema: &'a RegimeSchema,
    extensions: RefCell<HashMap<(String, String), RestrictedExpression>>,
}

impl<'a> Values<'a> {
    /// A builder for values of `schema`'s types.
    pub fn new(schema: &'a RegimeSchema) -> Self {
        Self {
            schema,
            extensions: RefCell::default(),
        }
    }

    /// A lowered value (`ctx.value`'s output) as a Cedar expression.
    pub fn expr(&self, json: &Json) -> Result<RestrictedExpression, String> {
        Ok(match json {
            Json::Bool(b) => RestrictedExpression::new_bool(*b),
            Json::Number(n) => RestrictedExpression::new_long(
                n.as_i64()
                    .ok_or_else(|| format!("{n} is not a whole number"))?,
            ),
            Json::String(s) => RestrictedExpression::new_string(s.clone()),
            Json::Array(items) => {
                RestrictedExpression::new_set(items.iter().map(|i| self.expr(i)).collect::<Result<
                    Vec<_>,
                    _,
                >>(
                )?)
            }
            Json::Object(fields) => match single(fields) {
                Some(("__entity", r)) => RestrictedExpression::new_entity_uid(self.uid(r)?),
                Some(("__extn", call)) => self.extension(call)?,
                _ => RestrictedExpression::new_record(self.record_fields(fields)?)
                    .map_err(|e| e.to_string())?,
            },
            Json::Null => return Err("null is not a Cedar value".into()),
        })
    }

    /// The attributes of a record (or a context) as Cedar expressions.
    pub fn record_fields(
        &self,
        fields: &Map<String, Json>,
    ) -> Result<Vec<(String, RestrictedExpression)>, String> {
        fields
            .iter()
            .map(|(k, v)| Ok((k.clone(), self.expr(v)?)))
            .collect()
    }

    /// A lowered entity (`{"uid", "attrs", "parents"}`) as a Cedar entity.
    pub fn entity(&self, json: &Json) -> Result<Entity, String> {
        let id = self.uid(&json["uid"])?;
        let attrs: HashMap<String, RestrictedExpression> = match &json["attrs"] {
            Json::Object(fields) => self.record_fields(fields)?.into_iter().collect(),
            _ => HashMap::new(),
        };
        let parents: HashSet<EntityUid> = match &json["parents"] {
            Json::Array(ps) => ps.iter().map(|p| self.uid(p)).collect::<Result<_, _>>()?,
            _ => HashSet::new(),
        };
        Entity::new(id, attrs, parents).map_err(|e| e.to_string())
    }

    /// `{"type": "Ns::Type", "id": "x"}` as an entity uid.
    fn uid(&self, json: &Json) -> Result<EntityUid, String> {
        let (Some(ty), Some(id)) = (json["type"].as_str(), json["id"].as_str()) else {
            return Err(format!("{json} is not an entity reference"));
        };
        Ok(EntityUid::from_type_name_and_id(
            self.schema.type_name(ty)?,
            EntityId::new(id),
        ))
    }

    fn extension(&self, call: &Json) -> Result<RestrictedExpression, String> {
        let name = call["fn"].as_str().unwrap_or_default();
        let arg = call["arg"].as_str().unwrap_or_default();
        let key = (name.to_string(), arg.to_string());
        if let Some(built) = self.extensions.borrow().get(&key) {
            return Ok(built.clone());
        }
        let built = match name {
            "datetime" => RestrictedExpression::new_datetime(arg),
            "duration" => RestrictedExpression::new_duration(arg),
            "decimal" => RestrictedExpression::new_decimal(arg),
            "ip" => RestrictedExpression::new_ip(arg),
            other => return Err(format!("unknown extension function `{other}`")),
        };
        self.extensions.borrow_mut().insert(key, built.clone());
        Ok(built)
    }
}

fn single(fields: &Map<String, Json>) -> Option<(&str, &Json)> {
    let mut it = fields.iter();
    match (it.next(), it.next()) {
        (Some((k, v)), None) => Some((k.as_str(), v)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use serde_json::json;

    fn schema() -> RegimeSchema {
        let text = "namespace Ns { entity Group; entity Person in [Group] { name: String, born: datetime, tags: Set<String>, home: { city: String } }; }";
        RegimeSchema::parse(&SourceFile::from_text("s.cedarschema", text)).unwrap()
    }

    #[test]
    fn builds_the_same_entity_as_cedars_json_parser() {
        let lowered = json!({
            "uid": {"type": "Ns::Person", "id": "ana"},
            "attrs": {
                "name": "Ana",
                "born": {"__extn": {"fn": "datetime", "arg": "1990-01-02"}},
                "tags": ["a", "b"],
                "home": {"city": "Vilnius"}
            },
            "parents": [{"type": "Ns::Group", "id": "staff"}]
        });
        let schema = schema();
        let ours = Values::new(&schema).entity(&lowered).unwrap();
        let cedars = Entity::from_json_value(lowered, None).unwrap();
        assert_eq!(
            ours.to_json_value().unwrap(),
            cedars.to_json_value().unwrap()
        );
    }

    #[test]
    fn an_entity_reference_inside_a_value_is_a_uid() {
        let v = json!({"__entity": {"type": "Ns::Group", "id": "staff"}});
        let schema = schema();
        let e = Values::new(&schema).expr(&v).unwrap();
        let uid =
            EntityUid::from_type_name_and_id("Ns::Group".parse().unwrap(), EntityId::new("staff"));
        assert_eq!(
            format!("{e:?}"),
            format!("{:?}", RestrictedExpression::new_entity_uid(uid))
        );
    }

    #[test]
    fn refuses_what_is_not_a_cedar_value() {
        let schema = schema();
        let values = Values::new(&schema);
        assert!(values.expr(&json!(null)).is_err());
        assert!(values.expr(&json!(1.5)).is_err());
        assert!(values
            .expr(&json!({"__extn": {"fn": "nope", "arg": "x"}}))
            .is_err());
        assert!(values
            .expr(&json!({"__entity": {"type": "Ns::Group"}}))
            .is_err());
    }

    #[test]
    fn a_remembered_extension_value_is_the_same_value() {
        let schema = schema();
        let values = Values::new(&schema);
        let day = json!({"__extn": {"fn": "datetime", "arg": "2024-05-02"}});
        let other = json!({"__extn": {"fn": "datetime", "arg": "2024-05-03"}});
        let first = values.expr(&day).unwrap();
        assert_eq!(
            format!("{:?}", values.expr(&day).unwrap()),
            format!("{first:?}")
        );
        assert_ne!(
            format!("{:?}", values.expr(&other).unwrap()),
            format!("{first:?}")
        );
        let fresh = RestrictedExpression::new_datetime("2024-05-02");
        assert_eq!(format!("{fresh:?}"), format!("{first:?}"));
    }
}
