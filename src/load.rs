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
    let mut names = Vec::new();
    let mut lowered_files = Vec::new();
    let mut outcomes = Vec::new();
    for (n, f, d) in per_file {
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
        Self {
            file: file.clone(),
            names,
        }
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
