//! A tree of positions built from yaml-rust2's event stream.

use miette::SourceSpan;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::{token_span, MAX_DEPTH};

/// Most values a document may hold with its aliases written out: far above
/// any real case file (the bundled ones hold a few thousand), far below what
/// exhausts memory when serde_yaml expands them.
pub const MAX_NODES: usize = 1_000_000;
use crate::diagnostic::{Code, Diag};
use crate::source::SourceFile;

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A key of a mapping.
    Key(String),
    /// A position in a sequence.
    Index(usize),
}

/// A path into a YAML document, from the root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Seg>);

impl Path {
    /// The root of the document.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path extended by a key.
    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.into()));
        p
    }

    /// This path extended by a sequence index.
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

/// The position of one node, and of its key when it is a mapping value.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the value is.
    pub span: SourceSpan,
    /// Where its key is, when the node is a mapping value.
    pub key_span: Option<SourceSpan>,
    /// The node's children.
    pub kind: NodeKind,
}

/// What kind of node, with its children.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A scalar or an alias.
    Scalar,
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, keyed by the keys' text.
    Map(Vec<(String, Node)>),
}

/// Positions of every node of one YAML document.
#[derive(Debug, Clone)]
pub struct YamlIndex {
    root: Option<Node>,
}

impl YamlIndex {
    /// Indexes `file`; a syntax error or excessive nesting is a diagnostic.
    pub fn build(file: &SourceFile) -> Result<Self, Box<Diag>> {
        let mut builder = Builder {
            text: &file.text,
            offsets: CharOffsets::new(&file.text),
            stack: Vec::new(),
            root: None,
            too_deep: None,
            tagged: None,
            documents: 0,
            sizes: Vec::new(),
            anchors: std::collections::HashMap::new(),
            expanded: 0,
            too_large: None,
            duplicate: None,
        };
        // Event by event: yaml-rust2's `load` recurses once per nesting
        // level, so a line of thousands of `- ` would overflow the stack
        // before the depth limit below could stop it.
        let mut parser = Parser::new_from_str(&file.text);
        loop {
            match parser.next_token() {
                Ok((Event::StreamEnd, _)) => break,
                Ok((ev, mark)) => {
                    builder.on_event(ev, mark);
                    if builder.too_deep.is_some() || builder.too_large.is_some() {
                        break;
                    }
                }
                Err(e) => {
                    let offset =
                        builder
                            .offsets
                            .byte(&file.text, e.marker().line(), e.marker().col());
                    let w = super::words::syntax(e.info(), &file.text, offset);
                    return Err(Diag::new(w.code, w.message)
                        .with_help_opt(w.help)
                        .at(
                            file,
                            token_span(&file.text, w.offset.unwrap_or(offset)),
                            "here",
                        )
                        .boxed());
                }
            }
        }
        if let Some(offset) = builder.too_large {
            return Err(Diag::new(
                Code::YamlLimit,
                format!(
                    "the document expands to more than {MAX_NODES} values once its aliases (`*name`) are written out"
                ),
            )
            .at(file, token_span(&file.text, offset), "the limit is passed here")
            .with_help("write the values out, or reuse fewer of them: no legal case needs this many")
            .boxed());
        }
        if let Some(offset) = builder.too_deep {
            return Err(Diag::new(
                Code::YamlLimit,
                format!("the document nests deeper than {MAX_DEPTH} levels"),
            )
            .at(
                file,
                token_span(&file.text, offset),
                "too deep from here on",
            )
            .with_help("a case file needs only a few levels; check for runaway indentation")
            .boxed());
        }
        if let Some((key, span)) = builder.duplicate {
            return Err(Diag::new(
                Code::YamlSyntax,
                format!("the key `{key}` appears twice in one mapping"),
            )
            .at(file, span, "second time")
            .with_help("keep one of them; if a `- name:` line went missing above it, two scenarios (or entities) have run into one")
            .boxed());
        }
        if let Some(offset) = builder.tagged {
            return Err(Diag::new(Code::YamlSyntax, "YAML tags (`!name`, `!!type`) are not used in lexgate files")
                .at(file, token_span(&file.text, offset), "tag")
                .with_help("remove the tag and write the plain value; the Cedar schema gives every value its type")
                .boxed());
        }
        if builder.documents > 1 {
            return Err(Diag::new(
                Code::YamlSyntax,
                "a case file holds exactly one YAML document, this one holds several",
            )
            .in_file(file)
            .with_help("split the documents into separate files")
            .boxed());
        }
        Ok(Self { root: builder.root })
    }

    /// True when the document holds nothing (an empty or comment-only file).
    pub fn is_empty(&self) -> bool {
        self.root.is_none()
    }

    /// The node at `path`, if the document has one there.
    pub fn get(&self, path: &Path) -> Option<&Node> {
        let mut node = self.root.as_ref()?;
        for seg in &path.0 {
            node = match (&node.kind, seg) {
                (NodeKind::Map(entries), Seg::Key(k)) => {
                    &entries.iter().find(|(key, _)| key == k)?.1
                }
                (NodeKind::Seq(items), Seg::Index(i)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The span of the value at `path`, or of its deepest existing ancestor.
    pub fn value_span(&self, path: &Path) -> SourceSpan {
        self.nearest(path, |n| n.span)
    }

    /// The span of the key at `path` (falling back to the value, or the
    /// deepest existing ancestor's key).
    pub fn key_span(&self, path: &Path) -> SourceSpan {
        self.nearest(path, |n| n.key_span.unwrap_or(n.span))
    }

    fn nearest(&self, path: &Path, pick: impl Fn(&Node) -> SourceSpan) -> SourceSpan {
        let mut p = path.clone();
        loop {
            if let Some(node) = self.get(&p) {
                return pick(node);
            }
            if p.0.pop().is_none() {
                return (0, 0).into();
            }
        }
    }
}

/// Converts yaml-rust2's positions into byte offsets.
///
/// Its markers carry a character index, but after a block scalar holding
/// non-ASCII text that index drifts; line and column stay exact, so those are
/// what is used.
struct CharOffsets {
    /// Byte offset of the start of every line.
    line_starts: Vec<usize>,
    text_len: usize,
    /// The last position converted (line, column, byte): events come in
    /// order, so the next one is found from there, not from the line's
    /// start (a megabyte-long line would otherwise cost a scan per event).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            line_starts,
            text_len: text.len(),
            last: std::cell::Cell::new((1, 0, 0)),
        }
    }

    /// The byte offset of a 1-based line and 0-based character column.
    fn byte(&self, text: &str, line: usize, col: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text_len;
        };
        let end = self.line_starts.get(line).copied().unwrap_or(self.text_len);
        let (last_line, last_col, last_byte) = self.last.get();
        let (from_col, from_byte) = if last_line == line && last_col <= col && last_byte >= start {
            (last_col, last_byte)
        } else {
            (0, start)
        };
        let byte = text[from_byte..end]
            .char_indices()
            .nth(col - from_col)
            .map(|(i, _)| from_byte + i)
            .unwrap_or(end);
        self.last.set((line, col, byte));
        byte
    }
}

enum Frame {
    Seq {
        start: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        entries: Vec<(String, Node)>,
        seen: std::collections::HashSet<String>,
        pending_key: Option<(String, SourceSpan)>,
    },
}

struct Builder<'a> {
    text: &'a str,
    offsets: CharOffsets,
    stack: Vec<(Frame, Option<SourceSpan>)>,
    root: Option<Node>,
    too_deep: Option<usize>,
    tagged: Option<usize>,
    documents: usize,
    /// Per open collection: the values it holds so far (aliases expanded)
    /// and its anchor id (0 for none).
    sizes: Vec<(usize, usize)>,
    /// The expanded size of every anchored node.
    anchors: std::collections::HashMap<usize, usize>,
    /// Values in the document with every alias written out.
    expanded: usize,
    too_large: Option<usize>,
    /// The first key that a mapping repeats, and where it is repeated.
    duplicate: Option<(String, SourceSpan)>,
}

impl Builder<'_> {
    /// Counts a finished value of `size` (aliases expanded) towards its
    /// parent, its anchor and the document's limit.
    fn count(&mut self, size: usize, anchor: usize, offset: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, size);
        }
        if let Some((parent, _)) = self.sizes.last_mut() {
            *parent = parent.saturating_add(size);
        }
        if self.expanded > MAX_NODES && self.too_large.is_none() {
            self.too_large = Some(offset);
        }
    }

    fn finish(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some((Frame::Seq { items, .. }, _)) => items.push(node),
            Some((
                Frame::Map {
                    entries,
                    pending_key,
                    seen,
                    ..
                },
                _,
            )) => match pending_key.take() {
                None => {
                    // A key: scalar keys are kept by text; complex keys are ignored.
                    let key = self.text[node.span.offset()..node.span.offset() + node.span.len()]
                        .trim_matches(|c| c == '"' || c == '\'')
                        .to_string();
                    if !seen.insert(key.clone()) && self.duplicate.is_none() {
                        self.duplicate = Some((key.clone(), node.span));
                    }
                    *pending_key = Some((key, node.span));
                }
                Some((key, key_span)) => entries.push((
                    key,
                    Node {
                        key_span: Some(key_span),
                        ..node
                    },
                )),
            },
        }
    }

    fn scalar_span(&self, offset: usize, value: &str) -> SourceSpan {
        let rest = &self.text[offset..];
        if rest.starts_with(value) && !value.is_empty() {
            return (offset, value.len()).into();
        }
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let len = rest[..line_end].trim_end().len().max(1).min(rest.len());
        (offset, len).into()
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.too_deep.is_some() {
            return;
        }
        let offset = self.offsets.byte(self.text, mark.line(), mark.col());
        let has_tag = matches!(
            &ev,
            Event::Scalar(_, _, _, Some(_))
                | Event::SequenceStart(_, Some(_))
                | Event::MappingStart(_, Some(_))
        );
        if has_tag && self.tagged.is_none() {
            self.tagged = Some(offset);
        }
        match ev {
            Event::DocumentStart => self.documents += 1,
            Event::Scalar(ref value, _, anchor, _) => {
                self.expanded += 1;
                self.count(1, anchor, offset);
                let span = self.scalar_span(offset, value);
                self.finish(Node {
                    span,
                    key_span: None,
                    kind: NodeKind::Scalar,
                });
            }
            Event::Alias(id) => {
                let size = self.anchors.get(&id).copied().unwrap_or(1);
                self.expanded = self.expanded.saturating_add(size);
                self.count(size, 0, offset);
                let span = token_span(self.text, offset);
                self.finish(Node {
                    span,
                    key_span: None,
                    kind: NodeKind::Scalar,
                });
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.too_deep = Some(offset);
                    return;
                }
                let anchor = match ev {
                    Event::SequenceStart(a, _) | Event::MappingStart(a, _) => a,
                    _ => 0,
                };
                self.expanded += 1;
                self.sizes.push((1, anchor));
                let frame = if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq {
                        start: offset,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        start: offset,
                        entries: Vec::new(),
                        seen: std::collections::HashSet::new(),
                        pending_key: None,
                    }
                };
                self.stack.push((frame, None));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((frame, _)) = self.stack.pop() else {
                    return;
                };
                if let Some((size, anchor)) = self.sizes.pop() {
                    self.count(size, anchor, offset);
                }
                let (start, kind) = match frame {
                    Frame::Seq { start, items } => (start, NodeKind::Seq(items)),
                    Frame::Map { start, entries, .. } => (start, NodeKind::Map(entries)),
                };
                let end = offset.max(start);
                let span = (start, (end - start).max(1).min(self.text.len() - start)).into();
                self.finish(Node {
                    span,
                    key_span: None,
                    kind,
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> (SourceFile, YamlIndex) {
        let f = SourceFile::from_text("t.yaml", text);
        let i = YamlIndex::build(&f).unwrap();
        (f, i)
    }

    fn snippet(f: &SourceFile, s: SourceSpan) -> &str {
        &f.text[s.offset()..s.offset() + s.len()]
    }

    #[test]
    fn finds_keys_and_values_by_path() {
        let (f, i) = index("entities:\n  Person:\n    jonas: {email: true}\nscenarios:\n  - name: a\n    expect: deny\n");
        let p = Path::root()
            .key("entities")
            .key("Person")
            .key("jonas")
            .key("email");
        assert_eq!(snippet(&f, i.key_span(&p)), "email");
        assert_eq!(snippet(&f, i.value_span(&p)), "true");
        let p = Path::root().key("scenarios").index(0).key("expect");
        assert_eq!(snippet(&f, i.value_span(&p)), "deny");
    }

    #[test]
    fn positions_are_bytes_even_after_non_ascii_text() {
        let (f, i) = index("title: Šiaulių ąžuolas\nname: žemė\n");
        let p = Path::root().key("name");
        assert_eq!(snippet(&f, i.value_span(&p)), "žemė");
        assert_eq!(snippet(&f, i.key_span(&p)), "name");
    }

    #[test]
    fn positions_stay_exact_after_a_block_scalar_with_non_ascii_text() {
        let (f, i) = index("description: >-\n  a § b\n  c\nscenarios:\n  - decided_by: [dk-x]\n");
        let p = Path::root()
            .key("scenarios")
            .index(0)
            .key("decided_by")
            .index(0);
        assert_eq!(snippet(&f, i.value_span(&p)), "dk-x");
    }

    #[test]
    fn missing_path_falls_back_to_nearest_ancestor() {
        let (f, i) = index("a:\n  b: 1\n");
        let p = Path::root().key("a").key("zzz");
        assert_eq!(f.line_of(i.key_span(&p).offset()), 1);
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let text = "[".repeat(10_000);
        let f = SourceFile::from_text("deep.yaml", text);
        let err = YamlIndex::build(&f).unwrap_err();
        assert!(matches!(err.code, Code::YamlLimit | Code::YamlSyntax));
    }
}
