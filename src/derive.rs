//! Derived dates: datetime attributes that the law computes from others
//! ("effective no later than 3 working days after receipt", "lapses 4 weeks
//! after receipt or 2 months after issue, whichever comes first"), declared
//! beside the policies in `policies/<regime>/derive.yaml` so that the period
//! is part of the rule, never of the lawyer's case.
//!
//! ```yaml
//! jurisdiction: LT          # working days and the time zone of day boundaries
//! derive:
//!   - entity: WrittenGrant
//!     attribute: effective_by
//!     from: received_at
//!     add: 3 working days
//!     moment: end_of_day
//!   - entity: Fuldmagt
//!     attribute: lapses_at
//!     earliest:
//!       - {from: received_at, add: 4 weeks}
//!       - {from: issued_at, add: 2 months}
//!     moment: start_of_day
//! ```
//!
//! # The day boundary rule
//!
//! A period is counted on calendar dates in the jurisdiction's own time zone:
//! the start is the local date of the `from` moment, and the period lands on a
//! day D. `moment` says which instant of D the attribute holds:
//!
//! - `end_of_day`: the end of D (midnight at the start of D + 1, local time).
//!   For "within / no later than": a timestamp anywhere on D is in time, so
//!   the policy writes `context.now < x`, and `context.now >= x` is late.
//! - `start_of_day`: the start of D (local midnight). For "from D on / after
//!   the period": the policy writes `context.now >= x`.
//!
//! A plain date in a case (`2024-03-29`) is midnight UTC, which is the same
//! date in every European time zone, so a date-only `at:` behaves as that day.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;

use crate::calendar::{self, Country};
use crate::diagnostic::{did_you_mean, Code, Diag, Diagnostics};
use crate::schema::{RegimeSchema, Ty};
use crate::source::SourceFile;
use crate::yaml::{self, Path, YamlIndex};

/// The derivation file's name inside `policies/<regime>/`.
pub const FILE_NAME: &str = "derive.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeriveFile {
    jurisdiction: String,
    #[serde(default)]
    derive: Vec<RuleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    entity: String,
    attribute: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    add: Option<String>,
    #[serde(default)]
    earliest: Option<Vec<TermSpec>>,
    #[serde(default)]
    latest: Option<Vec<TermSpec>>,
    moment: Moment,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermSpec {
    from: String,
    add: String,
}

/// Which instant of the day a period lands on the derived attribute holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moment {
    /// The end of the day (exclusive bound: `now < x` is in time).
    EndOfDay,
    /// The start of the day (`now >= x` is on or after the day).
    StartOfDay,
}

/// The unit of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Calendar days.
    Days,
    /// Working days of the jurisdiction.
    WorkingDays,
    /// Weeks of 7 days.
    Weeks,
    /// Calendar months (end-of-month clamped).
    Months,
    /// Calendar years (29 February clamped to 28 February).
    Years,
}

/// How many units: a number, or the value of a `Long` attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    /// A fixed number (negative counts backwards).
    Fixed(i32),
    /// The entity's attribute with this name.
    Attribute(String),
}

/// A period such as `3 working days`, `-10 working days` or `2 months`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// How many.
    pub count: Count,
    /// Of what.
    pub unit: Unit,
}

impl Period {
    /// Parses `3 working days`, `-10 working days`, `4 weeks`, `1 year`,
    /// `reconfirm_after days` (a count taken from an attribute).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut words = text.split_whitespace();
        let first = words.next().ok_or("the period is empty")?;
        let count = match first.parse::<i32>() {
            Ok(n) => Count::Fixed(n),
            Err(_) if first.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                Count::Attribute(first.to_string())
            }
            Err(_) => {
                return Err(format!(
                    "`{first}` is neither a number nor an attribute name"
                ))
            }
        };
        let unit_words: Vec<&str> = words.collect();
        let unit = match unit_words.join(" ").as_str() {
            "day" | "days" => Unit::Days,
            "working day" | "working days" => Unit::WorkingDays,
            "week" | "weeks" => Unit::Weeks,
            "month" | "months" => Unit::Months,
            "year" | "years" => Unit::Years,
            other => {
                return Err(format!(
                    "unknown unit `{other}`: write days, working days, weeks, months or years"
                ))
            }
        };
        Ok(Self { count, unit })
    }

    /// Parses the short form of the `date` helper: `+3wd`, `-10wd`, `+2m`,
    /// `+1y`, `+4w`, `+28d`.
    pub fn parse_short(text: &str) -> Result<Self, String> {
        let digits_end = text
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '+' || *c == '-'))))
            .map(|(i, _)| i)
            .unwrap_or(text.len());
        let n: i32 = text[..digits_end]
            .parse()
            .map_err(|_| format!("`{text}` does not start with a number such as +3 or -10"))?;
        let unit = match &text[digits_end..] {
            "d" => Unit::Days,
            "wd" => Unit::WorkingDays,
            "w" => Unit::Weeks,
            "m" => Unit::Months,
            "y" => Unit::Years,
            other => return Err(format!("unknown unit `{other}`: use d, wd, w, m or y")),
        };
        Ok(Self {
            count: Count::Fixed(n),
            unit,
        })
    }
}

/// Adds `n` units to `date` in `country`'s calendar.
pub fn add(country: Country, date: Date, n: i32, unit: Unit) -> Result<Date, String> {
    let out = match unit {
        Unit::Days => date
            .checked_add(i64::from(n).days())
            .map_err(|e| e.to_string())?,
        Unit::Weeks => date
            .checked_add(i64::from(n).weeks())
            .map_err(|e| e.to_string())?,
        Unit::Months => calendar::checked_add_months(date, n)
            .ok_or("the date falls outside the supported range")?,
        Unit::Years => calendar::checked_add_years(date, n)
            .ok_or("the date falls outside the supported range")?,
        Unit::WorkingDays => {
            calendar::add_working_days(country, date, n)
                .map_err(|e| e.to_string())?
                .date
        }
    };
    Ok(out)
}

/// The time zone whose midnight ends a legal day in `country`.
pub fn time_zone(country: Country) -> TimeZone {
    let name = match country {
        Country::Lt => "Europe/Vilnius",
        Country::Lv => "Europe/Riga",
        Country::Dk => "Europe/Copenhagen",
    };
    TimeZone::get(name).expect("the bundled time zone database has every European zone")
}

/// One term of a derivation: `from` + `add`.
#[derive(Debug, Clone)]
struct Term {
    from: String,
    period: Period,
}

/// How the terms combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Combine {
    Earliest,
    Latest,
}

/// One derived attribute.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The attribute it sets.
    pub attribute: String,
    terms: Vec<Term>,
    combine: Combine,
    moment: Moment,
    /// Where it is declared, as `file line N`.
    pub declared_at: String,
}

/// The derivations of a regime.
#[derive(Debug, Clone)]
pub struct Derivations {
    country: Country,
    zone: TimeZone,
    rules: BTreeMap<String, Vec<Rule>>,
}

/// The values an entity's attributes have, as needed for a derivation.
pub trait Attributes {
    /// The datetime attribute `name`, if given.
    fn datetime(&self, name: &str) -> Option<Result<Timestamp, String>>;
    /// The whole-number attribute `name`, if given.
    fn long(&self, name: &str) -> Option<Result<i64, String>>;
}

impl Derivations {
    /// The time zone whose midnight ends a legal day in the regime's country.
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// Loads `derive.yaml`, checking every name against the schema.
    pub fn load(file: &SourceFile, schema: &RegimeSchema, diags: &mut Diagnostics) -> Option<Self> {
        let (spec, index) = match yaml::parse::<DeriveFile>(file) {
            Ok(parsed) => parsed,
            Err(d) => {
                diags.push(*d);
                return None;
            }
        };
        let at = |path: &Path, code: Code, message: String| {
            Diag::new(code, message).at(file, index.value_span(path), "here")
        };
        let root = Path::root();
        let Some(country) = Country::parse(&spec.jurisdiction) else {
            diags.push(
                at(
                    &root.key("jurisdiction"),
                    Code::DeriveError,
                    format!("no calendar for jurisdiction `{}`", spec.jurisdiction),
                )
                .with_help("the calendars are LT, LV and DK"),
            );
            return None;
        };
        let mut rules: BTreeMap<String, Vec<Rule>> = BTreeMap::new();
        let before = diags.len();
        for (i, r) in spec.derive.iter().enumerate() {
            let path = root.key("derive").index(i);
            if let Some(rule) = check_rule(r, &path, schema, file, &index, diags) {
                rules.entry(r.entity.clone()).or_default().push(rule);
            }
        }
        (diags.len() == before).then(|| Self {
            country,
            zone: time_zone(country),
            rules,
        })
    }

    /// The rules that derive attributes of entity type `ty`.
    pub fn rules_for(&self, ty: &str) -> &[Rule] {
        self.rules.get(ty).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Computes a rule's value for one entity: `Ok(None)` when none of its
    /// sources is given (an optional attribute stays absent), the moment as
    /// Cedar's datetime text otherwise, or why it cannot be computed.
    pub fn compute(&self, rule: &Rule, attrs: &dyn Attributes) -> Result<Option<String>, String> {
        let mut best: Option<Timestamp> = None;
        for term in &rule.terms {
            let Some(start) = attrs.datetime(&term.from) else {
                continue;
            };
            let start = start?;
            let n = match &term.period.count {
                Count::Fixed(n) => *n,
                Count::Attribute(name) => {
                    let value = attrs
                        .long(name)
                        .ok_or_else(|| format!("`{name}` has no value"))??;
                    i32::try_from(value)
                        .map_err(|_| format!("`{name}` = {value} is too large a count"))?
                }
            };
            let local = start.to_zoned(self.zone.clone()).date();
            let day = add(self.country, local, n, term.period.unit)
                .map_err(|e| format!("cannot count from `{}` ({local}): {e}", term.from))?;
            let boundary = match rule.moment {
                Moment::StartOfDay => day,
                Moment::EndOfDay => day.tomorrow().map_err(|e| e.to_string())?,
            };
            let instant = boundary
                .to_zoned(self.zone.clone())
                .map_err(|e| e.to_string())?
                .timestamp();
            best = Some(match (best, rule.combine) {
                (None, _) => instant,
                (Some(b), Combine::Earliest) => b.min(instant),
                (Some(b), Combine::Latest) => b.max(instant),
            });
        }
        Ok(best.map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()))
    }
}

fn check_rule(
    r: &RuleSpec,
    path: &Path,
    schema: &RegimeSchema,
    file: &SourceFile,
    index: &YamlIndex,
    diags: &mut Diagnostics,
) -> Option<Rule> {
    let err = |p: Path, message: String| {
        Diag::new(Code::DeriveError, message).at(file, index.value_span(&p), "here")
    };
    let Some(decl) = schema.entities.get(&r.entity) else {
        diags.push(
            err(
                path.key("entity"),
                format!("there is no entity type `{}` in the schema", r.entity),
            )
            .with_help_opt(did_you_mean(
                &r.entity,
                schema.entities.keys().map(String::as_str),
            )),
        );
        return None;
    };
    let attr_names = || decl.attrs.attrs.keys().map(String::as_str);
    let is_datetime = |name: &str| decl.attrs.attrs.get(name).map(|a| a.ty == Ty::Datetime);
    match is_datetime(&r.attribute) {
        Some(true) => {}
        Some(false) => diags.push(err(
            path.key("attribute"),
            format!(
                "`{}` must be declared `datetime` in the schema",
                r.attribute
            ),
        )),
        None => diags.push(
            err(
                path.key("attribute"),
                format!(
                    "`{}` has no attribute `{}` in the schema",
                    r.entity, r.attribute
                ),
            )
            .with_help(did_you_mean(&r.attribute, attr_names()).unwrap_or_else(|| {
                "declare it in the schema as `datetime` (optional with `?` if its sources are)"
                    .into()
            })),
        ),
    }
    let specs: Vec<(&str, &str, Path)> = match (&r.from, &r.add, &r.earliest, &r.latest) {
        (Some(f), Some(a), None, None) => vec![(f.as_str(), a.as_str(), path.clone())],
        (None, None, Some(t), None) | (None, None, None, Some(t)) if !t.is_empty() => {
            let key = if r.earliest.is_some() {
                "earliest"
            } else {
                "latest"
            };
            t.iter()
                .enumerate()
                .map(|(i, t)| (t.from.as_str(), t.add.as_str(), path.key(key).index(i)))
                .collect()
        }
        _ => {
            diags.push(
                err(path.clone(), "a derivation has either `from` and `add`, or a list under `earliest` or `latest`".into())
                    .with_help("e.g. `from: received_at` and `add: 3 working days`"),
            );
            return None;
        }
    };
    let mut terms = Vec::new();
    for (from, add, p) in specs {
        match is_datetime(from) {
            Some(true) => {}
            Some(false) => diags.push(err(
                p.key("from"),
                format!("`{from}` is not a datetime attribute"),
            )),
            None => diags.push(
                err(
                    p.key("from"),
                    format!("`{}` has no attribute `{from}`", r.entity),
                )
                .with_help_opt(did_you_mean(from, attr_names())),
            ),
        }
        match Period::parse(add) {
            Ok(period) => {
                if let Count::Attribute(name) = &period.count {
                    if decl.attrs.attrs.get(name).map(|a| a.ty == Ty::Long) != Some(true) {
                        diags.push(err(
                            p.key("add"),
                            format!(
                                "the count `{name}` must be a `Long` attribute of `{}`",
                                r.entity
                            ),
                        ));
                    }
                }
                terms.push(Term {
                    from: from.to_string(),
                    period,
                });
            }
            Err(why) => diags.push(err(p.key("add"), format!("`{add}` is not a period: {why}"))),
        }
    }
    let combine = if r.latest.is_some() {
        Combine::Latest
    } else {
        Combine::Earliest
    };
    let line = file.line_of(index.value_span(path).offset());
    Some(Rule {
        attribute: r.attribute.clone(),
        terms,
        combine,
        moment: r.moment,
        declared_at: format!("{} line {line}", file.name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_in_words_and_short() {
        assert_eq!(
            Period::parse("3 working days").unwrap(),
            Period {
                count: Count::Fixed(3),
                unit: Unit::WorkingDays
            }
        );
        assert_eq!(
            Period::parse("-10 working days").unwrap().count,
            Count::Fixed(-10)
        );
        assert_eq!(Period::parse("1 year").unwrap().unit, Unit::Years);
        assert_eq!(
            Period::parse("reconfirm_after days").unwrap().count,
            Count::Attribute("reconfirm_after".into())
        );
        assert!(Period::parse("3 fortnights").is_err());
        assert_eq!(
            Period::parse_short("+3wd").unwrap(),
            Period {
                count: Count::Fixed(3),
                unit: Unit::WorkingDays
            }
        );
        assert_eq!(
            Period::parse_short("-2m").unwrap(),
            Period {
                count: Count::Fixed(-2),
                unit: Unit::Months
            }
        );
        assert!(Period::parse_short("3x").is_err());
    }

    struct Attrs(Vec<(&'static str, &'static str)>);
    impl Attributes for Attrs {
        fn datetime(&self, name: &str) -> Option<Result<Timestamp, String>> {
            self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| {
                let text = if v.len() == 10 {
                    format!("{v}T00:00:00Z")
                } else {
                    v.to_string()
                };
                text.parse::<Timestamp>().map_err(|e| e.to_string())
            })
        }
        fn long(&self, name: &str) -> Option<Result<i64, String>> {
            self.0
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.parse::<i64>().map_err(|e| e.to_string()))
        }
    }

    fn rule(terms: &[(&str, &str)], combine: Combine, moment: Moment) -> Rule {
        Rule {
            attribute: "x".into(),
            terms: terms
                .iter()
                .map(|(f, a)| Term {
                    from: f.to_string(),
                    period: Period::parse(a).unwrap(),
                })
                .collect(),
            combine,
            moment,
            declared_at: String::new(),
        }
    }

    fn lt() -> Derivations {
        Derivations {
            country: Country::Lt,
            zone: time_zone(Country::Lt),
            rules: BTreeMap::new(),
        }
    }

    #[test]
    fn working_days_skip_easter_and_end_at_local_midnight() {
        // Friday 29 March 2024 + 3 LT working days: Easter Monday is skipped → Thursday 4 April;
        // the end of that day in Vilnius (UTC+3 in summer time) is 21:00 UTC.
        let r = rule(
            &[("received_at", "3 working days")],
            Combine::Earliest,
            Moment::EndOfDay,
        );
        let v = lt()
            .compute(&r, &Attrs(vec![("received_at", "2024-03-29")]))
            .unwrap();
        assert_eq!(v.as_deref(), Some("2024-04-04T21:00:00Z"));
    }

    #[test]
    fn start_of_day_for_on_or_after_rules() {
        let r = rule(
            &[("started_at", "1 year")],
            Combine::Earliest,
            Moment::StartOfDay,
        );
        let v = lt()
            .compute(&r, &Attrs(vec![("started_at", "2024-02-29")]))
            .unwrap();
        // 29 February 2024 + 1 year = 28 February 2025, local midnight (UTC+2 in winter).
        assert_eq!(v.as_deref(), Some("2025-02-27T22:00:00Z"));
    }

    #[test]
    fn earliest_of_two_terms_and_missing_sources() {
        let r = rule(
            &[("received_at", "4 weeks"), ("issued_at", "2 months")],
            Combine::Earliest,
            Moment::StartOfDay,
        );
        let d = lt();
        let both = d
            .compute(
                &r,
                &Attrs(vec![
                    ("received_at", "2024-03-01"),
                    ("issued_at", "2024-01-20"),
                ]),
            )
            .unwrap();
        assert_eq!(both.as_deref(), Some("2024-03-19T22:00:00Z")); // 20 March 2024, local midnight
        let one = d
            .compute(&r, &Attrs(vec![("issued_at", "2024-01-20")]))
            .unwrap();
        assert_eq!(one.as_deref(), Some("2024-03-19T22:00:00Z"));
        assert_eq!(d.compute(&r, &Attrs(vec![])).unwrap(), None);
    }

    #[test]
    fn a_count_from_an_attribute_and_a_year_outside_the_calendar() {
        let r = rule(
            &[("confirmed_at", "every days")],
            Combine::Earliest,
            Moment::StartOfDay,
        );
        let v = lt()
            .compute(
                &r,
                &Attrs(vec![("confirmed_at", "2024-01-01"), ("every", "30")]),
            )
            .unwrap();
        assert_eq!(v.as_deref(), Some("2024-01-30T22:00:00Z"));
        let wd = rule(
            &[("at", "3 working days")],
            Combine::Earliest,
            Moment::EndOfDay,
        );
        let err = lt()
            .compute(&wd, &Attrs(vec![("at", "1990-05-02")]))
            .unwrap_err();
        assert!(err.contains("1990"), "{err}");
    }
}
