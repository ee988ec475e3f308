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
    /// True when the text is ASCII: a column is then a byte count.
    ascii: bool,
}

impl SourceFile {
    /// Reads `path`, naming it relative to `root` in diagnostics: a regular
    /// file of at most [`MAX_FILE_BYTES`], in UTF-8 (a leading byte-order
    /// mark is dropped), without control characters.
    pub fn read(root: &Path, path: &Path) -> Result<Self, Box<Diag>> {
        let name = display_name(root, path);
        let bytes = read_bounded(path, &name)?;
        let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(&bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => return Err(not_utf8(&name, bytes, &e).boxed()),
        };
        if let Some((offset, c)) = text
            .char_indices()
            .find(|(_, c)| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            let (line, column) = line_and_column(text, offset);
            return Err(Diag::new(
                Code::NotUtf8,
                format!(
                    "`{name}` holds a control character (U+{:04X}) at line {line}, column {column}",
                    u32::from(c)
                ),
            )
            .with_help("remove it: case and policy files are plain text")
            .boxed());
        }
        Ok(Self::new(name, path.to_path_buf(), text.into()))
    }

    /// Builds a source from text in memory (tests, generated inputs).
    pub fn from_text(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let name = name.into();
        Self::new(name.clone(), PathBuf::from(name), text.into())
    }

    fn new(name: String, path: PathBuf, text: Arc<str>) -> Self {
        let ascii = text.is_ascii();
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
            ascii,
            line_starts,
        }
    }

    /// The file as a miette source, for diagnostics with labels.
    pub fn named_source(&self) -> NamedSource<Arc<str>> {
        NamedSource::new(&self.name, Arc::clone(&self.text)).with_language(language_of(&self.name))
    }

    /// The byte range of the line that holds `offset`, without its newline.
    pub fn line_bounds(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map(|next| next - 1)
            .unwrap_or(self.text.len());
        (start, end.max(start))
    }

    /// 1-based character column of a byte offset within its line.
    pub fn column_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let (start, _) = self.line_bounds(offset);
        let before = self.text.get(start..offset).unwrap_or_default();
        if self.ascii {
            before.len() + 1
        } else {
            before.chars().count() + 1
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        // The number of line starts at or before the offset (a newline at
        // `offset` itself still belongs to the line it ends).
        let end = offset.min(self.text.len());
        self.line_starts.partition_point(|&start| start <= end)
    }
}

/// The UTF-8 byte-order mark some editors write at the start of a file.
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// The bytes of a regular file of at most [`MAX_FILE_BYTES`]: a FIFO, a
/// device or a link to one is refused before it is read (reading it could
/// block or never end), and the read itself stops at the limit.
pub fn read_bounded(path: &Path, name: &str) -> Result<Vec<u8>, Box<Diag>> {
    use std::io::Read;
    let cannot =
        |e: std::io::Error| Diag::new(Code::IoError, format!("cannot read `{name}`: {e}")).boxed();
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(Diag::new(
            Code::IoError,
            format!("`{name}` is not a regular file (a folder, pipe, device or socket)"),
        )
        .with_help("lexgate reads only ordinary files: remove it or give it another name")
        .boxed());
    }
    let too_large = |len: u64| {
        Diag::new(
            Code::FileTooLarge,
            format!("`{name}` is {len} bytes, more than the limit of {MAX_FILE_BYTES} bytes"),
        )
        .with_help("split the file; no legal case needs a file this large")
        .boxed()
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// "not valid UTF-8 at line L, column C (bytes ff fe)".
fn not_utf8(name: &str, bytes: &[u8], e: &std::str::Utf8Error) -> Diag {
    let offset = e.valid_up_to();
    let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
    let (line, column) = line_and_column(valid, offset);
    let bad = &bytes[offset..bytes.len().min(offset + e.error_len().unwrap_or(1).max(1))];
    let hex: Vec<String> = bad.iter().map(|b| format!("{b:02x}")).collect();
    Diag::new(
        Code::NotUtf8,
        format!(
            "`{name}` is not valid UTF-8 at line {line}, column {column} (byte{} {})",
            if bad.len() == 1 { "" } else { "s" },
            hex.join(" ")
        ),
    )
    .with_help("save the file as UTF-8 (in most editors: Save with Encoding → UTF-8)")
}

/// 1-based line and character column of a byte offset in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
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
        std::fs::write(&p, b"a: 1\nbb: x\xff\xfey\n").unwrap();
        let err = SourceFile::read(dir.path(), &p).unwrap_err();
        assert_eq!(
            err.message,
            "`bad.yaml` is not valid UTF-8 at line 2, column 6 (byte ff)"
        );
    }

    #[test]
    fn drops_a_byte_order_mark_and_refuses_control_characters() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.yaml");
        std::fs::write(&p, b"\xef\xbb\xbfa: 1\n").unwrap();
        assert_eq!(&*SourceFile::read(dir.path(), &p).unwrap().text, "a: 1\n");
        std::fs::write(&p, b"a: 1\nb: x\x00\n").unwrap();
        let err = SourceFile::read(dir.path(), &p).unwrap_err();
        assert_eq!(
            err.message,
            "`f.yaml` holds a control character (U+0000) at line 2, column 5"
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.yaml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let err = SourceFile::read(dir.path(), &link).unwrap_err();
        assert!(
            err.message.contains("is not a regular file"),
            "{}",
            err.message
        );
    }

    #[test]
    fn line_bounds_exclude_the_newline() {
        let f = SourceFile::from_text("a.yaml", "ab\ncde\n");
        assert_eq!(f.line_bounds(0), (0, 2));
        assert_eq!(f.line_bounds(4), (3, 6));
        assert_eq!(f.line_bounds(7), (7, 7));
    }
}
