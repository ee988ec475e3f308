//! Files lexgate generates and the project commits (reports, editor schemas):
//! written atomically, or checked against what is on disk with a diff.

use std::path::Path;

use lexgate::baseline::changes;
use lexgate::output::{write_atomic, ReportFile};

use super::terminal::Terminal;
use super::Exit;

/// Writes `files` into `root`/`dir`, or with `check` writes nothing and exits 1
/// with a diff when they differ. `what` names them ("report", "schema") and
/// `command` is what regenerates them.
pub fn check_or_write(
    term: &Terminal,
    root: &Path,
    dir: &Path,
    files: &[ReportFile],
    check: bool,
    what: &str,
    command: &str,
) -> Exit {
    let full = root.join(dir);
    if check {
        let diffs: Vec<String> = changes(&full, files, true)
            .iter()
            .map(|c| c.diff())
            .collect();
        if diffs.is_empty() {
            term.out(&format!(
                "ok: {} {what} files are up to date\n",
                files.len()
            ));
            return Exit::Ok;
        }
        term.out(&diffs.concat());
        term.err(&format!(
            "error: {} {what} file(s) in {} are out of date; run `{command}` and review the diff\n",
            diffs.len(),
            dir.display()
        ));
        return Exit::Failed;
    }
    for f in files {
        if let Err(d) = write_atomic(&full.join(&f.name), &f.contents) {
            term.diagnostics(&[*d], &format!("some {what} files were not written"));
            return Exit::Invalid;
        }
    }
    term.out(&format!(
        "wrote {} {what} files to {}\n",
        files.len(),
        dir.display()
    ));
    Exit::Ok
}
