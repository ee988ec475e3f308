//! `lexgate fmt`: format the Cedar policies, or (`--check`) say which files
//! would change.

use lexgate::diagnostic::Diagnostics;
use lexgate::discover::policy_files;
use lexgate::format::{format, Formatted};
use lexgate::output::{unified_diff, write_atomic};
use lexgate::source::SourceFile;

use super::args::{FmtArgs, GlobalArgs};
use super::terminal::Terminal;
use super::Exit;

/// Runs `fmt`.
pub fn run(global: &GlobalArgs, args: &FmtArgs, term: &Terminal) -> Exit {
    let mut diags = Diagnostics::default();
    let paths = if args.files.is_empty() {
        policy_files(&global.root, &mut diags)
    } else {
        args.files.clone()
    };
    let mut changed: Vec<(SourceFile, String)> = Vec::new();
    let mut unchanged = 0;
    for path in &paths {
        let file = match SourceFile::read(&global.root, path) {
            Ok(f) => f,
            Err(d) => {
                diags.push(*d);
                continue;
            }
        };
        match format(&file) {
            Ok(Formatted::Unchanged) => unchanged += 1,
            Ok(Formatted::Changed(text)) => changed.push((file, text)),
            Err(errs) => errs.into_iter().for_each(|d| diags.push(d)),
        }
    }
    let exit = if args.check {
        check(&changed, unchanged, diags.is_empty(), term)
    } else {
        write(&changed, unchanged, term)
    };
    if diags.is_empty() {
        exit
    } else {
        term.diagnostics(&diags.into_sorted(), "those files were left as they are");
        Exit::Invalid
    }
}

/// Shows what would change; says "ok" only when nothing would and nothing is wrong.
fn check(changed: &[(SourceFile, String)], unchanged: usize, clean: bool, term: &Terminal) -> Exit {
    if changed.is_empty() {
        if clean {
            term.out(&format!("ok: {unchanged} policy file(s) are formatted\n"));
        }
        return Exit::Ok;
    }
    let diffs: String = changed
        .iter()
        .map(|(file, text)| unified_diff(&file.text, text, &file.name))
        .collect();
    term.out(&diffs);
    let names: Vec<&str> = changed.iter().map(|(f, _)| f.name.as_str()).collect();
    term.err(&format!(
        "error: {} policy file(s) would be reformatted: {}; run `lexgate fmt`\n",
        changed.len(),
        names.join(", ")
    ));
    Exit::Failed
}

fn write(changed: &[(SourceFile, String)], unchanged: usize, term: &Terminal) -> Exit {
    let mut text = String::new();
    for (file, formatted) in changed {
        if let Err(d) = write_atomic(&file.path, formatted) {
            term.diagnostics(&[*d], "the other files were not written");
            return Exit::Invalid;
        }
        text.push_str(&format!("formatted {}\n", file.name));
    }
    text.push_str(&format!(
        "{} file(s) formatted, {unchanged} already formatted\n",
        changed.len()
    ));
    term.out(&text);
    Exit::Ok
}
