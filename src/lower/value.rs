//! YAML values to Cedar JSON values, through the schema's types.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value as Json};
use serde_yaml::Value;

use crate::derive::Derivations;
use crate::diagnostic::{did_you_mean, Code, Diag};
use crate::schema::{Record, RegimeSchema, Ty};
use crate::source::SourceFile;
use crate::yaml::{Path, YamlIndex};

/// The entities that exist for a lowering: type → ids.
pub type Known = BTreeMap<String, BTreeSet<String>>;

/// Everything needed to lower values of one file, and to point into it.
pub struct Ctx<'a> {
    /// The regime's schema.
    pub schema: &'a RegimeSchema,
    /// The file being lowered.
    pub file: &'a SourceFile,
    /// Its positions.
    pub index: &'a YamlIndex,
    /// The regime's derived dates.
    pub derivations: Option<&'a Derivations>,
}

/// A reference to an entity, resolved.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ref {
    /// Short type name.
    pub ty: String,
    /// The id.
    pub id: String,
}

impl Ctx<'_> {
    /// A diagnostic underlining the value at `path`.
    pub fn at_value(
        &self,
        code: Code,
        message: impl Into<String>,
        path: &Path,
        label: &str,
    ) -> Diag {
        Diag::new(code, message).at(self.file, self.index.value_span(path), label)
    }

    /// The scalar at `path` as written in the file (`None` for an alias or
    /// a quoted scalar).
    fn scalar_text(&self, path: &Path) -> Option<String> {
        let span = self.index.value_span(path);
        let text = self
            .file
            .text
            .get(span.offset()..span.offset() + span.len())?
            .trim();
        (!text.is_empty() && !text.starts_with(['*', '"', '\''])).then(|| text.to_string())
    }

    /// A YAML number where the schema says `decimal`, read from the file's
    /// text so that no digit is lost to floating point.
    fn decimal_literal(&self, path: &Path) -> Result<String, Box<Diag>> {
        let written = self.scalar_text(path);
        let refuse = |message: String, help: &str| {
            Err(self
                .at_value(Code::WrongType, message, path, "not a Cedar decimal")
                .with_help(help)
                .boxed())
        };
        let Some(written) = written else {
            return refuse(
                "a decimal must be written out here, not through an alias".into(),
                "write the number itself, or in quotes: \"12.5\"",
            );
        };
        let Some(text) = decimal_text(&written) else {
            return refuse(
                format!("`{written}` is not written as Cedar writes a decimal"),
                "write digits with an optional point, e.g. 12.5 or \"12.5\"",
            );
        };
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        if fraction.len() > 4 {
            return refuse(
                format!(
                    "`{written}` has {} digits after the point; Cedar's decimals have at most four",
                    fraction.len()
                ),
                "round it in the case file to four digits, as Cedar would refuse it otherwise",
            );
        }
        let limit = if whole.starts_with('-') {
            i64::MIN.unsigned_abs()
        } else {
            i64::MAX.unsigned_abs()
        };
        let scaled = format!("{}{fraction:0<4}", whole.trim_start_matches('-')).parse::<u64>();
        if scaled.map_or(true, |n| n > limit) {
            return refuse(
                format!("`{written}` is outside the range of Cedar's decimals"),
                "Cedar's decimals run from -922337203685477.5808 to 922337203685477.5807",
            );
        }
        Ok(text)
    }

    /// A diagnostic underlining the key at `path`.
    pub fn at_key(&self, code: Code, message: impl Into<String>, path: &Path, label: &str) -> Diag {
        Diag::new(code, message).at(self.file, self.index.key_span(path), label)
    }

    /// Lowers `value` of type `ty` at `path` into Cedar's JSON form.
    pub fn value(
        &self,
        value: &Value,
        ty: &Ty,
        path: &Path,
        known: &Known,
    ) -> Result<Json, Box<Diag>> {
        let wrong = |what: &str| {
            self.at_value(
                Code::WrongType,
                format!("expected {}, found {what}", ty.describe()),
                path,
                "wrong type",
            )
            .boxed()
        };
        if let Value::Tagged(t) = value {
            return Err(self
                .at_value(
                    Code::WrongType,
                    format!("YAML tags such as `{}` are not used in case files", t.tag),
                    path,
                    "tag",
                )
                .with_help("write the plain value")
                .boxed());
        }
        match (ty, value) {
            (_, Value::Null) => Err(self
                .at_value(
                    Code::MissingAttribute,
                    format!("expected {}, found nothing", ty.describe()),
                    path,
                    "no value",
                )
                .boxed()),
            (Ty::Bool, Value::Bool(b)) => Ok(Json::Bool(*b)),
            (Ty::Bool, Value::String(s)) => Err(with_help(
                wrong(&format!("the text `{s}`")),
                "write true or false, without quotes",
            )),
            (Ty::Long, Value::Number(n)) => match n.as_i64() {
                Some(i) => Ok(json!(i)),
                None if n.is_f64() && n.as_f64().is_some_and(|f| f.fract() != 0.0) => {
                    Err(wrong(&format!("the number {n}")))
                }
                None => Err(with_help(
                    wrong(&format!("the number {}", self.scalar_text(path).unwrap_or(n.to_string()))),
                    "Cedar's whole numbers (Long) run from -9223372036854775808 to 9223372036854775807",
                )),
            },
            (Ty::String, Value::String(s)) => Ok(Json::String(s.clone())),
            (Ty::String, Value::Number(n)) => Err(with_help(
                wrong(&format!("the number {n}")),
                &format!("quote it: \"{n}\""),
            )),
            (Ty::String, Value::Bool(b)) => Err(with_help(
                wrong(&format!("the boolean {b}")),
                &format!("quote it: \"{b}\""),
            )),
            (Ty::Entity(t), Value::String(s)) => {
                let r = self.reference(s, std::slice::from_ref(t), path, known)?;
                Ok(self.entity_json(&r))
            }
            (Ty::Set(elem), Value::Sequence(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| self.value(v, elem, &path.index(i), known))
                .collect::<Result<Vec<_>, _>>()
                .map(Json::Array),
            (Ty::Record(record), Value::Mapping(map)) => {
                let pairs: Vec<(String, Value, Path)> = map
                    .iter()
                    .map(|(k, v)| {
                        let k = key_text(k);
                        let p = path.key(k.clone());
                        (k, v.clone(), p)
                    })
                    .collect();
                self.record(&pairs, record, path, "this record", known)
                    .map(Json::Object)
            }
            (Ty::Datetime, Value::String(s)) => datetime(s)
                .map(|d| json!({"__extn": {"fn": "datetime", "arg": d}}))
                .map_err(|why| {
                    self.at_value(
                        Code::BadDate,
                        format!("`{s}` is not a valid date or timestamp: {why}"),
                        path,
                        "bad date",
                    )
                    .with_help(date_help(s))
                    .boxed()
                }),
            (Ty::Duration, Value::String(s)) => {
                if is_duration(s) {
                    Ok(json!({"__extn": {"fn": "duration", "arg": s}}))
                } else {
                    Err(self
                        .at_value(
                            Code::WrongType,
                            format!("`{s}` is not a duration"),
                            path,
                            "bad duration",
                        )
                        .with_help(
                            "write whole numbers with units d, h, m, s, ms, e.g. 72h or 3d12h",
                        )
                        .boxed())
                }
            }
            (Ty::Decimal, Value::String(s)) => Ok(json!({"__extn": {"fn": "decimal", "arg": s}})),
            (Ty::Decimal, Value::Number(_)) => self
                .decimal_literal(path)
                .map(|text| json!({"__extn": {"fn": "decimal", "arg": text}})),
            (Ty::IpAddr, Value::String(s)) => Ok(json!({"__extn": {"fn": "ip", "arg": s}})),
            (_, other) => Err(wrong(&describe_yaml(other))),
        }
    }

    /// Lowers the attributes `pairs` (name, value, path) against `record`,
    /// reporting unknown and missing attributes. `owner` names what has them.
    pub fn record(
        &self,
        pairs: &[(String, Value, Path)],
        record: &Record,
        owner_path: &Path,
        owner: &str,
        known: &Known,
    ) -> Result<serde_json::Map<String, Json>, Box<Diag>> {
        let mut out = serde_json::Map::new();
        for (name, value, path) in pairs {
            let Some(attr) = record.attrs.get(name) else {
                let help = did_you_mean(name, record.attrs.keys().map(String::as_str))
                    .unwrap_or_else(|| {
                        if record.attrs.is_empty() {
                            format!("{owner} has no attributes in the schema")
                        } else {
                            format!(
                                "the attributes of {owner} are: {}",
                                record
                                    .attrs
                                    .keys()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }
                    });
                return Err(self
                    .at_key(
                        Code::UnknownAttribute,
                        format!("{owner} has no attribute `{name}`"),
                        path,
                        "unknown attribute",
                    )
                    .with_help(help)
                    .boxed());
            };
            out.insert(name.clone(), self.value(value, &attr.ty, path, known)?);
        }
        let missing: Vec<&String> = record
            .attrs
            .iter()
            .filter(|(k, a)| a.required && !out.contains_key(*k))
            .map(|(k, _)| k)
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(self
                .at_key(Code::MissingAttribute, format!("{owner} lacks the required attribute(s) {list}"), owner_path, "declared here")
                .with_help("the schema requires a value for each; give one, or make the attribute optional in the schema")
                .boxed());
        }
        Ok(out)
    }

    /// Resolves a reference written as `id` or `Type::id` to one of `allowed`
    /// types, checking that the entity exists.
    pub fn reference(
        &self,
        text: &str,
        allowed: &[String],
        path: &Path,
        known: &Known,
    ) -> Result<Ref, Box<Diag>> {
        let allowed_list = || {
            allowed
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        if let Some((ty, id)) = split_ref(text, &self.schema.namespace) {
            if !self.schema.entities.contains_key(&ty) {
                return Err(self
                    .at_value(
                        Code::UnknownEntityType,
                        format!("there is no entity type `{ty}` in the schema"),
                        path,
                        "unknown type",
                    )
                    .with_help_opt(did_you_mean(
                        &ty,
                        self.schema.entities.keys().map(String::as_str),
                    ))
                    .boxed());
            }
            if !allowed.is_empty() && !allowed.contains(&ty) {
                return Err(self
                    .at_value(
                        Code::WrongType,
                        format!("expected a reference to {}, found a `{ty}`", allowed_list()),
                        path,
                        "wrong entity type",
                    )
                    .boxed());
            }
            let r = Ref { ty, id };
            return if self.exists(&r, known) {
                Ok(r)
            } else {
                Err(self.unknown(&r.id, std::slice::from_ref(&r.ty), path, known))
            };
        }
        let matches: Vec<Ref> = allowed
            .iter()
            .map(|t| Ref {
                ty: t.clone(),
                id: text.to_string(),
            })
            .filter(|r| self.exists(r, known))
            .collect();
        match matches.len() {
            1 => Ok(matches.into_iter().next().expect("one match")),
            0 => Err(self.unknown(text, allowed, path, known)),
            _ => Err(self
                .at_value(
                    Code::AmbiguousEntity,
                    format!(
                        "`{text}` names entities of several types: {}",
                        matches
                            .iter()
                            .map(|r| format!("`{}`", r.ty))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    path,
                    "ambiguous",
                )
                .with_help(format!(
                    "write the type too, e.g. `{}::{text}`",
                    matches[0].ty
                ))
                .boxed()),
        }
    }

    fn exists(&self, r: &Ref, known: &Known) -> bool {
        let in_enum = self
            .schema
            .entities
            .get(&r.ty)
            .and_then(|d| d.enum_ids.as_ref())
            .is_some_and(|ids| ids.contains(&r.id));
        in_enum || known.get(&r.ty).is_some_and(|ids| ids.contains(&r.id))
    }

    fn unknown(&self, id: &str, types: &[String], path: &Path, known: &Known) -> Box<Diag> {
        let candidates: Vec<&str> = types
            .iter()
            .flat_map(|t| {
                let declared = known.get(t).into_iter().flatten().map(String::as_str);
                let enumerated = self
                    .schema
                    .entities
                    .get(t)
                    .and_then(|d| d.enum_ids.as_ref())
                    .into_iter()
                    .flatten()
                    .map(String::as_str);
                declared.chain(enumerated)
            })
            .collect();
        let kinds = types
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        let mut diag = self
            .at_value(Code::UnknownEntity, format!("there is no {kinds} with id `{id}`"), path, "unknown entity")
            .with_help(did_you_mean(id, candidates).unwrap_or_else(|| {
                format!("declare it under `entities:` (as {kinds}) in the file's fixtures or in this scenario")
            }));
        diag.missing_id = Some(id.to_string());
        diag.boxed()
    }

    /// Cedar's JSON for a reference.
    pub fn entity_json(&self, r: &Ref) -> Json {
        json!({"__entity": {"type": self.schema.qualified(&r.ty), "id": r.id}})
    }
}

fn with_help(mut diag: Box<Diag>, help: &str) -> Box<Diag> {
    diag.help = Some(help.to_string());
    diag
}

/// Splits `Type::id` (or `Ns::Type::"id"`) into short type and id.
pub fn split_ref(text: &str, namespace: &str) -> Option<(String, String)> {
    let (ty, id) = text.rsplit_once("::")?;
    let ty = ty.strip_prefix(&format!("{namespace}::")).unwrap_or(ty);
    let id = id
        .strip_prefix('"')
        .and_then(|i| i.strip_suffix('"'))
        .unwrap_or(id);
    Some((ty.to_string(), id.to_string()))
}

/// The text of a mapping key.
pub fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => describe_yaml(other),
    }
}

fn describe_yaml(v: &Value) -> String {
    match v {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text `{s}`"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(_) => "a tagged value".into(),
    }
}

/// Cedar's decimal text for a plain YAML number written as `-12`, `12.5`
/// or `123456789012345.6789`, exactly as written; `None` for any other
/// spelling (exponents, hexadecimal, a leading `+` or `.`).
fn decimal_text(written: &str) -> Option<String> {
    let digits = written.strip_prefix('-').unwrap_or(written);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    (all_digits(whole) && all_digits(fraction)).then(|| {
        let sign = if written.starts_with('-') { "-" } else { "" };
        format!("{sign}{whole}.{fraction}")
    })
}

/// Normalises a date (`2024-05-02`) or an RFC 3339 timestamp into the form
/// Cedar's `datetime` accepts, checking that the day exists.
pub fn datetime(s: &str) -> Result<String, String> {
    if let Some(day) = s.get(..10) {
        check_calendar(day)?;
    }
    if day_month_year(s).is_some() {
        return Err("dates are written year first, YYYY-MM-DD".into());
    }
    if s.len() == 10 {
        let d: jiff::civil::Date = s
            .parse()
            .map_err(|_| "a date is written YYYY-MM-DD, e.g. 2024-05-02".to_string())?;
        return Ok(d.strftime("%Y-%m-%d").to_string());
    }
    if !s.contains('T') {
        return Err("a moment needs a `T` between date and time, e.g. 2024-05-02T10:00:00Z".into());
    }
    check_offset(s)?;
    let ts: jiff::Timestamp = s.parse().map_err(|e: jiff::Error| {
        if s.ends_with('Z') || s.contains('+') || s.get(10..).is_some_and(|t| t.contains('-')) {
            e.to_string()
        } else {
            "a moment needs a time zone: add Z for UTC or an offset such as +02:00".to_string()
        }
    })?;
    if ts.subsec_nanosecond() == 0 {
        Ok(ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
    } else {
        Ok(ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
    }
}

/// For `YYYY-MM-DD…` with a month or day that does not exist, says why in
/// calendar words ("February 2023 has 28 days").
fn check_calendar(day: &str) -> Result<(), String> {
    let b = day.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        day.get(r.clone())
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.parse::<i16>().ok())
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Ok(());
    }
    let (Some(year), Some(month), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Ok(());
    };
    if !(1..=12).contains(&month) {
        return Err(format!(
            "there is no month {month}: months run from 01 to 12 (the format is YYYY-MM-DD)"
        ));
    }
    let Ok(first) = jiff::civil::Date::new(year, month as i8, 1) else {
        return Ok(());
    };
    let length = first.days_in_month();
    if d == 0 || d > i16::from(length) {
        return Err(format!("{} {year} has {length} days", first.strftime("%B")));
    }
    Ok(())
}

/// `05/03/2024`, `5.3.2024` or `05-03-2024` read day first: (year, month,
/// day) when both readings are at least plausible.
fn day_month_year(s: &str) -> Option<(i16, i8, i8)> {
    let parts: Vec<&str> = s.split(['/', '.', '-']).collect();
    let [a, b, year] = parts.as_slice() else {
        return None;
    };
    if year.len() != 4 || a.len() > 2 || b.len() > 2 {
        return None;
    }
    let (first, second, year) = (
        a.parse::<i8>().ok()?,
        b.parse::<i8>().ok()?,
        year.parse::<i16>().ok()?,
    );
    Some((year, second, first))
}

/// The help for a malformed date: the ISO form meant, where it can be told.
fn date_help(s: &str) -> String {
    if let Some((year, month, day)) = day_month_year(s) {
        let candidates: Vec<String> = [(month, day), (day, month)]
            .iter()
            .filter_map(|&(m, d)| jiff::civil::Date::new(year, m, d).ok())
            .map(|date| {
                format!(
                    "{} ({})",
                    date.strftime("%Y-%m-%d"),
                    date.strftime("%-d %B %Y")
                )
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        return match candidates.as_slice() {
            [] => "write the date as YYYY-MM-DD".into(),
            [one] => format!("did you mean {one}?"),
            [a, b] => format!("did you mean {a} or {b}?"),
            _ => "write the date as YYYY-MM-DD".into(),
        };
    }
    "write a date as 2024-05-02 or a moment as 2024-05-02T10:00:00Z".into()
}

/// RFC 3339 offsets stop at ±23:59; a wider one (`+25:59`) is refused
/// rather than shifted.
fn check_offset(s: &str) -> Result<(), String> {
    let Some((_, time)) = s.split_once('T') else {
        return Ok(());
    };
    let Some(at) = time.rfind(['+', '-']) else {
        return Ok(());
    };
    let offset = &time[at + 1..];
    let (hours, minutes) = offset.split_once(':').unwrap_or((offset, "0"));
    match (hours.parse::<u32>(), minutes.parse::<u32>()) {
        (Ok(h), Ok(m)) if h > 23 || m > 59 => Err(format!(
            "the offset `{}` is beyond what a time zone can be: offsets run from -23:59 to +23:59",
            &time[at..]
        )),
        _ => Ok(()),
    }
}

/// True for Cedar duration literals: `-?(\d+(d|h|m|s|ms))+`.
pub fn is_duration(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    let mut rest = body;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ms", "d", "h", "m", "s"]
            .into_iter()
            .find(|u| rest.starts_with(u));
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_and_normalised() {
        assert_eq!(datetime("2024-05-02").unwrap(), "2024-05-02");
        assert_eq!(
            datetime("2025-02-30").unwrap_err(),
            "February 2025 has 28 days"
        );
        assert_eq!(
            datetime("2024-02-30T10:00:00Z").unwrap_err(),
            "February 2024 has 29 days"
        );
        assert!(datetime("2024-13-01").unwrap_err().contains("no month 13"));
        assert!(datetime("05/03/2024").unwrap_err().contains("year first"));
        assert_eq!(
            date_help("05/03/2024"),
            "did you mean 2024-03-05 (5 March 2024) or 2024-05-03 (3 May 2024)?"
        );
        assert_eq!(
            date_help("25/03/2024"),
            "did you mean 2024-03-25 (25 March 2024)?"
        );
        assert!(datetime("2024-5-2").is_err());
        assert_eq!(
            datetime("2024-05-02T10:00:00+02:00").unwrap(),
            "2024-05-02T08:00:00Z"
        );
        assert_eq!(
            datetime("2024-05-02T10:00:00.250Z").unwrap(),
            "2024-05-02T10:00:00.250Z"
        );
        assert!(datetime("2024-05-02 10:00").unwrap_err().contains("T"));
        assert!(datetime("2024-05-02T10:00:00+25:59")
            .unwrap_err()
            .contains("offsets run from -23:59 to +23:59"));
        assert!(datetime("2024-05-02T10:00:00-23:60").is_err());
        assert_eq!(
            datetime("2024-05-02T10:00:00-23:59").unwrap(),
            "2024-05-03T09:59:00Z"
        );
        assert!(datetime("2024-05-0é T10:00:00").is_err());
        assert!(datetime("2024-05-02T10:00:00")
            .unwrap_err()
            .contains("time zone"));
    }

    #[test]
    fn decimals_keep_the_digits_as_written() {
        assert_eq!(
            decimal_text("123456789012345.6789").as_deref(),
            Some("123456789012345.6789")
        );
        assert_eq!(decimal_text("-12").as_deref(), Some("-12.0"));
        assert_eq!(decimal_text("0.10").as_deref(), Some("0.10"));
        for other in ["1e3", "+1.5", ".5", "5.", "0x1F", "1_000", "-", ""] {
            assert_eq!(decimal_text(other), None, "{other}");
        }
    }

    #[test]
    fn durations_follow_cedar_syntax() {
        for ok in ["72h", "3d", "1d2h3m4s5ms", "-1d"] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in ["", "3", "d", "3 days", "1w", "1.5h"] {
            assert!(!is_duration(bad), "{bad}");
        }
    }

    #[test]
    fn references_split_with_and_without_namespace() {
        assert_eq!(
            split_ref("Person::jonas", "Ns"),
            Some(("Person".into(), "jonas".into()))
        );
        assert_eq!(
            split_ref("Ns::Person::\"a b\"", "Ns"),
            Some(("Person".into(), "a b".into()))
        );
        assert_eq!(split_ref("jonas", "Ns"), None);
    }
}
