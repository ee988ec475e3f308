//! Writing outputs: atomically (a temporary file in the same folder, renamed
//! over the target, so a reader never sees half a report); the committed
//! report files of a report; and unified diffs between two texts.

use std::path::{Path, PathBuf};

use similar::{Algorithm, TextDiff};

use crate::diagnostic::{Code, Diag};
use crate::report::{json, markdown, Report};

/// One committed output file: a report (or an editor schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    /// Path relative to the reports folder.
    pub name: String,
    /// Its full contents.
    pub contents: String,
}

/// The committed reports for a report: `<regime>.md` and `<regime>.json`
/// per regime, in regime order.
pub fn report_files(report: &Report) -> Vec<ReportFile> {
    let mut files = Vec::new();
    for regime in &report.regimes {
        let single = Report {
            format: report.format,
            version: report.version,
            totals: regime.totals,
            regimes: vec![regime.clone()],
        };
        files.push(ReportFile {
            name: format!("{}.md", regime.id),
            contents: markdown::render(&single),
        });
        files.push(ReportFile {
            name: format!("{}.json", regime.id),
            contents: json::render(&single),
        });
    }
    files
}

/// Writes `contents` to `path` atomically.
pub fn write_atomic(path: &Path, contents: &str) -> Result<(), Box<Diag>> {
    let fail = |e: &dyn std::fmt::Display| {
        Diag::new(
            Code::WriteError,
            format!("cannot write `{}`: {e}", path.display()),
        )
        .boxed()
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| fail(&e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".lexgate-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| fail(&e))?;
    std::io::Write::write_all(&mut tmp, contents.as_bytes()).map_err(|e| fail(&e))?;
    // A temporary file is private (0600); a report is not: keep the mode of
    // the file it replaces, or give a new one the usual 0644.
    #[cfg(unix)]
    {
        let permissions = match std::fs::metadata(path) {
            Ok(meta) => meta.permissions(),
            Err(_) => std::os::unix::fs::PermissionsExt::from_mode(0o644),
        };
        tmp.as_file()
            .set_permissions(permissions)
            .map_err(|e| fail(&e))?;
    }
    tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

/// A unified diff (patience algorithm, 3 lines of context) of `name`.
pub fn unified_diff(old: &str, new: &str, name: &str) -> String {
    TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .timeout(std::time::Duration::from_secs(2))
        .diff_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.md");
        write_atomic(&p, "one\n").unwrap();
        write_atomic(&p, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }
}
