//! Cedar types as JSON Schema, the way a case file writes their values:
//! entity references and dates as strings, sets as lists, records as maps.

use serde_json::{json, Map, Value as Json};

use crate::schema::{Record, RegimeSchema, Ty};

/// A date (`2024-05-02`) or an RFC 3339 timestamp (`2024-05-02T10:00:00Z`).
pub const DATETIME_PATTERN: &str = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))?$";

/// A Cedar duration: `72h`, `3d12h`, `-1d`.
pub const DURATION_PATTERN: &str = r"^-?([0-9]+(ms|d|h|m|s))+$";

/// The schema of a moment (`at:` and every `datetime`). `patternErrorMessage`
/// is yaml-language-server's message for a value that does not match.
pub fn moment(description: &str) -> Json {
    json!({
        "description": description,
        "type": "string",
        "pattern": DATETIME_PATTERN,
        "patternErrorMessage": "write a date as 2024-05-02, or a moment as 2024-05-02T10:00:00Z",
    })
}

/// The schema of a value of type `ty`, described for a lawyer.
pub fn value(schema: &RegimeSchema, ty: &Ty) -> Json {
    let description = ty.describe();
    match ty {
        Ty::Bool => json!({"description": description, "type": "boolean"}),
        Ty::Long => json!({"description": description, "type": "integer"}),
        Ty::String | Ty::IpAddr => json!({"description": description, "type": "string"}),
        Ty::Decimal => json!({"description": description, "type": ["string", "number"]}),
        Ty::Datetime => moment(&description),
        Ty::Duration => json!({
            "description": description,
            "type": "string",
            "pattern": DURATION_PATTERN,
            "patternErrorMessage": "write whole numbers with units d, h, m, s or ms, e.g. 72h or 3d12h",
        }),
        Ty::Entity(t) => reference(schema, t),
        Ty::Set(elem) => {
            json!({"description": description, "type": "array", "items": value(schema, elem)})
        }
        Ty::Record(r) => {
            let mut out = record(schema, r, &[], true);
            out["description"] = Json::String(description);
            out
        }
    }
}

/// A reference to an entity of type `ty`: its id, or `Type::id`. Ids of an
/// enumerated type are listed.
pub fn reference(schema: &RegimeSchema, ty: &str) -> Json {
    let description = format!("a `{ty}`: its id, or `{ty}::id`");
    match schema.entities.get(ty).and_then(|d| d.enum_ids.as_ref()) {
        Some(ids) => {
            let qualified = ids.iter().map(|id| format!("{ty}::{id}"));
            let all: Vec<String> = ids.iter().cloned().chain(qualified).collect();
            json!({"description": description, "type": "string", "enum": all})
        }
        None => json!({"description": description, "type": "string"}),
    }
}

/// A record's attributes as an object schema, leaving out `skip`. With
/// `complete`, required attributes are required; without, every attribute is
/// optional and an optional one may be `null` (an override removing it).
pub fn record(schema: &RegimeSchema, r: &Record, skip: &[&str], complete: bool) -> Json {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, attr) in &r.attrs {
        if skip.contains(&name.as_str()) {
            continue;
        }
        let mut value = value(schema, &attr.ty);
        if !attr.required {
            let optional = format!("{} (optional)", description_of(&value));
            value["description"] = Json::String(optional);
            if !complete {
                nullable(&mut value);
            }
        } else if complete {
            required.push(name.clone());
        }
        properties.insert(name.clone(), value);
    }
    let mut out = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    });
    if !required.is_empty() {
        out["required"] = json!(required);
    }
    out
}

/// Lets `null` through too: in an override, `null` removes an optional attribute.
fn nullable(schema: &mut Json) {
    if let Some(Json::String(ty)) = schema.get("type").cloned() {
        schema["type"] = json!([ty, "null"]);
    } else if let Some(Json::Array(types)) = schema.get_mut("type") {
        types.push(json!("null"));
    }
    if let Some(Json::Array(ids)) = schema.get_mut("enum") {
        ids.push(Json::Null);
    }
}

fn description_of(schema: &Json) -> &str {
    schema["description"].as_str().unwrap_or_default()
}
