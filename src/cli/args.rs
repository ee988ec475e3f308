//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Check legal requirements written as Cedar policies against YAML cases.
///
/// lexgate evaluates every scenario in cases/ against the policies in
/// policies/ and reports, per requirement, whether it passes, fails or is
/// untested, with the clause it comes from and the policies that decided.
///
/// Exit codes: 0 all requirements pass (or nothing changed), 1 a requirement
/// fails, a waiver expired, the reports differ from the baseline or a
/// decision changed, 2 invalid input or usage.
#[derive(Debug, Parser)]
#[command(name = "lexgate", version, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options for every command.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The project folder holding policies/ and cases/.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// When to use colours (NO_COLOR is honoured by `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Evaluate on this many threads (default: one per core). The output does
    /// not depend on it.
    #[arg(long, short = 'j', global = true, value_name = "N")]
    pub jobs: Option<usize>,
    /// The date waivers expire against, YYYY-MM-DD [default: the current date].
    #[arg(long, global = true, value_name = "DATE")]
    pub today: Option<String>,
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate every scenario and report per requirement.
    Check(CheckArgs),
    /// Parse and validate policies and cases without evaluating; report every problem.
    Validate(ValidateArgs),
    /// Write the committed reports: reports/<regime>.md and reports/<regime>.json.
    Report(ReportArgs),
    /// Take the pending report files (*.new) that `check --baseline` wrote as the new baseline.
    Accept(PendingArgs),
    /// Delete the pending report files (*.new) that `check --baseline` wrote.
    Reject(PendingArgs),
    /// Evaluate the cases against two versions of the policies and list every
    /// decision that changed, per requirement (exit 1 when one did).
    Diff(DiffArgs),
}

/// Which regimes, requirements and scenarios to take.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only regimes whose name contains this text, or matches this glob.
    #[arg(long, value_name = "PATTERN")]
    pub regime: Vec<String>,
    /// Only requirements whose id contains this text, or matches this glob.
    #[arg(long, value_name = "PATTERN")]
    pub requirement: Vec<String>,
    /// Only scenarios whose name contains this text, or matches this glob.
    #[arg(long, value_name = "PATTERN")]
    pub scenario: Vec<String>,
    /// The moment for scenarios that give no `at:` (a date or an RFC 3339 timestamp).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

/// `lexgate check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output format [default: human].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Write the output to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// List passing scenarios too (human format).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Compare the report files with the committed ones in DIR (relative to
    /// --root) instead of reporting: print a diff and exit 1 when they differ,
    /// exit 0 when they are identical, even if they record failing
    /// requirements. Outside CI (the CI variable unset, empty, 0 or false) the changed
    /// files are written beside the baseline as <name>.new, for `lexgate
    /// accept` or `lexgate reject`. With -o, the report is also written there
    /// in --format.
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with_all = ["requirement", "scenario", "as_of", "verbose"]
    )]
    pub baseline: Option<PathBuf>,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a terminal.
    Human,
    /// The versioned JSON report.
    Json,
    /// The Markdown report.
    Markdown,
    /// JUnit XML for CI.
    Junit,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

/// `lexgate validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Only regimes whose name contains this text, or matches this glob.
    #[arg(long, value_name = "PATTERN")]
    pub regime: Vec<String>,
}

/// `lexgate report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The folder of the reports (relative to --root).
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub dir: PathBuf,
    /// Write nothing; exit 1 and show a diff when the reports are out of date.
    #[arg(long)]
    pub check: bool,
}

/// `lexgate accept` and `lexgate reject`.
#[derive(Debug, Args)]
pub struct PendingArgs {
    /// The baseline folder holding the pending files (relative to --root).
    #[arg(default_value = "reports", value_name = "DIR")]
    pub dir: PathBuf,
}

/// `lexgate diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// The old version: a folder holding policies/ and cases/, or a git
    /// revision (read with `git archive` from the repository of --root).
    #[arg(long, value_name = "DIR|REV")]
    pub old: String,
    /// The new version, a folder or a git revision [default: --root as it is].
    #[arg(long, value_name = "DIR|REV")]
    pub new: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For a terminal or a CI log.
    Text,
    /// For a pull-request comment.
    Markdown,
    /// For machines.
    Json,
}
