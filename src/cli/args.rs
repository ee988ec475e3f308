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
    #[arg(long, short = 'j', global = true, value_name = "N", value_parser = jobs)]
    pub jobs: Option<usize>,
    /// The date waivers expire against, YYYY-MM-DD [default: the current date].
    #[arg(long, global = true, value_name = "DATE")]
    pub today: Option<String>,
    /// How problems in the input are printed: for people (on standard
    /// error), as JSON Lines (standard error, one object per problem), or as
    /// GitHub annotations (standard output, so that a pull request shows each
    /// at its line).
    #[arg(long, global = true, value_enum, value_name = "FORMAT", default_value_t = ErrorFormat::Human)]
    pub error_format: ErrorFormat,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// File, line, the text underlined and the help, for a terminal.
    Human,
    /// One JSON object per problem: code, message, help, file, places.
    Json,
    /// GitHub workflow commands (`::error file=…,line=…::…`).
    Github,
}

/// The most threads `-j` takes: far beyond any machine's cores, well below
/// what exhausts the system's threads.
const MAX_JOBS: usize = 256;

/// `-j N`: a whole number from 1 to [`MAX_JOBS`].
fn jobs(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=MAX_JOBS).contains(&n) => Ok(n),
        _ => Err(format!("give a number of threads from 1 to {MAX_JOBS}")),
    }
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
    /// List requirements and policies the scenarios leave unexercised; with --min, a CI gate.
    Coverage(CoverageArgs),
    /// Explain scenarios in words: the request, the entities, the decision and the policies behind it.
    Explain(ExplainArgs),
    /// Count a legal period on a country's calendar: `lexgate date LT 2024-03-29 +3wd`.
    Date(DateArgs),
    /// Write JSON Schemas for case files, so that editors complete and check them.
    Schema(SchemaArgs),
    /// Create a regime: schema stub, example policy, catalogue and scenario file.
    New(NewArgs),
    /// Format the Cedar policies with Cedar's formatter; `--check` for CI.
    Fmt(FmtArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff; read it with `lexgate man | man -l -`).
    Man(ManArgs),
    /// Take the pending report files (*.new) that `check --baseline` wrote as the new baseline.
    Accept(PendingArgs),
    /// Delete the pending report files (*.new) that `check --baseline` wrote.
    Reject(PendingArgs),
    /// Evaluate the cases against two versions of the policies and list every
    /// decision that changed, per requirement (exit 1 when one did).
    Diff(DiffArgs),
    /// Change one legal condition at a time and report the changes no scenario notices; with --min-score, a CI gate.
    Mutate(MutateArgs),
    /// Prove properties of the policies for every request with the cvc5 solver:
    /// no evaluation errors, lint, and the legal invariants of invariants.cedar.
    Verify(VerifyArgs),
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

/// `lexgate coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Only regimes whose name contains this text, or matches this glob.
    #[arg(long, value_name = "PATTERN")]
    pub regime: Vec<String>,
    /// Exit 1 when fewer than PCT percent of a regime's requirements have both an allow and a deny scenario.
    #[arg(long, value_name = "PCT")]
    pub min: Option<f64>,
    /// Exit 1 when fewer than PCT percent of a regime's policies decide at least one scenario.
    #[arg(long, value_name = "PCT")]
    pub min_policies: Option<f64>,
    /// Exit 1 when a deny scenario of a requirement with a forbid policy is denied by default, without `decided_by`.
    #[arg(long)]
    pub strict: bool,
    /// Also show the clause map: per regime, the source's provisions encoded, deciding nothing, and the gaps.
    #[arg(long)]
    pub clauses: bool,
    /// With --clauses: exit 1 when a regime has a gap in its clause map, or no clause map.
    #[arg(long, requires = "clauses")]
    pub fail_on_gaps: bool,
}

/// `lexgate explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The scenario's name: a substring, or a glob with `*`, `?`, `[`.
    pub scenario: String,
    /// Only regimes whose name contains this text, or matches this glob.
    #[arg(long, value_name = "PATTERN")]
    pub regime: Vec<String>,
    /// The moment for scenarios that give no `at:`.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

/// `lexgate date`.
#[derive(Debug, Args)]
#[command(
    after_help = "Units: d (calendar days), wd (working days), w (weeks), m (calendar months, \
clamped to the month's last day), y (calendar years). Working days skip weekends and the country's \
public holidays; counting starts on the day after START.\n\nExample: lexgate date LT 2024-03-29 +3wd"
)]
pub struct DateArgs {
    /// The calendar: LT, LV or DK.
    pub country: String,
    /// The first date (e.g. the day of receipt), as 2024-03-29.
    pub start: String,
    /// The period: +3wd, -10wd, +4w, +2m, +1y, +28d.
    #[arg(allow_hyphen_values = true)]
    pub period: String,
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

/// `lexgate schema`.
#[derive(Debug, Args)]
#[command(
    after_help = "Writes scenario-file.schema.json and catalogue.schema.json (for any regime) and \
<regime>.cases.schema.json (entity types, attributes, actions, requirement and policy ids of one \
regime). A case file names its schema on its first line, e.g.\n\n  \
# yaml-language-server: $schema=../../schemas/mano-vmi.cases.schema.json"
)]
pub struct SchemaArgs {
    /// The folder of the schemas (relative to --root).
    #[arg(long, default_value = "schemas", value_name = "DIR")]
    pub out: PathBuf,
    /// Write nothing; exit 1 and show a diff when the schemas are out of date.
    #[arg(long)]
    pub check: bool,
}

/// `lexgate new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The regime's name: a lowercase slug such as `mano-vmi` (its namespace is `ManoVmi`).
    pub regime: String,
}

/// `lexgate fmt`.
#[derive(Debug, Args)]
#[command(
    after_help = "Uses cedar-policy-formatter (line width 80, indent 2), which checks that every \
policy keeps its meaning and annotations. A file whose comments the formatter would drop is left as \
it is, with the comment shown."
)]
pub struct FmtArgs {
    /// The policy files (default: every policies/**/*.cedar under --root).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Write nothing; exit 1 and show a diff when a file would change.
    #[arg(long)]
    pub check: bool,
}

/// `lexgate completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
    /// Write the script into this folder (named as the shell expects) instead of printing it.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `lexgate man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write lexgate.1 and one page per command into this folder instead of printing lexgate.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
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
    /// Compare the policies for every request with the cvc5 solver (per
    /// regime and request environment: equivalent, more or less permissive,
    /// or both, with a witness for each direction) instead of the scenarios'
    /// decisions. Both versions are compiled against the new schema.
    #[arg(long, conflicts_with_all = ["requirement", "scenario", "as_of"])]
    pub symbolic: bool,
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

/// `lexgate mutate`.
#[derive(Debug, Args)]
#[command(
    after_help = "A mutant is killed when a scenario that passes on the original policies no longer \
passes; it survives when none notices. Score = killed / (killed + survived). Invalid mutants (the \
mutated policy fails strict validation, or the derived dates do not load) are counted, not run. \
When cvc5 is found ($CVC5, then PATH) and --no-solver is not given, every surviving policy mutant \
is compared with the original for every request: an equivalent one (it decides every request \
alike) is counted apart and left out of the score; any other comes with a scenario that kills it. \
Without the solver, survivors may include equivalent mutants."
)]
pub struct MutateArgs {
    /// Only regimes whose name contains this text, or matches this glob.
    #[arg(long, value_name = "PATTERN")]
    pub regime: Vec<String>,
    /// Only the policies serving a requirement whose id contains this text,
    /// or matches this glob (derived dates are then not mutated).
    #[arg(long, value_name = "PATTERN")]
    pub requirement: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = MutateFormat::Human)]
    pub format: MutateFormat,
    /// Write the output to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a selected regime's mutation score is below PCT percent.
    #[arg(long, value_name = "PCT")]
    pub min_score: Option<f64>,
    /// Do not ask cvc5 which survivors are equivalent (they then count as survivors).
    #[arg(long)]
    pub no_solver: bool,
    /// The time limit of one solver query, in seconds; a survivor whose query runs out stays a survivor.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
}

/// Output formats of `mutate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MutateFormat {
    /// For a terminal.
    Human,
    /// Every mutant with its status.
    Json,
    /// A table and the survivors.
    Markdown,
    /// SARIF 2.1.0: a result per surviving mutant.
    Sarif,
}

/// `lexgate verify`.
#[derive(Debug, Args)]
#[command(
    after_help = "Needs cvc5 (`apt-get install -y cvc5`, or CVC5=/path/to/cvc5). Checks, in every \
request environment of each regime's schema: that no policy can raise an evaluation error; lint \
(vacuous, shadowed, redundant and equivalent policies; acknowledge one with @lint_ok(\"<kind>: why\")); \
and the legal invariants of policies/<regime>/invariants.cedar (@kind upper, lower or never). A \
failed property comes with a counterexample written as a scenario, confirmed by Cedar's authorizer.\n\n\
Exit codes: 0 everything proved, 1 a property fails or is unknown, or a lint error stands, 2 invalid \
input or no solver."
)]
pub struct VerifyArgs {
    /// Only regimes whose name contains this text, or matches this glob.
    #[arg(long, value_name = "PATTERN")]
    pub regime: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
    /// Write the output to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Append every counterexample, as a scenario, to this case file (created when absent).
    #[arg(long, value_name = "FILE")]
    pub write_cases: Option<PathBuf>,
    /// The time limit of one solver query, in seconds; a query that runs out is `unknown`.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
}

/// Output formats of `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    /// For a terminal.
    Human,
    /// For machines.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// JUnit XML for CI.
    Junit,
}
