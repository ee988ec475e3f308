//! Files lexgate generates and the project commits (reports, editor schemas):
//! written atomically, or checked against what is on disk with a diff.

use std::path::Path;

use lexgate::baseline::changes;
use lexgate::diagnostic::Diag;
use lexgate::journal::{self, Step};
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
        let diffs: Vec<String> = match changes(&full, files, true) {
            Ok(all) => all.iter().map(|c| c.diff()).collect(),
            Err(d) => {
                term.diagnostics(&[*d], &format!("the {what} files were not compared"));
                return Exit::Invalid;
            }
        };
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
    if let Err(d) = replace_all(&full, files) {
        term.diagnostics(&[*d], &format!("no {what} file was changed"));
        return Exit::Invalid;
    }
    term.out(&format!(
        "wrote {} {what} files to {}\n",
        files.len(),
        dir.display()
    ));
    Exit::Ok
}

/// Writes `files` into `dir` as a set: each is staged beside its target,
/// then all are renamed into place under a journal, so a failure or a kill
/// never leaves some files of the new set beside others of the old.
fn replace_all(dir: &Path, files: &[ReportFile]) -> Result<(), Box<Diag>> {
    journal::recover(dir)?;
    if let Some(f) = files.iter().find(|f| dir.join(&f.name).is_dir()) {
        return Err(Diag::new(
            lexgate::diagnostic::Code::WriteError,
            format!(
                "cannot write `{}`: a folder stands in its place",
                dir.join(&f.name).display()
            ),
        )
        .with_help("move the folder away and run the command again")
        .boxed());
    }
    let staged = |f: &ReportFile| format!(".lexgate-staged-{}", f.name);
    let mut steps = Vec::new();
    for f in files {
        if let Err(d) = write_atomic(&dir.join(staged(f)), &f.contents) {
            for s in &steps {
                if let Step::Replace { staged, .. } = s {
                    let _ = std::fs::remove_file(dir.join(staged));
                }
            }
            return Err(d);
        }
        steps.push(Step::Replace {
            staged: staged(f),
            target: f.name.clone(),
        });
    }
    journal::commit(dir, &steps, &mut journal::apply_step)
}
