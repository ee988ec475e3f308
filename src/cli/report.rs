//! `lexgate report`: write (or check) the committed reports.

use lexgate::baseline::changes;
use lexgate::output::{report_files, write_atomic};
use lexgate::RunOptions;

use super::args::{GlobalArgs, ReportArgs};
use super::terminal::Terminal;
use super::Exit;

/// Runs `report`.
pub fn run(global: &GlobalArgs, args: &ReportArgs, term: &Terminal) -> Exit {
    let report = match lexgate::run(
        &global.root,
        &RunOptions {
            today: global.today.clone(),
            ..RunOptions::default()
        },
    ) {
        Ok(r) => r,
        Err(diags) => {
            term.diagnostics(&diags, "no report was written");
            return Exit::Invalid;
        }
    };
    let dir = global.root.join(&args.dir);
    let files = report_files(&report);
    if args.check {
        let diffs: Vec<String> = changes(&dir, &files, true)
            .iter()
            .map(|c| c.diff())
            .collect();
        if diffs.is_empty() {
            term.out(&format!(
                "ok: {} report files are up to date\n",
                files.len()
            ));
            return Exit::Ok;
        }
        term.out(&diffs.concat());
        term.err(&format!(
            "error: {} report file(s) in {} are out of date; run `lexgate report` and review the diff\n",
            diffs.len(),
            args.dir.display()
        ));
        return Exit::Failed;
    }
    for f in &files {
        if let Err(d) = write_atomic(&dir.join(&f.name), &f.contents) {
            term.diagnostics(&[*d], "some reports were not written");
            return Exit::Invalid;
        }
    }
    term.out(&format!(
        "wrote {} report files to {}\n",
        files.len(),
        args.dir.display()
    ));
    Exit::Ok
}
