//! Diagnostics: every problem lexgate finds in its input, with a stable code,
//! the file, the line, the offending text underlined and, where one exists, a
//! suggestion.
//!
//! Cedar's own errors carry spans but not the file name; they are converted
//! into [`Diag`] with the file attached, so every diagnostic renders the same
//! way and can be collected across files before anything is evaluated.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode, SourceSpan};

use crate::source::SourceFile;

macro_rules! codes {
    ($($variant:ident => $name:literal, $desc:literal;)*) => {
        /// The stable code of a diagnostic (shown as `lexgate::<code>`).
        ///
        /// Codes never change meaning; a test snapshots the whole list.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The kebab-case name.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// One line saying what the code means.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $desc,)* }
            }
        }
    };
}

codes! {
    IoError => "io-error", "a file or folder could not be read";
    FileTooLarge => "file-too-large", "an input file is larger than lexgate accepts";
    NotUtf8 => "not-utf8", "an input file is not UTF-8 text";
    WalkError => "walk-error", "a folder could not be walked (permissions, symlink loop)";
    NoRegimes => "no-regimes", "no regime was found under policies/ and cases/";
    RegimeIncomplete => "regime-incomplete", "a regime lacks its schema, its policies or its catalogue";
    WrongFolder => "wrong-folder", "a case file's `$schema` names another regime than the folder it sits in";
    YamlSyntax => "yaml-syntax", "a YAML file is not well-formed or has the wrong structure";
    YamlUnknownKey => "unknown-key", "a YAML mapping has a key lexgate does not know";
    MissingKey => "missing-key", "a key that must be written is missing (`expect:`, `name:`, ...)";
    UnknownValue => "unknown-value", "a value is not one of those lexgate knows for its key";
    YamlLimit => "yaml-limit", "a YAML file nests too deep or expands aliases too much";
    EmptyFile => "empty-file", "a case file holds nothing: it is empty or only comments";
    SchemaError => "schema-error", "a Cedar schema does not parse or is not a single namespace";
    PolicyParse => "policy-parse", "a Cedar policy does not parse";
    PolicyValidation => "policy-validation", "a Cedar policy fails strict validation against its schema";
    PolicyAnnotation => "policy-annotation", "a policy lacks @id, @clause or @requirement, or they are wrong";
    FormatError => "format-error", "a policy file cannot be formatted without losing a comment, or the formatter failed";
    DuplicateId => "duplicate-id", "two things that must have distinct ids share one";
    CatalogueError => "catalogue-error", "the requirement catalogue is inconsistent";
    UnknownRequirement => "unknown-requirement", "a requirement id is not in the catalogue";
    UnknownEntityType => "unknown-entity-type", "an entity type is not declared in the schema";
    UnknownEntity => "unknown-entity", "an entity is referenced but not declared";
    AmbiguousEntity => "ambiguous-entity", "a plain id matches entities of more than one type";
    UnknownAttribute => "unknown-attribute", "an attribute is not declared for the entity type or context";
    MissingAttribute => "missing-attribute", "a required attribute has no value";
    WrongType => "wrong-type", "a value does not have the type the schema declares";
    BadDate => "bad-date", "a date or timestamp is malformed or does not exist";
    UnknownAction => "unknown-action", "an action is not declared in the schema";
    WrongPrincipalOrResource => "wrong-request-type", "the principal or resource type does not fit the action";
    MissingTime => "missing-time", "a scenario has no `at:` but the action's context needs `now`";
    UnknownPolicy => "unknown-policy", "`decided_by` names a policy that does not exist";
    DeriveError => "derive-error", "a derived date is declared wrongly, cannot be computed, or is written in a case";
    CedarEntity => "cedar-entity", "Cedar rejected the entities or request built from a case";
    Usage => "usage", "the command line asks for something that cannot be done";
    WriteError => "write-error", "an output file could not be written";
    WaiverError => "waiver-error", "a waiver names no target or two, or lacks its justification or approver";
    UnknownScenario => "unknown-scenario", "a waiver names a scenario that does not exist";
    GitError => "git-error", "a git revision could not be read";
    SolverMissing => "solver-missing", "`lexgate verify` needs the cvc5 solver, which was not found";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lexgate::{}", self.name())
    }
}

/// Lines longer than this are not quoted in diagnostics.
const MAX_QUOTED_LINE: usize = 400;

/// One problem found in the input.
#[derive(Debug, Clone)]
pub struct Diag {
    /// The stable code.
    pub code: Code,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it, when lexgate can tell.
    pub help: Option<String>,
    /// The file the problem is in, when there is one.
    pub file: Option<SourceFile>,
    /// Underlined places in the file.
    pub labels: Vec<LabeledSpan>,
    /// For an unknown entity: the id that was not found, so that a later
    /// stage can say where else it is declared.
    pub missing_id: Option<String>,
}

impl Diag {
    /// A diagnostic without a location.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            help: None,
            file: None,
            labels: Vec::new(),
            missing_id: None,
        }
    }

    /// Adds a suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a suggestion when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Points at a place in `file`, underlining `span` with `label`.
    ///
    /// When the line is too long to show (minified or hostile input), the
    /// position is given in words instead of quoting the line.
    pub fn at(mut self, file: &SourceFile, span: SourceSpan, label: impl Into<String>) -> Self {
        self.file = Some(file.clone());
        let start = span.offset().min(file.text.len());
        let (line_start, line_end) = file.line_bounds(start);
        if line_end - line_start > MAX_QUOTED_LINE {
            let column = file.column_of(start);
            self.message = format!(
                "{} (line {}, column {column}; the line is too long to show)",
                self.message,
                file.line_of(start)
            );
            return self;
        }
        self.labels
            .push(LabeledSpan::new_with_span(Some(label.into()), span));
        self
    }

    /// Names the file without pointing at a place in it.
    pub fn in_file(mut self, file: &SourceFile) -> Self {
        self.file = Some(file.clone());
        self
    }

    /// Boxes the diagnostic (diagnostics are large; results carry them boxed).
    pub fn boxed(self) -> Box<Self> {
        Box::new(self)
    }

    /// The 1-based line of the first label, if any.
    pub fn line(&self) -> Option<usize> {
        let file = self.file.as_ref()?;
        let label = self.labels.first()?;
        Some(file.line_of(label.offset()))
    }

    /// Converts any miette diagnostic (such as Cedar's) into a [`Diag`] in
    /// `file`, keeping its message, help and labels. Spans of the original
    /// must be offsets into `file`'s text.
    pub fn from_foreign(code: Code, err: &dyn Diagnostic, file: Option<&SourceFile>) -> Self {
        let mut message = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(inner) = source {
            let text = inner.to_string();
            if !message.contains(&text) {
                message = format!("{message}: {text}");
            }
            source = inner.source();
        }
        let text_len = file.map(|f| f.text.len()).unwrap_or(0);
        let labels = match (file, err.labels()) {
            (Some(_), Some(labels)) => labels
                .filter(|l| l.offset() + l.len() <= text_len)
                .collect(),
            _ => Vec::new(),
        };
        let mut help = err.help().map(|h| h.to_string());
        if let Some(related) = err.related() {
            for r in related {
                let extra = r.to_string();
                help = Some(match help {
                    Some(h) => format!("{h}\n{extra}"),
                    None => extra,
                });
            }
        }
        Self {
            code,
            message,
            help,
            file: file.cloned(),
            labels,
            missing_id: None,
        }
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.labels.is_empty()) {
            // With labels, miette prints the file name in the snippet header.
            (Some(file), true) => write!(f, "{}: {}", file.name, self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        if self.labels.is_empty() {
            return None;
        }
        self.file.as_ref().map(|f| f as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() || self.file.is_none() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}

/// A source as miette wants it, for callers that build their own reports.
pub fn named(file: &SourceFile) -> NamedSource<Arc<str>> {
    file.named_source()
}

/// Every problem found, in a stable order (file, line, code, message).
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diag>,
}

impl Diagnostics {
    /// Records one problem.
    pub fn push(&mut self, diag: Diag) {
        self.items.push(diag);
    }

    /// Lets `change` amend every problem recorded so far.
    pub fn amend(&mut self, mut change: impl FnMut(&mut Diag)) {
        self.items.iter_mut().for_each(&mut change);
    }

    /// Records every problem of another collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The problems, sorted by file, line, code and message, duplicates removed.
    pub fn into_sorted(mut self) -> Vec<Diag> {
        self.items.sort_by_key(sort_key);
        self.items
            .dedup_by(|a, b| sort_key(a) == sort_key(b) && a.labels.len() == b.labels.len());
        self.items
    }
}

fn sort_key(d: &Diag) -> (String, usize, usize, Code, String) {
    let file = d.file.as_ref().map(|f| f.name.clone()).unwrap_or_default();
    let offset = d.labels.first().map(|l| l.offset()).unwrap_or(0);
    (
        file,
        d.line().unwrap_or(0),
        offset,
        d.code,
        d.message.clone(),
    )
}

/// Suggests the candidate closest to `wanted`, if one is close enough to be a
/// likely typo ("did you mean ...?").
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    // Names are short; comparing a megabyte-long one would take minutes.
    const LONGEST_COMPARED: usize = 256;
    if wanted.len() > LONGEST_COMPARED {
        return None;
    }
    let wanted_lower = wanted.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| c.len() <= LONGEST_COMPARED)
        .map(|c| (strsim::jaro_winkler(&wanted_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["tax_accounting", "registry", "education"];
        assert_eq!(
            did_you_mean("tax_acounting", names).as_deref(),
            Some("did you mean `tax_accounting`?")
        );
        assert_eq!(did_you_mean("zzz", names), None);
        let long = "tax_accounting".repeat(100_000);
        assert_eq!(did_you_mean(&long, names), None);
    }

    /// The codes are an interface (CI scripts match on them): this snapshot
    /// makes any change to the list deliberate.
    #[test]
    fn the_list_of_codes_is_stable() {
        let list: String = Code::ALL
            .iter()
            .map(|c| format!("{:<28} {}\n", c.to_string(), c.description()))
            .collect();
        insta::assert_snapshot!(list);
    }

    #[test]
    fn code_names_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(code
                .name()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()));
            assert!(seen.insert(code.name()), "duplicate code {}", code.name());
        }
    }

    #[test]
    fn diagnostics_sort_by_file_then_line() {
        let a = SourceFile::from_text("b.yaml", "x\ny\n");
        let b = SourceFile::from_text("a.yaml", "x\n");
        let mut all = Diagnostics::default();
        all.push(Diag::new(Code::WrongType, "second").at(&a, (2, 1).into(), "here"));
        all.push(Diag::new(Code::WrongType, "first").at(&a, (0, 1).into(), "here"));
        all.push(Diag::new(Code::WrongType, "zeroth").at(&b, (0, 1).into(), "here"));
        let sorted: Vec<_> = all.into_sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(sorted, ["zeroth", "first", "second"]);
    }
}
