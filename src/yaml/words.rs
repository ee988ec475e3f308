//! The YAML parser's and serde's messages in lexgate's words: what the
//! lawyer did ("this line is indented more than the key above it"), where,
//! and what to write instead, never "fields", "variants" or 0-based indexes.

use crate::diagnostic::{did_you_mean, Code};

use super::{Path, YamlIndex};

/// A message with its code and help, and the byte offset it belongs at when
/// that differs from the parser's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worded {
    /// What kind of problem.
    pub code: Code,
    /// The message.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
    /// Where it is, when lexgate knows better than the parser.
    pub offset: Option<usize>,
}

/// A YAML syntax error (yaml-rust2's `info`) at byte `offset` of `text`.
pub fn syntax(info: &str, text: &str, offset: usize) -> Worded {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    if info.contains("tab") {
        if let Some(tab) = first_indenting_tab(text, offset) {
            return Worded {
                code: Code::YamlSyntax,
                message: "this line is indented with a tab: YAML indents with spaces".into(),
                help: Some(
                    "replace the tab with spaces (two per level, as in the lines around it)".into(),
                ),
                offset: Some(tab),
            };
        }
    }
    if info.contains("mapping values are not allowed") {
        if let Some(key) = over_indented_key(text, line_start) {
            return Worded {
                code: Code::YamlSyntax,
                message: format!("this line is indented more than the key `{key}` above it"),
                help: Some(format!(
                    "start it in the same column as `{key}:` (or, if it belongs inside `{key}`, put nothing after `{key}:`)"
                )),
                offset: Some(first_non_space(text, line_start)),
            };
        }
        return Worded {
            code: Code::YamlSyntax,
            message: "a `key: value` stands where YAML expects a plain value".into(),
            help: Some("check the indentation; a text with `: ` in it needs quotes".into()),
            offset: None,
        };
    }
    if info.contains("trailing content after double-quoted scalar") {
        if text[line_start..offset.min(text.len())].contains('\'') {
            return Worded {
                code: Code::YamlSyntax,
                message: "a text in single quotes ends at the next `'`: this one has an apostrophe inside".into(),
                help: Some("write the apostrophe twice (`company''s`) or put the text in double quotes".into()),
                offset: None,
            };
        }
        return Worded {
            code: Code::YamlSyntax,
            message: "a text in double quotes has more after its closing `\"`".into(),
            help: Some(
                "write a quote inside it as `\\\"`, or quote the whole text with single quotes"
                    .into(),
            ),
            offset: None,
        };
    }
    Worded {
        code: Code::YamlSyntax,
        message: format!("YAML syntax error: {info}"),
        help: None,
        offset: None,
    }
}

/// A serde_yaml message (without its " at line …" tail), given the
/// document's index for the names of scenarios and entities.
pub fn serde(message: &str, index: &YamlIndex, text: &str) -> Option<Worded> {
    let (path, what) = match message.split_once(": ") {
        Some((p, w)) if !p.contains(' ') => (p, w),
        _ => ("", message),
    };
    let place = describe(path, index, text);
    if let Some(field) = between(what, "missing field `", "`") {
        let help = match field {
            "expect" => "add `expect: allow` or `expect: deny`".to_string(),
            "name" => "add `name:` with a short, unique description of the situation".to_string(),
            "requirements" => {
                "add `requirements: [ID]` with the catalogue ids it tests".to_string()
            }
            other => format!("add `{other}:`"),
        };
        return Some(Worded {
            code: Code::MissingKey,
            message: format!("{place} has no `{field}:`"),
            help: Some(help),
            offset: None,
        });
    }
    if let Some(value) = between(what, "unknown variant `", "`") {
        let expected: Vec<&str> = what
            .split("expected")
            .nth(1)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        let help = match (value.to_ascii_lowercase().as_str(), expected.as_slice()) {
            ("permit", [.., "deny"]) => {
                Some("`permit` is Cedar's word for a policy: write `allow`".to_string())
            }
            ("forbid", [.., "deny"]) => {
                Some("`forbid` is Cedar's word for a policy: write `deny`".to_string())
            }
            (lower, _) if expected.contains(&lower) => {
                Some(format!("write it in lower case: `{lower}`"))
            }
            _ => did_you_mean(value, expected.iter().copied()).or_else(|| {
                Some(format!(
                    "write one of {}",
                    expected
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }),
        };
        return Some(Worded {
            code: Code::UnknownValue,
            message: format!("`{value}` is not a value lexgate knows for {place}"),
            help,
            offset: None,
        });
    }
    if let Some(key) = between(what, "unknown field `", "`") {
        let allowed: Vec<&str> = what
            .split("expected")
            .nth(1)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        let help = did_you_mean(key, allowed.iter().copied()).or_else(|| {
            (!allowed.is_empty()).then(|| {
                format!(
                    "the keys allowed here are: {}",
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        });
        return Some(Worded {
            code: Code::YamlUnknownKey,
            message: format!("`{key}` is not a key lexgate knows in {place}"),
            help,
            offset: None,
        });
    }
    if let Some(field) = between(what, "duplicate field `", "`") {
        return Some(Worded {
            code: Code::YamlSyntax,
            message: format!("`{field}:` appears twice in {place}"),
            help: Some("keep one; if a `- name:` line went missing above the second, two scenarios have run into one".into()),
            offset: None,
        });
    }
    (!path.is_empty()).then(|| Worded {
        code: Code::YamlSyntax,
        message: format!("{place}: {}", plain(what)),
        help: None,
        offset: None,
    })
}

/// "the scenario 'head views the company's data'" for `scenarios[0]`,
/// "`expect:` of the scenario '…'" for `scenarios[0].expect`, "the entity
/// `Person` `jonas`" for `entities.Person.jonas`, else the path with 1-based
/// positions.
fn describe(path: &str, index: &YamlIndex, text: &str) -> String {
    let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
    let scenario = segments.first().and_then(|s| {
        let n: usize = s
            .strip_prefix("scenarios[")?
            .strip_suffix(']')?
            .parse()
            .ok()?;
        Some(n)
    });
    if let Some(n) = scenario {
        let name_path = Path::root().key("scenarios").index(n).key("name");
        let name = index
            .get(&name_path)
            .map(|node| {
                let span = node.span;
                text[span.offset()..span.offset() + span.len()]
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_string()
            })
            .filter(|name| !name.is_empty());
        let who = match name {
            Some(name) => format!("the scenario '{name}'"),
            None => format!("scenario {} of the file", n + 1),
        };
        return match segments.get(1) {
            None => who,
            Some(_) => format!("`{}:` of {who}", segments[1..].join(".")),
        };
    }
    if segments.first() == Some(&"entities") && segments.len() >= 3 {
        return format!("the entity `{}` `{}`", segments[1], segments[2]);
    }
    if segments.is_empty() {
        return "this file".into();
    }
    format!("`{}`", one_based(path))
}

/// `requirements[0].id` → `requirements, item 1, id`.
fn one_based(path: &str) -> String {
    let mut out = String::new();
    for (i, part) in path.split('.').enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match part.split_once('[') {
            Some((key, rest)) => {
                let n: usize = rest.trim_end_matches(']').parse().unwrap_or(0);
                out.push_str(&format!("{key}, item {}", n + 1));
            }
            None => out.push_str(part),
        }
    }
    out
}

/// serde's type words in plain words.
fn plain(what: &str) -> String {
    what.replace("invalid type: ", "")
        .replace("a sequence", "a list")
        .replace("sequence", "a list")
        .replace("a map", "a mapping")
        .replace("struct ", "")
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.split_once(start)?.1;
    Some(rest.split_once(end)?.0)
}

/// The first tab in the indentation of a line, from the start of the file to
/// the line after `offset` (the parser notices a tab a line late).
fn first_indenting_tab(text: &str, offset: usize) -> Option<usize> {
    let limit = text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1);
    let limit = text[limit..].find('\n').map_or(text.len(), |i| limit + i);
    let mut start = 0;
    for line in text[..limit].split_inclusive('\n') {
        let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if let Some(i) = indent.find('\t') {
            return Some(start + i);
        }
        start += line.len();
    }
    None
}

/// The key of the line above `line_start` when that line is a complete
/// `key: value` and this one is indented further.
fn over_indented_key(text: &str, line_start: usize) -> Option<String> {
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let indent = line.len() - line.trim_start().len();
    let above = text[..line_start.saturating_sub(1)]
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let above_indent = above.len() - above.trim_start().len();
    let (key, value) = above
        .trim_start()
        .trim_start_matches("- ")
        .split_once(':')?;
    (indent > above_indent && !value.trim().is_empty()).then(|| key.trim().to_string())
}

fn first_non_space(text: &str, line_start: usize) -> usize {
    line_start + text[line_start..].len() - text[line_start..].trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tab_is_found_where_it_is() {
        let text = "a:\n  b: 1\n\tc: 2\n";
        let w = syntax("while scanning a plain scalar, found a tab", text, 5);
        assert_eq!(w.offset, Some(10));
        assert!(w.message.contains("tab"));
    }

    #[test]
    fn an_over_indented_key_names_the_key_above() {
        let text = "s:\n  - name: x\n    principal: jonas\n      action: view\n";
        let at = text.find("action").unwrap() + 6;
        let w = syntax("mapping values are not allowed in this context", text, at);
        assert_eq!(
            w.message,
            "this line is indented more than the key `principal` above it"
        );
        assert_eq!(w.offset, Some(text.find("action").unwrap()));
    }

    #[test]
    fn paths_become_one_based_words() {
        assert_eq!(one_based("requirements[0].id"), "requirements, item 1, id");
    }
}
