//! Loading a project: discover the regimes, read and check every file, lower
//! every scenario, and collect **all** problems before anything is evaluated.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path as FsPath, PathBuf};

use cedar_policy::Authorizer;
use miette::SourceSpan;
use rayon::prelude::*;

use crate::catalogue::LoadedCatalogue;
use crate::derive::Derivations;
use crate::diagnostic::{Code, Diag, Diagnostics};
use crate::discover::{discover, RegimeFiles};
use crate::evaluate::{evaluate_file, RegimeOutcomes};
use crate::filter::{Matcher, Selection};
use crate::lower::{lower_file, LoweredFile, Refs};
use crate::policies::RegimePolicies;
use crate::scenario::ScenarioFile;
use crate::schema::RegimeSchema;
use crate::slice::PolicySlices;
use crate::source::SourceFile;
use crate::waiver::{self, Waiver};
use crate::yaml::{Path, YamlIndex};

/// A loaded project: every regime, ready to evaluate.
#[derive(Debug)]
pub struct Project {
    /// The project root.
    pub root: PathBuf,
    /// The regimes, sorted by name.
    pub regimes: Vec<Regime>,
}

/// One regime, loaded and lowered.
#[derive(Debug)]
pub struct Regime {
    /// Its slug.
    pub name: String,
    /// Its catalogue.
    pub catalogue: LoadedCatalogue,
    /// Its schema.
    pub schema: RegimeSchema,
    /// Its policies.
    pub policies: RegimePolicies,
    /// Its derived dates, if it declares any.
    pub derivations: Option<Derivations>,
    /// Its scenario files, lowered, in path order (none when loaded by
    /// [`load_evaluated`], which evaluates and drops each one).
    pub files: Vec<LoweredFile>,
    /// Its waivers, in file order.
    pub waivers: Vec<Waiver>,
}

/// What to load.
#[derive(Debug, Default, Clone)]
pub struct LoadOptions {
    /// Only the regimes matching one of these (all when empty).
    pub regimes: Vec<Matcher>,
    /// The moment of scenarios without `at:`.
    pub as_of: Option<String>,
}

/// Loads every regime under `root`; on any problem, returns all of them.
pub fn load(root: &FsPath, options: &LoadOptions) -> Result<Project, Vec<Diag>> {
    load_then(root, options, Then::Keep).map(|(project, _)| project)
}

/// Loads every regime under `root` and evaluates the scenarios `selection`
/// picks, each case file as soon as it is lowered, keeping only what the
/// report needs: memory stays proportional to the results, not to the
/// requests and entities. The regimes come back with no lowered `files`. As
/// with [`load`], any problem means no outcomes: every problem is returned.
pub fn load_evaluated(
    root: &FsPath,
    options: &LoadOptions,
    selection: &Selection,
) -> Result<(Project, Vec<RegimeOutcomes>), Vec<Diag>> {
    load_then(root, options, Then::Evaluate(selection))
}

/// What becomes of a case file once it is lowered.
#[derive(Clone, Copy)]
enum Then<'a> {
    /// Kept in the project.
    Keep,
    /// Evaluated at once, and dropped.
    Evaluate(&'a Selection),
}

fn load_then(
    root: &FsPath,
    options: &LoadOptions,
    then: Then<'_>,
) -> Result<(Project, Vec<RegimeOutcomes>), Vec<Diag>> {
    let mut diags = Diagnostics::default();
    let found = discover(root, &mut diags);
    let selected: Vec<RegimeFiles> = found
        .into_iter()
        .filter(|r| {
            options.regimes.is_empty() || options.regimes.iter().any(|m| m.matches(&r.name))
        })
        .collect();
    if selected.is_empty() && diags.is_empty() {
        diags.push(
            Diag::new(Code::Usage, "no regime matches the --regime filter")
                .with_help("run `lexgate check` without --regime to see every regime"),
        );
    }
    let regimes: Vec<(Option<(Regime, RegimeOutcomes)>, Diagnostics)> = selected
        .par_iter()
        .map(|files| {
            let mut d = Diagnostics::default();
            let regime = load_regime(root, files, options, then, &mut d);
            (regime, d)
        })
        .collect();
    let mut loaded = Vec::new();
    let mut outcomes = Vec::new();
    for (regime, d) in regimes {
        diags.extend(d);
        if let Some((regime, outs)) = regime {
            loaded.push(regime);
            outcomes.push(outs);
        }
    }
    if diags.is_empty() {
        let project = Project {
            root: root.to_path_buf(),
            regimes: loaded,
        };
        Ok((project, outcomes))
    } else {
        Err(diags.into_sorted())
    }
}

fn read(root: &FsPath, path: &std::path::Path, diags: &mut Diagnostics) -> Option<SourceFile> {
    SourceFile::read(root, path)
        .map_err(|d| diags.push(*d))
        .ok()
}

/// The parts of a regime every command needs, whatever it does with the
/// cases: catalogue, schema, derived dates and policies, each checked, with
/// every problem in `diags`. A part that failed to load is `None`.
pub struct Definitions {
    /// The catalogue.
    pub catalogue: Option<LoadedCatalogue>,
    /// The schema.
    pub schema: Option<RegimeSchema>,
    /// The derived dates, if the regime declares any.
    pub derivations: Option<Derivations>,
    /// The policies that loaded (`complete` is false when some did not).
    pub policies: RegimePolicies,
}

/// Loads a regime's [`Definitions`].
pub fn definitions(root: &FsPath, files: &RegimeFiles, diags: &mut Diagnostics) -> Definitions {
    let catalogue = files
        .catalogue
        .as_ref()
        .and_then(|p| read(root, p, diags))
        .and_then(|f| LoadedCatalogue::load(f, &files.name, diags));
    let schema = files
        .schemas
        .first()
        .and_then(|p| read(root, p, diags))
        .and_then(|f| RegimeSchema::parse(&f).map_err(|d| diags.push(*d)).ok());
    if let (Some(c), Some(s)) = (&catalogue, &schema) {
        if c.catalogue.namespace != s.namespace {
            diags.push(
                Diag::new(
                    Code::CatalogueError,
                    format!(
                        "the catalogue names namespace `{}` but the schema declares `{}`",
                        c.catalogue.namespace, s.namespace
                    ),
                )
                .at(
                    &c.file,
                    c.index.value_span(&Path::root().key("namespace")),
                    "does not match the schema",
                )
                .with_help(format!("write `namespace: {}`", s.namespace)),
            );
        }
    }
    let derivations = match (&files.derive, &schema) {
        (Some(p), Some(s)) => read(root, p, diags).and_then(|f| Derivations::load(&f, s, diags)),
        _ => None,
    };
    let policy_files: Vec<SourceFile> = files
        .policies
        .iter()
        .filter_map(|p| read(root, p, diags))
        .collect();
    if policy_files.is_empty() && !files.schemas.is_empty() {
        diags.push(Diag::new(
            Code::RegimeIncomplete,
            format!("regime `{}` has no policies (*.cedar)", files.name),
        ));
    }
    let mut policies =
        RegimePolicies::load(&policy_files, schema.as_ref(), catalogue.as_ref(), diags);
    if policy_files.is_empty() {
        policies.complete = false;
    }
    Definitions {
        catalogue,
        schema,
        derivations,
        policies,
    }
}

fn load_regime(
    root: &FsPath,
    files: &RegimeFiles,
    options: &LoadOptions,
    then: Then<'_>,
    diags: &mut Diagnostics,
) -> Option<(Regime, RegimeOutcomes)> {
    let Definitions {
        catalogue,
        schema,
        derivations,
        policies,
    } = definitions(root, files, diags);

    // Each scenario file is read, parsed and lowered in one go, in parallel,
    // so that its YAML trees are dropped as soon as it is lowered.
    let refs = Refs {
        catalogue: catalogue.as_ref(),
        policies: &policies,
        derivations: derivations.as_ref(),
        as_of: options.as_of.as_deref(),
    };
    let evaluator = match (then, &schema) {
        (Then::Evaluate(selection), Some(schema)) => Some((
            Authorizer::new(),
            PolicySlices::new(&policies.set, &schema.cedar),
            selection,
        )),
        _ => None,
    };
    let per_file: Vec<(Option<FileNames>, Option<Lowered>, Diagnostics)> = files
        .scenarios
        .par_iter()
        .map(|path| {
            let mut d = Diagnostics::default();
            let Some(file) = read(root, path, &mut d) else {
                return (None, None, d);
            };
            if let Some(wrong) = schema_of_another_regime(&file, &files.name) {
                d.push(wrong);
            }
            match ScenarioFile::parse(&file) {
                Ok((parsed, index)) => {
                    let names = FileNames::of(&file, &parsed, &index);
                    let lowered = schema
                        .as_ref()
                        .and_then(|s| lower_file(s, &file, &parsed, &index, &refs, &mut d))
                        .map(|lowered| match &evaluator {
                            Some((authorizer, slices, selection)) => Lowered::Evaluated(
                                evaluate_file(authorizer, slices, lowered, selection),
                            ),
                            None => Lowered::Kept(lowered),
                        });
                    (Some(names), lowered, d)
                }
                Err(e) => {
                    d.push(*e);
                    (None, None, d)
                }
            }
        })
        .collect();
    let all_read = per_file.iter().all(|(names, _, _)| names.is_some());
    let declared: Vec<&FileNames> = per_file.iter().filter_map(|(n, _, _)| n.as_ref()).collect();
    let hints: Vec<Diagnostics> = per_file
        .iter()
        .map(|(_, _, d)| {
            let mut d = d.clone();
            d.amend(|diag| point_to_other_files(diag, &declared));
            d
        })
        .collect();
    let mut names = Vec::new();
    let mut lowered_files = Vec::new();
    let mut outcomes = Vec::new();
    for ((n, f, _), d) in per_file.into_iter().zip(hints) {
        diags.extend(d);
        names.extend(n);
        match f {
            Some(Lowered::Kept(file)) => lowered_files.push(file),
            Some(Lowered::Evaluated(outs)) => outcomes.extend(outs),
            None => {}
        }
    }
    check_unique_names(&names, diags);
    let scenario_names: BTreeSet<&str> = names
        .iter()
        .flat_map(|f| &f.names)
        .map(|(name, _, _)| name.as_str())
        .collect();
    let waivers = files
        .waivers
        .as_ref()
        .and_then(|p| read(root, p, diags))
        .map(|f| {
            waiver::load(
                &f,
                catalogue.as_ref(),
                all_read.then_some(&scenario_names),
                diags,
            )
        })
        .unwrap_or_default();
    let regime = Regime {
        name: files.name.clone(),
        catalogue: catalogue?,
        schema: schema?,
        policies,
        derivations,
        files: lowered_files,
        waivers,
    };
    Some((regime, outcomes))
}

/// A lowered case file, kept or already evaluated.
enum Lowered {
    Kept(LoweredFile),
    Evaluated(RegimeOutcomes),
}

impl Regime {
    /// Parses and lowers `text` as one more scenario file of this regime
    /// (for tests, fuzzing and editors): every problem, or the lowered file.
    pub fn lower_text(
        &self,
        name: &str,
        text: &str,
        as_of: Option<&str>,
    ) -> Result<LoweredFile, Vec<Diag>> {
        let file = SourceFile::from_text(name, text);
        let (parsed, index) = ScenarioFile::parse(&file).map_err(|d| vec![*d])?;
        let refs = Refs {
            catalogue: Some(&self.catalogue),
            policies: &self.policies,
            derivations: self.derivations.as_ref(),
            as_of,
        };
        let mut diags = Diagnostics::default();
        let lowered = lower_file(&self.schema, &file, &parsed, &index, &refs, &mut diags);
        match lowered {
            Some(f) if diags.is_empty() => Ok(f),
            _ => Err(diags.into_sorted()),
        }
    }
}

/// The scenario names of one file, where they are written.
struct FileNames {
    file: SourceFile,
    names: Vec<(String, SourceSpan, usize)>,
    /// The ids of the file's fixture entities.
    fixtures: BTreeSet<String>,
}

impl FileNames {
    fn of(file: &SourceFile, parsed: &ScenarioFile, index: &YamlIndex) -> Self {
        let names = parsed
            .scenarios
            .iter()
            .enumerate()
            .map(|(i, sc)| {
                let span = index.value_span(&Path::root().key("scenarios").index(i).key("name"));
                (sc.name.clone(), span, file.line_of(span.offset()))
            })
            .collect();
        let fixtures = parsed
            .entities
            .values()
            .filter_map(|by_id| match by_id {
                serde_yaml::Value::Mapping(m) => Some(
                    m.keys()
                        .filter_map(|k| k.as_str().map(str::to_string))
                        .collect::<Vec<_>>(),
                ),
                serde_yaml::Value::Sequence(ids) => Some(
                    ids.iter()
                        .filter_map(|k| k.as_str().map(str::to_string))
                        .collect(),
                ),
                _ => None,
            })
            .flatten()
            .collect();
        Self {
            file: file.clone(),
            names,
            fixtures,
        }
    }
}

/// A case file whose editor-schema comment (`$schema=…/<r>.cases.schema.json`)
/// names another regime than the folder it sits in: most likely saved in
/// the wrong folder, which would make every later error misleading.
fn schema_of_another_regime(file: &SourceFile, regime: &str) -> Option<Diag> {
    let first = file.text.lines().next()?;
    let named = first
        .split("$schema=")
        .nth(1)?
        .trim()
        .rsplit('/')
        .next()?
        .strip_suffix(".cases.schema.json")?;
    (named != regime).then(|| {
        let start = first.find(named).unwrap_or(0);
        Diag::new(
            Code::WrongFolder,
            format!(
                "this file's `$schema` names `{named}` but it sits in `cases/{regime}/`"
            ),
        )
        .at(file, (start, named.len()).into(), "another regime")
        .with_help(format!(
            "move the file to `cases/{named}/`, or, if it belongs here, name `{regime}.cases.schema.json` in its first line"
        ))
    })
}

/// For an entity that a file does not declare but another file of the
/// regime does: says so, since fixtures belong to the file that declares
/// them.
fn point_to_other_files(diag: &mut Diag, files: &[&FileNames]) {
    let (Some(id), Some(here)) = (&diag.missing_id, &diag.file) else {
        return;
    };
    let elsewhere: Vec<&str> = files
        .iter()
        .filter(|f| f.file.name != here.name && f.fixtures.contains(id))
        .map(|f| f.file.name.rsplit('/').next().unwrap_or(&f.file.name))
        .collect();
    if let Some(first) = elsewhere.first() {
        diag.help = Some(format!(
            "`{id}` is declared in {first}{}; fixtures belong to their file: declare it in this file too",
            if elsewhere.len() > 1 { " and other files" } else { "" }
        ));
    }
}

fn check_unique_names(files: &[FileNames], diags: &mut Diagnostics) {
    let mut first: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
    for f in files {
        for (name, span, line) in &f.names {
            if let Some((other_file, other_line)) = first.get(name.as_str()) {
                diags.push(
                    Diag::new(Code::DuplicateId, format!("two scenarios are named `{name}`"))
                        .at(&f.file, *span, "second use of the name")
                        .with_help(format!("the first is in {other_file} line {other_line}; scenario names are unique within a regime")),
                );
            } else {
                first.insert(name, (&f.file.name, *line));
            }
        }
    }
}
