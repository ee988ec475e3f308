//! Counterexamples as cases: the request and entities the solver found,
//! written as a scenario in the regime's case format (plain ids, plain dates,
//! entities grouped by type, `in:` parents, `at:` for `context.now`), so that
//! a lawyer can paste it into a case file and `lexgate check` reproduces it.
//!
//! Everything is read through the schema: an attribute's declared type says
//! whether a value is an entity reference, a date or a duration. Derived
//! attributes are left out, because a case may not write them: lexgate
//! computes them from their sources when the case is lowered.

use std::collections::{BTreeMap, BTreeSet};

use cedar_policy::{Entities, EntityUid, Request};
use serde_json::Value as Json;

use crate::derive::Derivations;
use crate::schema::{Record, RegimeSchema, Ty};

/// What the scenario says about itself.
#[derive(Debug, Clone)]
pub struct ScenarioMeta<'a> {
    /// Its name.
    pub name: &'a str,
    /// The requirements it exercises.
    pub requirements: &'a [String],
    /// `allow` or `deny`: what the law expects.
    pub expect: &'a str,
    /// A comment line above it (why it was written).
    pub comment: &'a str,
}

/// A counterexample written as a case.
#[derive(Debug, Clone)]
pub struct CaseText {
    /// One item of a `scenarios:` list (indented by two spaces, starting
    /// with `  - name:`).
    pub yaml: String,
    /// The id each solver entity (short type, id) has in the case.
    pub ids: BTreeMap<(String, String), String>,
}

/// Writes the counterexample as a case.
pub fn scenario_yaml(
    schema: &RegimeSchema,
    derivations: Option<&Derivations>,
    request: &Request,
    entities: &Entities,
    meta: &ScenarioMeta<'_>,
) -> Result<CaseText, String> {
    let json = entities.to_json_value().map_err(|e| e.to_string())?;
    let list = json.as_array().cloned().unwrap_or_default();
    let namespace_prefix = format!("{}::", schema.namespace);
    let short = |ty: &str| ty.strip_prefix(&namespace_prefix).unwrap_or(ty).to_string();

    // The entities, by type and id, without the actions.
    let mut by_type: BTreeMap<String, BTreeMap<String, &Json>> = BTreeMap::new();
    for e in &list {
        let (ty, id) = uid_of(&e["uid"]).ok_or("an entity without a uid")?;
        if ty.ends_with("Action") {
            continue;
        }
        by_type.entry(short(&ty)).or_default().insert(id, e);
    }
    let mut names = Names::default();
    for (ty, ids) in &by_type {
        for id in ids.keys() {
            names.declare(ty, id);
        }
    }
    let principal = request.principal().ok_or("the request has no principal")?;
    let resource = request.resource().ok_or("the request has no resource")?;
    let action = request.action().ok_or("the request has no action")?;
    for uid in [principal, resource] {
        names.declare(&short(&uid.type_name().to_string()), uid.id().unescaped());
    }
    let mut moments = Vec::new();
    collect_moments(&json, &mut moments);
    if let Some(ctx) = request.context() {
        collect_moments(
            &ctx.to_json_value().map_err(|e| e.to_string())?,
            &mut moments,
        );
    }
    let writer = Writer {
        names: &names,
        short: &short,
        moments: Moments::new(moments),
    };

    let mut out = String::new();
    if !meta.comment.is_empty() {
        out.push_str(&format!("  # {}\n", meta.comment));
    }
    out.push_str(&format!("  - name: {}\n", quote(meta.name)));
    out.push_str(&format!(
        "    requirements: [{}]\n",
        meta.requirements.join(", ")
    ));
    let context = request
        .context()
        .ok_or("the request has no context")?
        .to_json_value()
        .map_err(|e| e.to_string())?;
    let action_name = action.id().unescaped().to_string();
    let decl = schema
        .actions
        .get(&action_name)
        .ok_or_else(|| format!("the schema has no action `{action_name}`"))?;
    if let Some(now) = context.get("now") {
        out.push_str(&format!("    at: {}\n", writer.value(now, &Ty::Datetime)?));
    }
    out.push_str(&format!("    principal: {}\n", writer.uid(principal)));
    out.push_str(&format!("    action: {action_name}\n"));
    out.push_str(&format!("    resource: {}\n", writer.uid(resource)));
    let mut ctx = decl.context.clone();
    ctx.attrs.remove("now");
    let fields = writer.record(&context, &ctx)?;
    if fields != "{}" {
        out.push_str(&format!("    context: {fields}\n"));
    }
    // Principal and resource always appear, even when the model left them out.
    for uid in [principal, resource] {
        by_type
            .entry(short(&uid.type_name().to_string()))
            .or_default()
            .entry(uid.id().unescaped().to_string())
            .or_insert(&Json::Null);
    }
    out.push_str("    entities:\n");
    for (ty, ids) in &by_type {
        let decl = schema.entities.get(ty);
        out.push_str(&format!("      {ty}:\n"));
        for (id, e) in ids {
            let mut attrs = decl.map(|d| d.attrs.clone()).unwrap_or_default();
            if let Some(d) = derivations {
                for rule in d.rules_for(ty) {
                    attrs.attrs.remove(&rule.attribute);
                }
            }
            let mut body = if e.is_null() {
                "{}".to_string()
            } else {
                writer.record(&e["attrs"], &attrs)?
            };
            let parents: Vec<String> = e
                .get("parents")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(uid_of)
                .filter(|(t, _)| !t.ends_with("Action"))
                .map(|(t, i)| names.text(&short(&t), &i))
                .collect();
            if !parents.is_empty() {
                let parents = format!("in: [{}]", parents.join(", "));
                body = if body == "{}" {
                    format!("{{{parents}}}")
                } else {
                    format!("{}, {parents}}}", &body[..body.len() - 1])
                };
            }
            out.push_str(&format!("        {}: {body}\n", names.key(ty, id)));
        }
    }
    out.push_str(&format!("    expect: {}\n", meta.expect));
    Ok(CaseText {
        yaml: out,
        ids: names.renamed,
    })
}

/// The ids the scenario uses: plain when unique and simple, renamed when the
/// solver chose one that cannot be written plainly (such as the empty id).
#[derive(Default)]
struct Names {
    renamed: BTreeMap<(String, String), String>,
    types_of: BTreeMap<String, BTreeSet<String>>,
}

impl Names {
    fn declare(&mut self, ty: &str, id: &str) {
        let key = (ty.to_string(), id.to_string());
        if self.renamed.contains_key(&key) {
            return;
        }
        let plain = if is_plain(id) {
            id.to_string()
        } else {
            let n = self.renamed.keys().filter(|(t, _)| t == ty).count() + 1;
            format!("cx-{}-{n}", ty.to_lowercase())
        };
        self.types_of
            .entry(plain.clone())
            .or_default()
            .insert(ty.to_string());
        self.renamed.insert(key, plain);
    }

    /// The id as written under its type in `entities:`.
    fn key(&self, ty: &str, id: &str) -> String {
        self.renamed
            .get(&(ty.to_string(), id.to_string()))
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// A reference: the plain id, or `Type::id` when the id names entities
    /// of more than one type.
    fn text(&self, ty: &str, id: &str) -> String {
        let key = self.key(ty, id);
        if self.types_of.get(&key).is_some_and(|t| t.len() > 1) {
            format!("{ty}::{key}")
        } else {
            key
        }
    }
}

/// An id that reads as itself in YAML and in lexgate's `Type::id` syntax.
fn is_plain(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !matches!(id, "true" | "false" | "null" | "yes" | "no" | "on" | "off")
}

struct Writer<'a> {
    names: &'a Names,
    short: &'a dyn Fn(&str) -> String,
    moments: Moments,
}

/// The solver picks moments anywhere in Cedar's 64-bit range, far beyond
/// any calendar. They are moved, in order, to start at [`ANCHOR_MS`]:
/// gaps up to [`MAX_GAP_MS`] are kept exactly (so comparisons with any
/// offset shorter than that keep their outcome), longer gaps shrink to it.
/// The re-run through the authorizer checks that nothing changed.
struct Moments {
    map: BTreeMap<i64, i64>,
}

/// 2000-01-01T00:00:00Z.
const ANCHOR_MS: i64 = 946_684_800_000;
/// 20 years of 365.25 days.
const MAX_GAP_MS: i64 = 7_305 * 86_400_000;

impl Moments {
    fn new(mut all: Vec<i64>) -> Self {
        all.sort_unstable();
        all.dedup();
        let mut map = BTreeMap::new();
        let mut prev: Option<(i64, i64)> = None;
        for ms in all {
            let to = match prev {
                None => ANCHOR_MS,
                Some((from, to)) => to + (ms.saturating_sub(from)).min(MAX_GAP_MS),
            };
            map.insert(ms, to);
            prev = Some((ms, to));
        }
        Self { map }
    }

    fn get(&self, ms: i64) -> i64 {
        self.map.get(&ms).copied().unwrap_or(ms)
    }
}

/// Every datetime value (not duration) anywhere in a JSON tree.
fn collect_moments(json: &Json, out: &mut Vec<i64>) {
    match json {
        Json::Object(map) => {
            let is_moment = map
                .get("__extn")
                .and_then(|e| e.get("fn"))
                .and_then(Json::as_str)
                .is_some_and(|f| f == "datetime" || f == "offset");
            if is_moment {
                out.extend(millis(json));
            } else {
                map.values().for_each(|v| collect_moments(v, out));
            }
        }
        Json::Array(items) => items.iter().for_each(|v| collect_moments(v, out)),
        _ => {}
    }
}

impl Writer<'_> {
    fn uid(&self, uid: &EntityUid) -> String {
        self.names.text(
            &(self.short)(&uid.type_name().to_string()),
            uid.id().unescaped(),
        )
    }

    /// A record as a YAML flow mapping, attributes in schema order.
    fn record(&self, json: &Json, record: &Record) -> Result<String, String> {
        let mut fields = Vec::new();
        for (name, attr) in &record.attrs {
            match json.get(name) {
                Some(v) => fields.push(format!("{name}: {}", self.value(v, &attr.ty)?)),
                None if attr.required => {
                    return Err(format!("the counterexample has no value for `{name}`"))
                }
                None => {}
            }
        }
        Ok(format!("{{{}}}", fields.join(", ")))
    }

    fn value(&self, json: &Json, ty: &Ty) -> Result<String, String> {
        Ok(match ty {
            Ty::Bool | Ty::Long => json.to_string(),
            Ty::String => quote(json.as_str().ok_or("a string that is not text")?),
            Ty::Entity(_) => {
                let (t, id) = uid_of(json).ok_or("an entity reference without a uid")?;
                self.names.text(&(self.short)(&t), &id)
            }
            Ty::Set(elem) => {
                let mut items = json
                    .as_array()
                    .ok_or("a set that is not a list")?
                    .iter()
                    .map(|v| self.value(v, elem))
                    .collect::<Result<Vec<_>, _>>()?;
                items.sort();
                format!("[{}]", items.join(", "))
            }
            Ty::Record(r) => self.record(json, r)?,
            Ty::Datetime => {
                let ms = millis(json).ok_or("a datetime the solver wrote in an unknown form")?;
                datetime_text(self.moments.get(ms))?
            }
            Ty::Duration => {
                let ms = millis(json).ok_or("a duration the solver wrote in an unknown form")?;
                quote(&duration_text(ms))
            }
            Ty::Decimal | Ty::IpAddr => quote(
                extension_arg(json)
                    .ok_or("an extension value the solver wrote in an unknown form")?,
            ),
        })
    }
}

/// A value in words: a datetime as a date or timestamp, anything else as JSON.
pub fn value_text(json: &Json) -> String {
    millis(json)
        .and_then(|ms| datetime_text(ms).ok())
        .unwrap_or_else(|| json.to_string())
}

/// `{"type", "id"}` or `{"__entity": {"type", "id"}}`.
fn uid_of(json: &Json) -> Option<(String, String)> {
    let inner = json.get("__entity").unwrap_or(json);
    Some((
        inner.get("type")?.as_str()?.to_string(),
        inner.get("id")?.as_str()?.to_string(),
    ))
}

fn extension_arg(json: &Json) -> Option<&str> {
    json.get("__extn")?.get("arg")?.as_str()
}

/// Milliseconds of a datetime (since the epoch) or of a duration, as Cedar
/// writes them in JSON: `datetime("…")`, `duration("…")`, or `offset(a, b)`.
fn millis(json: &Json) -> Option<i64> {
    let extn = json.get("__extn")?;
    let func = extn.get("fn")?.as_str()?;
    match func {
        "datetime" => {
            let arg = extn.get("arg")?.as_str()?;
            parse_datetime_ms(arg)
        }
        "duration" => parse_duration_ms(extn.get("arg")?.as_str()?),
        "offset" => {
            let args = extn.get("args")?.as_array()?;
            millis(args.first()?)?.checked_add(millis(args.get(1)?)?)
        }
        _ => None,
    }
}

fn parse_datetime_ms(text: &str) -> Option<i64> {
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(ts.as_millisecond());
    }
    let date: jiff::civil::Date = text.parse().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}

fn parse_duration_ms(text: &str) -> Option<i64> {
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let mut total: i64 = 0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: i64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, len) = if rest.starts_with("ms") {
            (1, 2)
        } else {
            match rest.chars().next()? {
                'd' => (86_400_000, 1),
                'h' => (3_600_000, 1),
                'm' => (60_000, 1),
                's' => (1_000, 1),
                _ => return None,
            }
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
        rest = &rest[len..];
    }
    Some(if negative { -total } else { total })
}

/// A plain date at midnight UTC, an RFC 3339 timestamp otherwise.
fn datetime_text(ms: i64) -> Result<String, String> {
    let ts = jiff::Timestamp::from_millisecond(ms)
        .map_err(|_| format!("the solver chose a moment outside the calendar ({ms} ms)"))?;
    let utc = ts.to_zoned(jiff::tz::TimeZone::UTC);
    if utc.time() == jiff::civil::Time::midnight() {
        Ok(utc.date().to_string())
    } else if utc.time().subsec_nanosecond() == 0 {
        Ok(quote(&utc.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()))
    } else {
        Ok(quote(&utc.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()))
    }
}

/// Cedar's duration syntax, largest units first: `1d2h3ms`.
fn duration_text(ms: i64) -> String {
    if ms == 0 {
        return "0ms".into();
    }
    let mut rest = ms.unsigned_abs();
    let mut out = String::from(if ms < 0 { "-" } else { "" });
    for (unit, size) in [
        ("d", 86_400_000u64),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

/// A YAML scalar that reads back as exactly this text.
fn quote(text: &str) -> String {
    if is_plain(text) {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_read_in_every_form_cedar_writes() {
        let offset = serde_json::json!({"__extn": {"fn": "offset", "args": [
            {"__extn": {"fn": "datetime", "arg": "1970-01-01"}},
            {"__extn": {"fn": "duration", "arg": "1714608000000ms"}}]}});
        assert_eq!(
            datetime_text(millis(&offset).unwrap()).unwrap(),
            "2024-05-02"
        );
        let plain =
            serde_json::json!({"__extn": {"fn": "datetime", "arg": "2024-05-02T10:00:00Z"}});
        assert_eq!(
            datetime_text(millis(&plain).unwrap()).unwrap(),
            "\"2024-05-02T10:00:00Z\""
        );
    }

    #[test]
    fn moments_keep_their_order_and_short_gaps() {
        let m = Moments::new(vec![i64::MIN + 5, i64::MIN + 3_600_005, 0, i64::MAX]);
        assert_eq!(m.get(i64::MIN + 5), ANCHOR_MS);
        assert_eq!(m.get(i64::MIN + 3_600_005), ANCHOR_MS + 3_600_000);
        assert_eq!(m.get(0), ANCHOR_MS + 3_600_000 + MAX_GAP_MS);
        assert!(m.get(i64::MAX) > m.get(0));
    }

    #[test]
    fn durations_are_written_largest_unit_first() {
        assert_eq!(duration_text(90_061_001), "1d1h1m1s1ms");
        assert_eq!(duration_text(-3_600_000), "-1h");
        assert_eq!(parse_duration_ms("1d2h"), Some(93_600_000));
    }

    #[test]
    fn ids_that_cannot_be_written_plainly_are_renamed() {
        let mut names = Names::default();
        names.declare("Person", "");
        names.declare("Person", "ona");
        names.declare("Company", "ona");
        assert_eq!(names.key("Person", ""), "cx-person-1");
        assert_eq!(names.text("Person", "ona"), "Person::ona");
        assert!(!is_plain("true") && !is_plain("1") && is_plain("uab_alfa"));
    }
}
