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

use std::collections::{HashMap, HashSet};

use cedar_policy::{Entity, EntityId, EntityUid, RestrictedExpression};
use serde_json::{Map, Value as Json};

use crate::schema::RegimeSchema;

/// A lowered value (`ctx.value`'s output) as a Cedar expression.
pub fn expr(schema: &RegimeSchema, json: &Json) -> Result<RestrictedExpression, String> {
    Ok(match json {
        Json::Bool(b) => RestrictedExpression::new_bool(*b),
        Json::Number(n) => RestrictedExpression::new_long(
            n.as_i64()
                .ok_or_else(|| format!("{n} is not a whole number"))?,
        ),
        Json::String(s) => RestrictedExpression::new_string(s.clone()),
        Json::Array(items) => RestrictedExpression::new_set(
            items
                .iter()
                .map(|i| expr(schema, i))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Json::Object(fields) => match single(fields) {
            Some(("__entity", r)) => RestrictedExpression::new_entity_uid(uid(schema, r)?),
            Some(("__extn", call)) => extension(call)?,
            _ => record(schema, fields)?,
        },
        Json::Null => return Err("null is not a Cedar value".into()),
    })
}

/// The attributes of a record (or a context) as Cedar expressions.
pub fn record_fields(
    schema: &RegimeSchema,
    fields: &Map<String, Json>,
) -> Result<Vec<(String, RestrictedExpression)>, String> {
    fields
        .iter()
        .map(|(k, v)| Ok((k.clone(), expr(schema, v)?)))
        .collect()
}

/// A lowered entity (`{"uid", "attrs", "parents"}`) as a Cedar entity.
pub fn entity(schema: &RegimeSchema, json: &Json) -> Result<Entity, String> {
    let id = uid(schema, &json["uid"])?;
    let attrs: HashMap<String, RestrictedExpression> = match &json["attrs"] {
        Json::Object(fields) => record_fields(schema, fields)?.into_iter().collect(),
        _ => HashMap::new(),
    };
    let parents: HashSet<EntityUid> = match &json["parents"] {
        Json::Array(ps) => ps
            .iter()
            .map(|p| uid(schema, p))
            .collect::<Result<_, _>>()?,
        _ => HashSet::new(),
    };
    Entity::new(id, attrs, parents).map_err(|e| e.to_string())
}

/// `{"type": "Ns::Type", "id": "x"}` as an entity uid.
fn uid(schema: &RegimeSchema, json: &Json) -> Result<EntityUid, String> {
    let (Some(ty), Some(id)) = (json["type"].as_str(), json["id"].as_str()) else {
        return Err(format!("{json} is not an entity reference"));
    };
    Ok(EntityUid::from_type_name_and_id(
        schema.type_name(ty)?,
        EntityId::new(id),
    ))
}

fn extension(call: &Json) -> Result<RestrictedExpression, String> {
    let arg = call["arg"].as_str().unwrap_or_default();
    Ok(match call["fn"].as_str() {
        Some("datetime") => RestrictedExpression::new_datetime(arg),
        Some("duration") => RestrictedExpression::new_duration(arg),
        Some("decimal") => RestrictedExpression::new_decimal(arg),
        Some("ip") => RestrictedExpression::new_ip(arg),
        other => return Err(format!("unknown extension function {other:?}")),
    })
}

fn record(
    schema: &RegimeSchema,
    fields: &Map<String, Json>,
) -> Result<RestrictedExpression, String> {
    RestrictedExpression::new_record(record_fields(schema, fields)?).map_err(|e| e.to_string())
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
        let ours = entity(&schema(), &lowered).unwrap();
        let cedars = Entity::from_json_value(lowered, None).unwrap();
        assert_eq!(
            ours.to_json_value().unwrap(),
            cedars.to_json_value().unwrap()
        );
    }

    #[test]
    fn an_entity_reference_inside_a_value_is_a_uid() {
        let v = json!({"__entity": {"type": "Ns::Group", "id": "staff"}});
        let e = expr(&schema(), &v).unwrap();
        let uid =
            EntityUid::from_type_name_and_id("Ns::Group".parse().unwrap(), EntityId::new("staff"));
        assert_eq!(
            format!("{e:?}"),
            format!("{:?}", RestrictedExpression::new_entity_uid(uid))
        );
    }

    #[test]
    fn refuses_what_is_not_a_cedar_value() {
        let s = schema();
        assert!(expr(&s, &json!(null)).is_err());
        assert!(expr(&s, &json!(1.5)).is_err());
        assert!(expr(&s, &json!({"__extn": {"fn": "nope", "arg": "x"}})).is_err());
        assert!(expr(&s, &json!({"__entity": {"type": "Ns::Group"}})).is_err());
    }
}
