//! Reading input files safely: bounded size, UTF-8 only, names relative to the
//! project root so that diagnostics and reports do not depend on where the
//! checkout lives.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::NamedSource;

use crate::diagnostic::{Code, Diag};

/// Largest input file lexgate reads (policies, schemas, cases): 8 MiB.
///
/// Real catalogues are a few hundred kilobytes; anything larger is a mistake
/// or hostile, and is refused before it is parsed.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// One input file: its display name and its text, shared cheaply.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to the user (relative to the project root).
    pub name: String,
    /// The path on disk.
    pub path: PathBuf,
    /// The file's text.
    pub text: Arc<str>,
    /// Byte offsets where lines start, for [`SourceFile::line_of`].
    line_starts: Arc<[usize]>,
}

impl SourceFile {
    /// Reads `path`, naming it relative to `root` in diagnostics.
    pub fn read(root: &Path, path: &Path) -> Result<Self, Box<Diag>> {
        let name = display_name(root, path);
        let meta = std::fs::metadata(path)
            .map_err(|e| Diag::new(Code::IoError, format!("cannot read `{name}`: {e}")).boxed())?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(Diag::new(
                Code::FileTooLarge,
                format!(
                    "`{name}` is {} bytes, more than the limit of {MAX_FILE_BYTES} bytes",
                    meta.len()
                ),
            )
            .with_help("split the file; no legal case needs a file this large")
            .boxed());
        }
        let bytes = std::fs::read(path)
            .map_err(|e| Diag::new(Code::IoError, format!("cannot read `{name}`: {e}")).boxed())?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            Diag::new(
                Code::NotUtf8,
                format!("`{name}` is not valid UTF-8 (first bad byte at offset {offset})"),
            )
            .with_help("save the file as UTF-8")
            .boxed()
        })?;
        Ok(Self::new(name, path.to_path_buf(), text.into()))
    }

    /// Builds a source from text in memory (tests, generated inputs).
    pub fn from_text(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let name = name.into();
        Self::new(name.clone(), PathBuf::from(name), text.into())
    }

    fn new(name: String, path: PathBuf, text: Arc<str>) -> Self {
        let line_starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Self {
            name,
            path,
            text,
            line_starts,
        }
    }

    /// The file as a miette source, for diagnostics with labels.
    pub fn named_source(&self) -> NamedSource<Arc<str>> {
        NamedSource::new(&self.name, Arc::clone(&self.text)).with_language(language_of(&self.name))
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        // The number of line starts at or before the offset (a newline at
        // `offset` itself still belongs to the line it ends).
        let end = offset.min(self.text.len());
        self.line_starts.partition_point(|&start| start <= end)
    }
}

fn language_of(name: &str) -> &'static str {
    if name.ends_with(".cedar") || name.ends_with(".cedarschema") {
        "cedar"
    } else {
        "yaml"
    }
}

/// `path` relative to `root`, with forward slashes, for stable output.
pub fn display_name(root: &Path, path: &Path) -> String {
    let Ok(rel) = path.strip_prefix(root) else {
        return path.display().to_string();
    };
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_counts_newlines_before_offset() {
        let f = SourceFile::from_text("a.yaml", "a\nb\nc");
        assert_eq!(f.line_of(0), 1);
        assert_eq!(f.line_of(2), 2);
        assert_eq!(f.line_of(4), 3);
        assert_eq!(f.line_of(99), 3);
    }

    #[test]
    fn a_newline_belongs_to_the_line_it_ends() {
        let f = SourceFile::from_text("a.yaml", "ab\n\ncd\n");
        assert_eq!(f.line_of(2), 1);
        assert_eq!(f.line_of(3), 2);
        assert_eq!(f.line_of(4), 3);
        // After the last newline is the (empty) line that follows it.
        assert_eq!(f.line_of(7), 4);
        assert_eq!(SourceFile::from_text("e", "").line_of(0), 1);
    }

    #[test]
    fn display_name_is_relative_with_slashes() {
        let root = Path::new("/x/proj");
        assert_eq!(
            display_name(root, Path::new("/x/proj/cases/a/b.yaml")),
            "cases/a/b.yaml"
        );
        assert_eq!(
            display_name(root, Path::new("/elsewhere/f")),
            "/elsewhere/f"
        );
    }

    #[test]
    fn refuses_non_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.yaml");
        std::fs::write(&p, b"a: \xff\xfe\n").unwrap();
        let err = SourceFile::read(dir.path(), &p).unwrap_err();
        assert_eq!(err.code, Code::NotUtf8);
    }
}
