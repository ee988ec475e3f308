//! `check --baseline`, `accept` and `reject`: the committed reports as a
//! baseline that changes only deliberately.

use std::path::Path;

use lexgate::baseline::{self, Pending};
use lexgate::output::report_files;
use lexgate::report::Report;

use super::args::{GlobalArgs, PendingArgs};
use super::terminal::Terminal;
use super::Exit;

/// True when running in CI: the `CI` variable is set to something other than
/// empty, `0` or `false` (as insta reads it). CI never writes pending files.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

/// Compares the report files of `report` with the baseline in `dir`.
pub fn check(
    global: &GlobalArgs,
    dir: &Path,
    report: &Report,
    narrowed: bool,
    term: &Terminal,
) -> Exit {
    let folder = global.root.join(dir);
    if !folder.is_dir() {
        let diag = lexgate::diagnostic::Diag::new(
            lexgate::diagnostic::Code::Usage,
            format!("the baseline folder `{}` does not exist", dir.display()),
        )
        .with_help(
            "run `lexgate report` to write the reports, commit them, then compare with --baseline",
        );
        term.diagnostics(&[diag], "nothing was compared");
        return Exit::Invalid;
    }
    let files = report_files(report);
    let changes = match baseline::changes(&folder, &files, !narrowed) {
        Ok(c) => c,
        Err(d) => {
            term.diagnostics(&[*d], "nothing was compared");
            return Exit::Invalid;
        }
    };
    let written = if in_ci() {
        None
    } else {
        match baseline::write_pending(&folder, &changes, &files, !narrowed) {
            Ok(w) => Some(w),
            Err(d) => {
                term.diagnostics(&[*d], "the pending files were not written");
                return Exit::Invalid;
            }
        }
    };
    let expired: String = report
        .expired_waivers()
        .map(|(r, w)| {
            format!(
                "error: {}: the waiver for {} expired on {} ({}:{})\n",
                r.id, w.target, w.expires, w.file, w.line
            )
        })
        .collect();
    if changes.is_empty() {
        term.out(&format!(
            "ok: {} report files match the baseline in {}\n",
            files.len(),
            dir.display()
        ));
        if !expired.is_empty() {
            term.err(&expired);
            return Exit::Failed;
        }
        return Exit::Ok;
    }
    let diffs: String = changes.iter().map(|c| c.diff()).collect();
    term.out(&diffs);
    let n = changes.len();
    let what = format!(
        "error: {n} report file{} in {} differ{} from this run",
        if n == 1 { "" } else { "s" },
        dir.display(),
        if n == 1 { "s" } else { "" },
    );
    let next = match written {
        None => "CI: nothing written; run `lexgate check --baseline` locally, review, `lexgate accept` and commit the reports".to_string(),
        Some(w) => format!(
            "wrote {} pending file{} (*.new) beside the baseline; `lexgate accept` takes them, `lexgate reject` drops them",
            w.len(),
            if w.len() == 1 { "" } else { "s" }
        ),
    };
    term.err(&format!("{expired}{what}\n{next}\n"));
    Exit::Failed
}

/// Runs `accept`.
pub fn accept(global: &GlobalArgs, args: &PendingArgs, term: &Terminal) -> Exit {
    settle(
        global,
        args,
        term,
        baseline::accept,
        |p| {
            if p.removes {
                format!("removed {}", p.name)
            } else {
                format!("accepted {}", p.name)
            }
        },
        "nothing was accepted",
    )
}

/// Runs `reject`.
pub fn reject(global: &GlobalArgs, args: &PendingArgs, term: &Terminal) -> Exit {
    settle(
        global,
        args,
        term,
        baseline::reject,
        |p| format!("rejected {}", p.name),
        "some pending files were left",
    )
}

fn settle(
    global: &GlobalArgs,
    args: &PendingArgs,
    term: &Terminal,
    action: fn(&Path) -> Result<Vec<Pending>, Box<lexgate::diagnostic::Diag>>,
    line: fn(&Pending) -> String,
    failed: &str,
) -> Exit {
    match action(&global.root.join(&args.dir)) {
        Ok(done) if done.is_empty() => {
            term.out(&format!("nothing pending in {}\n", args.dir.display()));
            Exit::Ok
        }
        Ok(done) => {
            let mut text: String = done.iter().map(|p| line(p) + "\n").collect();
            text.push_str(&format!(
                "{} file(s) in {}\n",
                done.len(),
                args.dir.display()
            ));
            term.out(&text);
            Exit::Ok
        }
        Err(d) => {
            term.diagnostics(&[*d], failed);
            Exit::Invalid
        }
    }
}
