//! Diagnostics for machines: JSON Lines for tools and editors, and GitHub
//! workflow commands, so that a pull request shows each problem at its line.
//!
//! Both are pure functions of a [`Diag`]; lines and columns are 1-based,
//! columns counted in characters, as in the human rendering.

use serde::Serialize;

use crate::diagnostic::Diag;
use crate::source::SourceFile;

/// A place in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// 1-based line of the first character.
    pub line: usize,
    /// 1-based column of the first character.
    pub column: usize,
    /// 1-based line of the last character.
    pub end_line: usize,
    /// 1-based column just after the last character.
    pub end_column: usize,
    /// What the underline says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// One diagnostic as a JSON object.
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiag<'a> {
    /// Always `error`: every diagnostic stops the run.
    pub severity: &'static str,
    /// The stable code, as in `lexgate::<code>`.
    pub code: &'static str,
    /// What is wrong.
    pub message: &'a str,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'a str>,
    /// The file, as shown to the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<&'a str>,
    /// The underlined places, the main one first.
    pub places: Vec<Place>,
}

fn places(diag: &Diag) -> Vec<Place> {
    let Some(file) = &diag.file else {
        return Vec::new();
    };
    diag.labels
        .iter()
        .map(|l| place(file, l.offset(), l.len(), l.label()))
        .collect()
}

fn place(file: &SourceFile, offset: usize, len: usize, label: Option<&str>) -> Place {
    let end = (offset + len).min(file.text.len());
    let last = if len == 0 { end } else { end - 1 }.max(offset.min(end));
    Place {
        line: file.line_of(offset),
        column: file.column_of(offset),
        end_line: file.line_of(last),
        end_column: file.column_of(last) + usize::from(len > 0),
        label: label.map(str::to_string),
    }
}

/// The diagnostic as one line of JSON (no newline).
pub fn json_line(diag: &Diag) -> String {
    let value = JsonDiag {
        severity: "error",
        code: diag.code.name(),
        message: &diag.message,
        help: diag.help.as_deref(),
        file: diag.file.as_ref().map(|f| f.name.as_str()),
        places: places(diag),
    };
    serde_json::to_string(&value).expect("a diagnostic always serialises")
}

/// The diagnostic as a GitHub workflow command (`::error file=…,line=…::…`).
pub fn github_line(diag: &Diag) -> String {
    let mut properties = vec![format!(
        "title={}",
        property(&format!("lexgate::{}", diag.code.name()))
    )];
    if let Some(file) = &diag.file {
        properties.insert(0, format!("file={}", property(&file.name)));
        if let Some(p) = places(diag).first() {
            properties.push(format!("line={}", p.line));
            properties.push(format!("col={}", p.column));
            properties.push(format!("endLine={}", p.end_line));
            if p.end_line == p.line {
                properties.push(format!("endColumn={}", p.end_column));
            }
        }
    }
    let mut message = diag.message.clone();
    if let Some(help) = &diag.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!("::error {}::{}", properties.join(","), data(&message))
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    fn diag() -> Diag {
        let file = SourceFile::from_text("cases/x/a.yaml", "one\nexpect: permit\n");
        Diag::new(Code::UnknownValue, "`permit` is Cedar's word, 50% sure")
            .at(&file, (12, 6).into(), "here")
            .with_help("write `allow`")
    }

    #[test]
    fn json_gives_lines_and_columns_of_every_place() {
        let v: serde_json::Value = serde_json::from_str(&json_line(&diag())).unwrap();
        assert_eq!(v["code"], "unknown-value");
        assert_eq!(v["file"], "cases/x/a.yaml");
        assert_eq!(v["help"], "write `allow`");
        let p = &v["places"][0];
        assert_eq!(
            (&p["line"], &p["column"], &p["end_line"], &p["end_column"]),
            (&2.into(), &9.into(), &2.into(), &15.into())
        );
        assert_eq!(p["label"], "here");
    }

    #[test]
    fn github_escapes_the_message_and_names_the_place() {
        assert_eq!(
            github_line(&diag()),
            "::error file=cases/x/a.yaml,title=lexgate%3A%3Aunknown-value,line=2,col=9,endLine=2,endColumn=15::`permit` is Cedar's word, 50%25 sure%0Ahelp: write `allow`"
        );
    }

    #[test]
    fn a_diagnostic_without_a_file_has_no_place() {
        let d = Diag::new(Code::NoRegimes, "nothing here");
        assert_eq!(
            github_line(&d),
            "::error title=lexgate%3A%3Ano-regimes::nothing here"
        );
        assert!(json_line(&d).contains("\"places\":[]"));
    }
}
