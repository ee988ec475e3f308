//! YAML input: typed deserialisation with serde_yaml, and a position index
//! (built from yaml-rust2's event stream) that maps a path inside the document
//! to the bytes it came from.
//!
//! serde_yaml tells *what* a document means; it does not keep positions for
//! values that deserialise fine but are wrong for the schema (an unknown
//! attribute, an entity id that does not exist). The index closes that gap, so
//! every later diagnostic can underline the exact key or value.

mod index;
mod words;

pub use index::{Node, NodeKind, Path, Seg, YamlIndex};

use miette::SourceSpan;
use serde::de::DeserializeOwned;

use crate::diagnostic::{did_you_mean, Code, Diag};
use crate::source::SourceFile;

/// Deepest nesting accepted in a case file; real cases need fewer than ten.
pub const MAX_DEPTH: usize = 64;

/// Parses `file` as `T`, returning the value and the position index.
pub fn parse<T: DeserializeOwned>(file: &SourceFile) -> Result<(T, YamlIndex), Box<Diag>> {
    let index = YamlIndex::build(file)?;
    let value = serde_yaml::from_str::<T>(&file.text).map_err(|e| serde_error(file, &e, &index))?;
    Ok((value, index))
}

/// Turns a serde_yaml error into a diagnostic at its location.
fn serde_error(file: &SourceFile, err: &serde_yaml::Error, index: &YamlIndex) -> Box<Diag> {
    let text = err.to_string();
    // serde_yaml appends " at line L column C"; the label shows that already.
    let message = match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text.clone(),
    };
    if let Some(number) = huge_integer(&message) {
        let diag = Diag::new(
            Code::WrongType,
            format!("the number {number} is beyond any number Cedar holds"),
        )
        .with_help(
            "Cedar's whole numbers (Long) run from -9223372036854775808 to 9223372036854775807; write larger values as text",
        );
        return match err.location() {
            Some(loc) => diag.at(file, token_span(&file.text, loc.index()), "out of range"),
            None => diag.in_file(file),
        }
        .boxed();
    }
    if let Some(w) = words::serde(&message, index, &file.text) {
        let diag = Diag::new(w.code, w.message).with_help_opt(w.help);
        return match err.location() {
            Some(loc) => {
                let span = token_span(&file.text, w.offset.unwrap_or(loc.index()));
                let label = match w.code {
                    Code::MissingKey => "in this one",
                    Code::UnknownValue => "not a value lexgate knows",
                    Code::YamlUnknownKey => "not a key lexgate knows here",
                    _ => "here",
                };
                diag.at(file, span, label)
            }
            None => diag.in_file(file),
        }
        .boxed();
    }
    let code = if message.contains("unknown field") {
        Code::YamlUnknownKey
    } else if message.contains("recursion limit") || message.contains("repetition limit") {
        Code::YamlLimit
    } else {
        Code::YamlSyntax
    };
    let help = unknown_field_help(&message);
    let diag = Diag::new(code, message.clone()).with_help_opt(help);
    let diag = match err.location() {
        Some(loc) => {
            let span = token_span(&file.text, loc.index());
            diag.at(file, span, label_for(code))
        }
        None => diag.in_file(file),
    };
    diag.boxed()
}

/// The integer of serde_yaml's "invalid type: integer `N` as i128" (a
/// number beyond 64 bits), if that is the error.
fn huge_integer(message: &str) -> Option<&str> {
    let rest = message.split("integer `").nth(1)?;
    let (number, tail) = rest.split_once('`')?;
    (tail.starts_with(" as i128") || tail.starts_with(" as u128")).then_some(number)
}

fn label_for(code: Code) -> &'static str {
    match code {
        Code::YamlUnknownKey => "not a key lexgate knows here",
        Code::YamlLimit => "limit reached here",
        _ => "here",
    }
}

/// For "unknown field `x`, expected one of `a`, `b`", suggests the closest.
fn unknown_field_help(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    let wanted = rest.split('`').next()?;
    let expected = message.split("expected").nth(1)?;
    let candidates: Vec<&str> = expected
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s)
        .collect();
    did_you_mean(wanted, candidates.iter().copied()).or_else(|| {
        Some(format!(
            "the keys allowed here are: {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// A span from `offset` to the end of the token there (up to whitespace,
/// `:` or `,`), at least one byte when the file is not empty.
pub fn token_span(text: &str, offset: usize) -> SourceSpan {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let rest = &text[offset..];
    let len = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || *c == ',' || *c == '}' || *c == ']')
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    let len = if len == 0 {
        rest.chars().next().map(char::len_utf8).unwrap_or(0)
    } else {
        len
    };
    (offset, len).into()
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        expect: String,
    }

    #[test]
    fn unknown_field_points_at_the_key_and_suggests() {
        let f = SourceFile::from_text("c.yaml", "name: x\nexpct: allow\n");
        let err = parse::<Doc>(&f).unwrap_err();
        assert_eq!(err.code, Code::YamlUnknownKey);
        assert_eq!(err.line(), Some(2));
        assert_eq!(err.help.as_deref(), Some("did you mean `expect`?"));
    }

    #[test]
    fn syntax_error_has_a_line() {
        let f = SourceFile::from_text("c.yaml", "name: x\nexpect: [allow\n");
        let err = parse::<Doc>(&f).unwrap_err();
        assert_eq!(err.code, Code::YamlSyntax);
        assert!(err.line().is_some());
    }

    #[test]
    fn token_span_stops_at_whitespace() {
        let s = token_span("a: hello world", 3);
        assert_eq!((s.offset(), s.len()), (3, 5));
    }
}
