//! lexgate: a policy-as-code compliance checker.
//!
//! Legal rules are Cedar policies (`policies/<regime>/`), concrete situations are
//! YAML cases (`cases/<regime>/`). The library discovers and loads both, lowers
//! every scenario to a Cedar request, evaluates it and builds one report model
//! that pure renderers turn into text. It never prints: only the binary talks to
//! the terminal, so every stage can be tested as a function.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod baseline;
pub mod calendar;
pub mod case_schema;
pub mod catalogue;
pub mod decision_diff;
pub mod derive;
pub mod diagnostic;
pub mod diagnostic_format;
pub mod discover;
pub mod evaluate;
pub mod explain;
pub mod filter;
pub mod format;
pub mod journal;
pub mod load;
pub mod lower;
pub mod mutate;
pub mod output;
pub mod policies;
pub mod report;
pub mod revision;
pub mod scaffold;
pub mod scenario;
pub mod schema;
pub mod schema_docs;
pub mod slice;
pub mod source;
pub mod verify;
pub mod waiver;
pub mod yaml;

use std::path::Path;

use diagnostic::{Code, Diag};
use filter::{Matcher, Selection};
use load::LoadOptions;
use report::Report;

/// What a run takes: regimes, requirements and scenarios to select, the
/// moment for scenarios without `at:`, and today's date for waivers.
#[derive(Debug, Default, Clone)]
pub struct RunOptions {
    /// `--regime` patterns.
    pub regimes: Vec<String>,
    /// `--requirement` patterns.
    pub requirements: Vec<String>,
    /// `--scenario` patterns.
    pub scenarios: Vec<String>,
    /// `--as-of`.
    pub as_of: Option<String>,
    /// `--today`: the date waivers expire against (default: the real date).
    pub today: Option<String>,
}

/// Run options with their patterns and dates resolved.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// What to load.
    pub load: LoadOptions,
    /// What to evaluate and report.
    pub selection: Selection,
    /// The date waivers expire against.
    pub today: jiff::civil::Date,
}

impl RunOptions {
    /// Resolves the patterns and the dates; a bad one is a usage diagnostic.
    pub fn resolve(&self) -> Result<Resolved, Vec<Diag>> {
        let mut errors = Vec::new();
        let mut matchers = |patterns: &[String]| -> Vec<Matcher> {
            patterns
                .iter()
                .filter_map(|p| {
                    Matcher::new(p)
                        .map_err(|e| errors.push(Diag::new(Code::Usage, e)))
                        .ok()
                })
                .collect()
        };
        let regimes = matchers(&self.regimes);
        let selection = Selection {
            requirements: matchers(&self.requirements),
            scenarios: matchers(&self.scenarios),
        };
        let as_of = match &self.as_of {
            None => None,
            Some(s) => match lower::datetime(s) {
                Ok(d) => Some(d),
                Err(why) => {
                    errors.push(Diag::new(
                        Code::Usage,
                        format!("--as-of `{s}` is not a date or timestamp: {why}"),
                    ));
                    None
                }
            },
        };
        let today = match &self.today {
            None => jiff::Zoned::now().date(),
            Some(s) => s.trim().parse().unwrap_or_else(|e| {
                errors.push(Diag::new(
                    Code::Usage,
                    format!("--today `{s}` is not a date (YYYY-MM-DD): {e}"),
                ));
                jiff::civil::Date::default()
            }),
        };
        if errors.is_empty() {
            Ok(Resolved {
                load: LoadOptions { regimes, as_of },
                selection,
                today,
            })
        } else {
            Err(errors)
        }
    }
}

/// Loads, validates, evaluates and reports: the whole job, as a function.
pub fn run(root: &Path, options: &RunOptions) -> Result<Report, Vec<Diag>> {
    let resolved = options.resolve()?;
    let (project, outcomes) = load::load_evaluated(root, &resolved.load, &resolved.selection)?;
    let report = Report::build(&project, outcomes, &resolved.selection, resolved.today);
    match unmatched_filter(options, &report) {
        Some(diag) => Err(vec![diag]),
        None => Ok(report),
    }
}

/// A usage error when `--requirement` or `--scenario` selects nothing, as
/// `--regime` does: a filter that matches nothing must not pass quietly.
fn unmatched_filter(options: &RunOptions, report: &Report) -> Option<Diag> {
    let (flag, patterns) =
        if report.totals.requirements.total == 0 && !options.requirements.is_empty() {
            ("--requirement", &options.requirements)
        } else if report.totals.scenarios.total == 0 && !options.scenarios.is_empty() {
            ("--scenario", &options.scenarios)
        } else {
            return None;
        };
    Some(
        Diag::new(
            Code::Usage,
            format!(
                "no {} matches the {flag} filter `{}`",
                if flag == "--scenario" {
                    "scenario"
                } else {
                    "requirement"
                },
                patterns.join("`, `")
            ),
        )
        .with_help(format!(
            "{flag} takes a substring or a glob (`*`, `?`, `[`), compared without regard to case"
        )),
    )
}
