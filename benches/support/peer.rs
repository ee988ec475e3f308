//! The peer's input: the same suite, lowered by lexgate's library, in the
//! Cedar CLI's formats.
//!
//! - `cedar run-tests`: per regime, the policies (the CLI names them after
//!   their `@id`, as lexgate does), the schema, and JSON test files of at most
//!   `chunk` tests each. A scenario without overrides names its file's
//!   fixtures (an entities file beside the tests, which the format allows); a
//!   scenario with overrides carries its entities inline.
//! - `cedar authorize`: a sample of requests, one request and one entities
//!   file each.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};

use lexgate::evaluate::LoadedOutcomes;
use lexgate::load::Project;
use lexgate::lower::LoweredScenario;
use lexgate::scenario::Expect;

/// One `cedar run-tests` invocation.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// The regime's policies.
    pub policies: PathBuf,
    /// The regime's schema.
    pub schema: PathBuf,
    /// The tests.
    pub tests: PathBuf,
    /// How many tests.
    pub count: usize,
}

/// One `cedar authorize` invocation.
#[derive(Debug, Clone)]
pub struct Call {
    /// The regime's policies.
    pub policies: PathBuf,
    /// The regime's schema.
    pub schema: PathBuf,
    /// The entities.
    pub entities: PathBuf,
    /// The request (principal, action, resource, context).
    pub request: PathBuf,
    /// What lexgate decided.
    pub expect: Expect,
}

/// The converted suite.
#[derive(Debug, Clone, Default)]
pub struct PeerSuite {
    /// `cedar run-tests` over the whole suite.
    pub chunks: Vec<Chunk>,
    /// `cedar authorize` over a sample.
    pub calls: Vec<Call>,
}

/// Writes the suite of `project` (with lexgate's `outcomes` as the expected
/// results) into `out`.
pub fn convert(
    project: &Project,
    outcomes: &[LoadedOutcomes<'_>],
    out: &Path,
    chunk: usize,
    sample: usize,
) -> Result<PeerSuite, String> {
    let total: usize = outcomes.iter().map(Vec::len).sum();
    let every = (total / sample.max(1)).max(1);
    let mut suite = PeerSuite::default();
    let mut seen = 0;
    for (regime, outs) in project.regimes.iter().zip(outcomes) {
        let dir = out.join(&regime.name);
        std::fs::create_dir_all(dir.join("entities")).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(dir.join("sample")).map_err(|e| e.to_string())?;
        let policies = dir.join("policies.cedar");
        let schema = dir.join("schema.cedarschema");
        concat_policies(&project.root.join("policies").join(&regime.name), &policies)?;
        copy_schema(&project.root.join("policies").join(&regime.name), &schema)?;
        // Fixtures files, one per lowered file, by the file's display name.
        let mut fixture_file = std::collections::HashMap::new();
        let mut fixtures_of = std::collections::HashMap::new();
        for (i, f) in regime.files.iter().enumerate() {
            let name = format!("entities/{i:05}.json");
            write_json(&dir.join(&name), &entities_json(&f.fixtures)?)?;
            fixture_file.insert(f.file.as_str(), name);
            fixtures_of.insert(f.file.as_str(), &f.fixtures);
        }
        let mut tests: Vec<Json> = Vec::new();
        let flush = |tests: &mut Vec<Json>, suite: &mut PeerSuite| -> Result<(), String> {
            if tests.is_empty() {
                return Ok(());
            }
            let path = dir.join(format!("tests-{:03}.json", suite.chunks.len()));
            write_json(&path, &Json::Array(std::mem::take(tests)))?;
            suite.chunks.push(Chunk {
                policies: policies.clone(),
                schema: schema.clone(),
                tests: path,
                count: 0,
            });
            Ok(())
        };
        for (scenario, outcome) in outs {
            let request = request_json(scenario)?;
            let entities = if scenario.overrides.is_empty() {
                Json::String(fixture_file[scenario.info.file.as_str()].clone())
            } else {
                let fixtures = fixtures_of[scenario.info.file.as_str()];
                entities_json(&*scenario.entities(fixtures)?)?
            };
            let decision = outcome.decision.to_string();
            if seen % every == 0 && suite.calls.len() < sample {
                let n = suite.calls.len();
                let request_path = dir.join(format!("sample/{n:04}.request.json"));
                let entities_path = dir.join(format!("sample/{n:04}.entities.json"));
                write_json(&request_path, &request)?;
                let own = match &entities {
                    Json::String(file) => std::fs::read_to_string(dir.join(file))
                        .map_err(|e| e.to_string())
                        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))?,
                    inline => inline.clone(),
                };
                write_json(&entities_path, &own)?;
                suite.calls.push(Call {
                    policies: policies.clone(),
                    schema: schema.clone(),
                    entities: entities_path,
                    request: request_path,
                    expect: outcome.decision,
                });
            }
            seen += 1;
            tests.push(json!({
                "name": scenario.info.name,
                "request": request,
                "entities": entities,
                "decision": decision,
                "reason": outcome.decided_by,
                "num_errors": outcome.errors.len(),
            }));
            if tests.len() == chunk {
                let n = tests.len();
                flush(&mut tests, &mut suite)?;
                suite.chunks.last_mut().expect("just pushed").count = n;
            }
        }
        let n = tests.len();
        flush(&mut tests, &mut suite)?;
        if n > 0 {
            suite.chunks.last_mut().expect("just pushed").count = n;
        }
    }
    Ok(suite)
}

/// The request in the CLI's JSON form.
fn request_json(s: &LoweredScenario) -> Result<Json, String> {
    let r = &s.request;
    let uid = |u: Option<&cedar_policy::EntityUid>| u.map(ToString::to_string);
    let context = r
        .context()
        .map(|c| c.to_json_value().map_err(|e| e.to_string()))
        .transpose()?
        .unwrap_or_else(|| json!({}));
    Ok(json!({
        "principal": uid(r.principal()),
        "action": uid(r.action()),
        "resource": uid(r.resource()),
        "context": context,
    }))
}

/// Entities in the CLI's JSON form (with the schema's action entities, so
/// that action groups work with and without `--schema`).
fn entities_json(e: &cedar_policy::Entities) -> Result<Json, String> {
    e.to_json_value().map_err(|e| e.to_string())
}

fn copy_schema(dir: &Path, to: &Path) -> Result<(), String> {
    let schema = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "cedarschema"))
        .ok_or_else(|| format!("no schema in {}", dir.display()))?;
    std::fs::copy(schema, to)
        .map(drop)
        .map_err(|e| e.to_string())
}

fn concat_policies(dir: &Path, to: &Path) -> Result<(), String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cedar"))
        .collect();
    files.sort();
    let mut text = String::new();
    for f in files {
        text.push_str(&std::fs::read_to_string(&f).map_err(|e| e.to_string())?);
        text.push('\n');
    }
    std::fs::write(to, text).map_err(|e| e.to_string())
}

fn write_json(path: &Path, value: &Json) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = BufWriter::new(file);
    serde_json::to_writer(&mut w, value).map_err(|e| e.to_string())?;
    w.flush().map_err(|e| e.to_string())
}
