//! The comments of a Cedar schema, as documentation of its attributes.
//!
//! Cedar's parser drops comments, yet the bundled schemas say in them what
//! each attribute means in law (`// 33.3: devices password-protected …`).
//! This scanner reads them back: the `//` lines just above an entity's
//! top-level attribute, or the `//` comment that ends its line, become that
//! attribute's documentation, which the editor schemas show on hover.

use std::collections::BTreeMap;

/// Documentation per entity type (short name) and attribute.
pub type AttributeDocs = BTreeMap<(String, String), String>;

/// The attribute comments of one `.cedarschema` text.
pub fn attribute_docs(text: &str) -> AttributeDocs {
    let mut docs = AttributeDocs::new();
    // The entity whose attribute record is open, and the brace depth at
    // which its attributes are declared.
    let mut entity: Option<(Vec<String>, usize)> = None;
    let mut depth = 0usize;
    let mut pending: Vec<String> = Vec::new();
    for line in text.lines() {
        let (code, comment) = split_comment(line);
        let code = code.trim();
        if code.is_empty() {
            match comment {
                Some(c) => pending.push(c.to_string()),
                None => pending.clear(),
            }
            continue;
        }
        if depth == 1 || entity.is_none() {
            if let Some(names) = entity_names(code) {
                if code.contains('{') {
                    entity = Some((names, depth + 1));
                }
            }
        }
        if let Some((names, at)) = &entity {
            if depth == *at {
                if let Some(attr) = attribute_name(code) {
                    let mut text = pending.join(" ");
                    if let Some(c) = comment {
                        if !text.is_empty() {
                            text.push(' ');
                        }
                        text.push_str(c);
                    }
                    if !text.is_empty() {
                        for name in names {
                            docs.insert((name.clone(), attr.to_string()), text.clone());
                        }
                    }
                }
            }
        }
        pending.clear();
        for ch in code.chars() {
            match ch {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if entity.as_ref().is_some_and(|(_, at)| depth < *at) {
            entity = None;
        }
    }
    docs
}

/// The code and the comment of a line (a `//` outside a string literal).
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut in_string = false;
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                return (&line[..i], Some(line[i + 2..].trim()));
            }
            _ => {}
        }
    }
    (line, None)
}

/// The names an `entity A, B in [C] = {` line declares.
fn entity_names(code: &str) -> Option<Vec<String>> {
    let rest = code.strip_prefix("entity ")?;
    let end = rest.find(['=', '{', ';']).unwrap_or(rest.len());
    let head = &rest[..end];
    let head = head.split(" in ").next().unwrap_or(head);
    let names: Vec<String> = head
        .split(',')
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty()).then_some(names)
}

/// The attribute a `name: Type,` or `"name"?: Type` line declares.
fn attribute_name(code: &str) -> Option<&str> {
    let colon = code.find(':')?;
    let name = code[..colon].trim().trim_end_matches('?').trim();
    let name = name.trim_matches('"');
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"namespace Demo {
  // A person.
  entity Person;
  entity Developer = {
    // 33.1: the persons agreed
    // one by one.
    authorised_persons: Set<Person>,
    devices_protected: Bool,    // 33.3: devices protected
    "quoted"?: String, // a URL like "http://x" stays whole
    address: {
      // not a top-level attribute
      street: String,
    },
    plain: Bool,
  };
  entity Doc in [Person] = { due: datetime }; // not an attribute comment
  entity Note = {

    // 4: a note's author
    author: Person,
  };
}
"#;

    #[test]
    fn comments_above_and_beside_top_level_attributes_are_their_documentation() {
        let docs = attribute_docs(SCHEMA);
        let get = |e: &str, a: &str| docs.get(&(e.to_string(), a.to_string())).cloned();
        assert_eq!(
            get("Developer", "authorised_persons").as_deref(),
            Some("33.1: the persons agreed one by one.")
        );
        assert_eq!(
            get("Developer", "devices_protected").as_deref(),
            Some("33.3: devices protected")
        );
        assert_eq!(
            get("Developer", "quoted").as_deref(),
            Some("a URL like \"http://x\" stays whole")
        );
        assert_eq!(get("Developer", "address"), None);
        assert_eq!(get("Developer", "street"), None);
        assert_eq!(get("Developer", "plain"), None);
        assert_eq!(get("Note", "author").as_deref(), Some("4: a note's author"));
        assert_eq!(docs.len(), 4, "{docs:?}");
    }
}
