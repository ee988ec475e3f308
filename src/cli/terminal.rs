//! Talking to the terminal: colour choice and diagnostics.

use std::io::{IsTerminal, Write};

use lexgate::diagnostic::Diag;
use lexgate::diagnostic_format::{github_line, json_line};
use miette::{GraphicalReportHandler, GraphicalTheme};

use super::args::{ColorChoice, ErrorFormat};

/// Most diagnostics shown in one run: enough to fix a file in one pass;
/// thousands would take long to render and nobody reads them.
pub const MAX_SHOWN: usize = 50;

/// Where and how to print.
pub struct Terminal {
    color_stdout: bool,
    color_stderr: bool,
    error_format: ErrorFormat,
}

impl Terminal {
    /// Decides colours once, from `--color`, NO_COLOR and whether the streams are terminals.
    pub fn new(choice: ColorChoice, error_format: ErrorFormat) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |is_tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_tty && !no_color,
        };
        Self {
            color_stdout: decide(std::io::stdout().is_terminal()),
            color_stderr: decide(std::io::stderr().is_terminal()),
            error_format,
        }
    }

    /// Whether standard output gets colours.
    pub fn color_stdout(&self) -> bool {
        self.color_stdout
    }

    /// Prints to standard output.
    pub fn out(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }

    /// Prints a message to standard error.
    pub fn err(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
    }

    /// Prints diagnostics to standard error (the first [`MAX_SHOWN`], then a
    /// count of the rest), then a one-line summary.
    pub fn diagnostics(&self, diags: &[Diag], what: &str) {
        match self.error_format {
            ErrorFormat::Human => {}
            ErrorFormat::Json => {
                let lines: String = diags.iter().map(|d| json_line(d) + "\n").collect();
                return self.err(&lines);
            }
            ErrorFormat::Github => {
                let lines: String = diags.iter().map(|d| github_line(d) + "\n").collect();
                self.out(&lines);
                return self.err(&summary(diags.len(), what));
            }
        }
        let theme = if self.color_stderr {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
        let mut text = String::new();
        for d in diags.iter().take(MAX_SHOWN) {
            let _ = handler.render_report(&mut text, d);
            text.push('\n');
        }
        let n = diags.len();
        if n > MAX_SHOWN {
            text.push_str(&format!(
                "... and {} more problems, not shown: fix the ones above first\n",
                n - MAX_SHOWN
            ));
        }
        text.push_str(&summary(n, what));
        self.err(&text);
    }
}

/// The last line: how many problems, and what was not done.
fn summary(n: usize, what: &str) -> String {
    format!(
        "error: {n} problem{} found; {what}\n",
        if n == 1 { "" } else { "s" }
    )
}
