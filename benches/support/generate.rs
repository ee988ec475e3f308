//! The generator: a large suite over the bundled regimes, reproducible from a
//! seed, written into a folder laid out like a lexgate project.
//!
//! Every generated scenario file is a copy of a bundled one (its fixtures and
//! scenarios), varied the way real catalogues vary:
//!
//! - every date of the file (fixtures, `at:`, context, overrides) moves by the
//!   same number of days, so that the boundaries the file tests stay
//!   boundaries; each scenario's `at:` then moves by a small jitter of its
//!   own, half the time, so that some land on the other side of a boundary;
//! - the fixtures get extra entities, copies of existing ones under new ids;
//! - each bundled scenario appears 1 to 3 times, and about a third of the
//!   copies override one Boolean attribute of a fixture entity ("what if").
//!
//! Expectations (`expect:`, and `decided_by:` where the bundled scenario pins
//! it) are **taken from a first evaluation by lexgate itself**: the suite
//! measures speed, not legal correctness. The rare copy that makes a policy
//! raise an evaluation error is dropped, so `lexgate check` passes on the
//! whole suite.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use fastrand::Rng;
use serde_yaml::{Mapping, Value};

use lexgate::evaluate::{evaluate, Status};
use lexgate::filter::Selection;
use lexgate::load::{load, LoadOptions};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How many scenarios, over every regime.
    pub scenarios: usize,
    /// The seed: the same seed (and the same bundled cases) gives the same suite.
    pub seed: u64,
}

/// What was generated.
#[derive(Debug, Clone, Copy)]
pub struct Generated {
    /// Scenarios written.
    pub scenarios: usize,
    /// Scenario files written.
    pub files: usize,
    /// Copies dropped because a policy raised an evaluation error on them.
    pub dropped: usize,
}

/// One bundled scenario file, the model of generated ones.
struct Template {
    regime: String,
    stem: String,
    doc: Mapping,
}

/// One generated file, before its expectations are known.
struct Draft {
    path: PathBuf,
    regime: String,
    doc: Mapping,
}

/// Writes the generated suite into `out` (which must be empty or absent):
/// `policies/` and the catalogues copied from `source`, and the scenario files.
pub fn generate(source: &Path, out: &Path, options: Options) -> Result<Generated, String> {
    let templates = read_templates(source, out)?;
    if templates.is_empty() {
        return Err(format!("no scenario files under {}", source.display()));
    }
    let mut rng = Rng::with_seed(options.seed);
    let mut drafts = Vec::new();
    let mut total = 0;
    while total < options.scenarios {
        let n = drafts.len();
        let template = &templates[n % templates.len()];
        let mut doc = vary_file(template, n, &mut rng);
        let scenarios = scenarios_mut(&mut doc);
        scenarios.truncate(options.scenarios - total);
        total += scenarios.len();
        drafts.push(Draft {
            path: out
                .join("cases")
                .join(&template.regime)
                .join(format!("g{n:05}-{}.yaml", template.stem)),
            regime: template.regime.clone(),
            doc,
        });
    }
    for d in &drafts {
        write_yaml(&d.path, &d.doc)?;
    }
    let dropped = settle_expectations(out, &mut drafts)?;
    for d in &drafts {
        write_yaml(&d.path, &d.doc)?;
    }
    Ok(Generated {
        scenarios: total - dropped,
        files: drafts.len(),
        dropped,
    })
}

/// Copies policies and catalogues, and reads every bundled scenario file.
fn read_templates(source: &Path, out: &Path) -> Result<Vec<Template>, String> {
    copy_dir(&source.join("policies"), &out.join("policies"))?;
    let mut templates = Vec::new();
    for regime in sorted_entries(&source.join("cases"))? {
        let name = file_name(&regime);
        let target = out.join("cases").join(&name);
        std::fs::create_dir_all(&target).map_err(|e| e.to_string())?;
        for file in sorted_entries(&regime)? {
            let stem = file_name(&file);
            if stem == "requirements.yaml" {
                std::fs::copy(&file, target.join(&stem)).map_err(|e| e.to_string())?;
                continue;
            }
            let Some(stem) = stem.strip_suffix(".yaml") else {
                continue;
            };
            let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
            let doc: Mapping =
                serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            templates.push(Template {
                regime: name.clone(),
                stem: stem.to_string(),
                doc,
            });
        }
    }
    Ok(templates)
}

/// A varied copy of a template: number `n` of the suite.
fn vary_file(template: &Template, n: usize, rng: &mut Rng) -> Mapping {
    let mut doc = template.doc.clone();
    let shift = rng.i64(-400..=400);
    let mut fixtures = doc
        .get("entities")
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    shift_dates(&mut fixtures, shift);
    add_copies(&mut fixtures, rng);
    let flippable = flippable(&fixtures);
    let originals = doc
        .get("scenarios")
        .and_then(Value::as_sequence)
        .cloned()
        .unwrap_or_default();
    let mut scenarios = Vec::new();
    for original in originals {
        let Value::Mapping(original) = original else {
            continue;
        };
        for copy in 0..rng.usize(1..=3) {
            let mut sc = original.clone();
            let name = sc.get("name").and_then(Value::as_str).unwrap_or("scenario");
            let name = format!("{name} (g{n:05}.{copy})");
            sc.insert("name".into(), name.into());
            for key in ["context", "entities"] {
                if let Some(v) = sc.get_mut(key) {
                    shift_value(v, shift);
                }
            }
            if let Some(Value::String(at)) = sc.get_mut("at") {
                let jitter = if rng.bool() { 0 } else { rng.i64(-40..=40) };
                if let Some(moved) = shift_date(at, shift + jitter) {
                    *at = moved;
                }
            }
            if !flippable.is_empty() && rng.u8(0..3) == 0 {
                let (ty, id, attr, value) = &flippable[rng.usize(0..flippable.len())];
                flip(&mut sc, ty, id, attr, !value);
            }
            scenarios.push(Value::Mapping(sc));
        }
    }
    doc.insert("entities".into(), Value::Mapping(fixtures));
    doc.insert("scenarios".into(), Value::Sequence(scenarios));
    doc
}

/// Adds copies of existing fixture entities under new ids, to about half the types.
fn add_copies(fixtures: &mut Mapping, rng: &mut Rng) {
    for (_, body) in fixtures.iter_mut() {
        if rng.bool() {
            continue;
        }
        match body {
            Value::Mapping(ids) if !ids.is_empty() => {
                let existing: Vec<(Value, Value)> =
                    ids.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                for i in 0..rng.usize(1..=3) {
                    let (id, attrs) = &existing[rng.usize(0..existing.len())];
                    let new_id = format!("{}_copy{i}", id.as_str().unwrap_or("e"));
                    ids.insert(new_id.into(), attrs.clone());
                }
            }
            Value::Sequence(ids) if !ids.is_empty() => {
                let first = ids[0].as_str().unwrap_or("e").to_string();
                for i in 0..rng.usize(1..=3) {
                    ids.push(format!("{first}_copy{i}").into());
                }
            }
            _ => {}
        }
    }
}

/// The Boolean attributes of fixture entities: (type, id, attribute, value).
fn flippable(fixtures: &Mapping) -> Vec<(String, String, String, bool)> {
    let mut out = Vec::new();
    for (ty, body) in fixtures {
        let (Some(ty), Some(ids)) = (ty.as_str(), body.as_mapping()) else {
            continue;
        };
        for (id, attrs) in ids {
            let (Some(id), Some(attrs)) = (id.as_str(), attrs.as_mapping()) else {
                continue;
            };
            for (attr, value) in attrs {
                if let (Some(attr), Some(b)) = (attr.as_str(), value.as_bool()) {
                    out.push((ty.into(), id.into(), attr.into(), b));
                }
            }
        }
    }
    out
}

/// Overrides one attribute of one entity in a scenario, unless the scenario
/// already overrides that entity.
fn flip(sc: &mut Mapping, ty: &str, id: &str, attr: &str, value: bool) {
    let entities = sc
        .entry("entities".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    let Value::Mapping(entities) = entities else {
        return;
    };
    let by_type = entities
        .entry(ty.into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    let Value::Mapping(by_type) = by_type else {
        return;
    };
    if by_type.contains_key(id) {
        return;
    }
    let mut attrs = Mapping::new();
    attrs.insert(attr.into(), value.into());
    by_type.insert(id.into(), Value::Mapping(attrs));
}

fn shift_dates(m: &mut Mapping, days: i64) {
    for (_, v) in m.iter_mut() {
        shift_value(v, days);
    }
}

/// Moves every date or timestamp inside `v` by `days`.
fn shift_value(v: &mut Value, days: i64) {
    match v {
        Value::String(s) => {
            if let Some(moved) = shift_date(s, days) {
                *s = moved;
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|i| shift_value(i, days)),
        Value::Mapping(m) => shift_dates(m, days),
        _ => {}
    }
}

/// `2024-05-02` or `2024-05-02T10:00:00Z` moved by `days`; `None` for
/// anything else.
fn shift_date(s: &str, days: i64) -> Option<String> {
    let head = s.get(..10)?;
    let rest = &s[10..];
    if !(rest.is_empty() || rest.starts_with('T')) {
        return None;
    }
    let date: jiff::civil::Date = head.parse().ok()?;
    let moved = date.checked_add(jiff::Span::new().days(days)).ok()?;
    Some(format!("{}{rest}", moved.strftime("%Y-%m-%d")))
}

fn scenarios_mut(doc: &mut Mapping) -> &mut Vec<Value> {
    match doc.get_mut("scenarios") {
        Some(Value::Sequence(s)) => s,
        _ => unreachable!("vary_file always writes a scenario list"),
    }
}

/// Evaluates the drafts with lexgate and writes what it decided as their
/// expectations; drops scenarios on which a policy raised an error.
fn settle_expectations(out: &Path, drafts: &mut [Draft]) -> Result<usize, String> {
    let project = load(out, &LoadOptions::default()).map_err(|diags| {
        let first: Vec<String> = diags.iter().take(5).map(|d| format!("{d:?}")).collect();
        format!(
            "the generated suite does not lower cleanly ({} problems):\n{}",
            diags.len(),
            first.join("\n")
        )
    })?;
    let outcomes = evaluate(&project, &Selection::default());
    let mut decided = HashMap::new();
    for (regime, outs) in project.regimes.iter().zip(&outcomes) {
        for (scenario, outcome) in outs {
            decided.insert((regime.name.as_str(), scenario.info.name.as_str()), outcome);
        }
    }
    let mut dropped = 0;
    for d in drafts.iter_mut() {
        let regime = d.regime.as_str();
        scenarios_mut(&mut d.doc).retain_mut(|sc| {
            let Value::Mapping(sc) = sc else {
                return false;
            };
            let name = sc
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let Some(outcome) = decided.get(&(regime, name.as_str())).copied() else {
                dropped += 1;
                return false;
            };
            if outcome.status == Status::Error {
                dropped += 1;
                return false;
            }
            sc.insert("expect".into(), outcome.decision.to_string().into());
            if sc.contains_key("decided_by") {
                let ids: Vec<Value> = outcome
                    .decided_by
                    .iter()
                    .map(|p| p.as_str().into())
                    .collect();
                sc.insert("decided_by".into(), Value::Sequence(ids));
            }
            true
        });
    }
    Ok(dropped)
}

fn write_yaml(path: &Path, doc: &Mapping) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let text = serde_yaml::to_string(doc).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in sorted_entries(from)? {
        let target = to.join(file_name(&entry));
        if entry.is_dir() {
            copy_dir(&entry, &target)?;
        } else {
            std::fs::copy(&entry, &target).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    out.sort();
    Ok(out)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}
