//! Formatting Cedar policies with `cedar-policy-formatter` (Cedar's own
//! formatter, which checks that the policies keep their meaning), refusing a
//! file whose comments the formatter would drop: in lexgate, comments carry
//! the legal reasoning.

use cedar_policy::PolicySet;
use cedar_policy_formatter::{policies_str_to_pretty, Config};

use crate::diagnostic::{Code, Diag};
use crate::source::SourceFile;

/// The line width of formatted policies (Cedar's default).
pub const LINE_WIDTH: usize = 80;

/// The indentation of formatted policies (Cedar's default).
pub const INDENT_WIDTH: isize = 2;

/// What formatting a file gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Formatted {
    /// The file is formatted already.
    Unchanged,
    /// The file's formatted text.
    Changed(String),
}

/// Formats one policy file. A file that does not parse, or whose comments
/// the formatter would drop, is an error: it is left as it is.
pub fn format(file: &SourceFile) -> Result<Formatted, Vec<Diag>> {
    let parsed: Result<PolicySet, cedar_policy::ParseErrors> = file.text.parse();
    match parsed {
        Err(errs) => {
            return Err(errs
                .iter()
                .map(|e| Diag::from_foreign(Code::PolicyParse, e, Some(file)))
                .collect())
        }
        // Nothing to format (the formatter would only add a blank line).
        Ok(set) if set.is_empty() => return Ok(Formatted::Unchanged),
        Ok(_) => {}
    }
    let config = Config {
        line_width: LINE_WIDTH,
        indent_width: INDENT_WIDTH,
    };
    let pretty = policies_str_to_pretty(&file.text, &config).map_err(|e| {
        let why: Vec<String> = e.chain().map(|c| c.to_string()).collect();
        vec![Diag::new(
            Code::FormatError,
            format!("the Cedar formatter failed: {}", why.join(": ")),
        )
        .in_file(file)
        .with_help("the file is left as it is")]
    })?;
    let lost = lost_comments(&file.text, &pretty);
    if !lost.is_empty() {
        return Err(lost
            .into_iter()
            .map(|c| {
                Diag::new(
                    Code::FormatError,
                    "the Cedar formatter would drop this comment, so the file is left as it is",
                )
                .at(file, (c.offset, c.len).into(), "would be lost")
                .with_help("move the comment onto a line of its own above the policy, then run `lexgate fmt` again")
            })
            .collect());
    }
    Ok(if pretty == *file.text {
        Formatted::Unchanged
    } else {
        Formatted::Changed(pretty)
    })
}

/// A `//` comment: where it starts, how long it is, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Comment<'a> {
    offset: usize,
    len: usize,
    text: &'a str,
}

/// The `//` comments of a Cedar text (outside string literals).
fn comments(text: &str) -> Vec<Comment<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (true, b'\\') => i += 1,
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b'/') if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                out.push(Comment {
                    offset: i,
                    len: end - i,
                    text: text[i + 2..end].trim(),
                });
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The comments of `before` that `after` does not have (as many times).
fn lost_comments<'a>(before: &'a str, after: &str) -> Vec<Comment<'a>> {
    let mut kept: Vec<&str> = comments(after).into_iter().map(|c| c.text).collect();
    comments(before)
        .into_iter()
        .filter(|c| match kept.iter().position(|k| *k == c.text) {
            Some(i) => {
                kept.swap_remove(i);
                false
            }
            None => true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> Result<Formatted, Vec<Diag>> {
        format(&SourceFile::from_text("p.cedar", text))
    }

    #[test]
    fn finds_comments_outside_strings() {
        let text =
            "// one\npermit(principal, action, resource) when { \"a//b\" == \"\\\"//\" }; // two\n";
        let found: Vec<&str> = comments(text).into_iter().map(|c| c.text).collect();
        assert_eq!(found, ["one", "two"]);
    }

    #[test]
    fn formats_and_keeps_comments_and_annotations() {
        let text = "// why\n@id(\"a\")\n@clause(\"4\")\npermit(principal,action,resource) when {   principal == resource // same\n};\n";
        let Formatted::Changed(out) = fmt(text).unwrap() else {
            panic!("should change")
        };
        assert!(out.contains("// why"), "{out}");
        assert!(out.contains("// same"), "{out}");
        assert!(out.contains("@id(\"a\")\n@clause(\"4\")"), "{out}");
        assert_eq!(fmt(&out).unwrap(), Formatted::Unchanged);
    }

    #[test]
    fn a_lost_comment_is_reported_where_it_was() {
        let lost = lost_comments("// a\n// b\n// a\n", "// a\n// b\n");
        assert_eq!(lost.len(), 1);
        assert_eq!((lost[0].offset, lost[0].text), (10, "a"));
    }

    #[test]
    fn a_file_without_policies_is_left_alone() {
        assert_eq!(fmt("// only a comment").unwrap(), Formatted::Unchanged);
        assert_eq!(fmt("").unwrap(), Formatted::Unchanged);
    }

    #[test]
    fn a_parse_error_is_a_policy_parse_diagnostic() {
        let errs = fmt("permit(principal, action, resource) when { 1 + };").unwrap_err();
        assert!(errs.iter().all(|d| d.code == Code::PolicyParse));
    }
}
