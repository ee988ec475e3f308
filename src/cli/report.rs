//! `lexgate report`: write (or check) the committed reports.

use lexgate::output::report_files;
use lexgate::RunOptions;

use super::args::{GlobalArgs, ReportArgs};
use super::generated::check_or_write;
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
    check_or_write(
        term,
        &global.root,
        &args.dir,
        &report_files(&report),
        args.check,
        "report",
        "lexgate report",
    )
}
