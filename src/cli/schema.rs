//! `lexgate schema`: write (or check) the JSON Schemas of case files.

use lexgate::baseline::changes;
use lexgate::case_schema::schema_files;
use lexgate::output::write_atomic;

use super::args::{GlobalArgs, SchemaArgs};
use super::terminal::Terminal;
use super::Exit;

/// Runs `schema`.
pub fn run(global: &GlobalArgs, args: &SchemaArgs, term: &Terminal) -> Exit {
    let files = match schema_files(&global.root) {
        Ok(f) => f,
        Err(diags) => {
            term.diagnostics(&diags, "no schema was written");
            return Exit::Invalid;
        }
    };
    let dir = global.root.join(&args.out);
    if args.check {
        let diffs: Vec<String> = changes(&dir, &files, true)
            .iter()
            .map(|c| c.diff())
            .collect();
        if diffs.is_empty() {
            term.out(&format!(
                "ok: {} schema files are up to date\n",
                files.len()
            ));
            return Exit::Ok;
        }
        term.out(&diffs.concat());
        term.err(&format!(
            "error: {} schema file(s) in {} are out of date; run `lexgate schema`\n",
            diffs.len(),
            args.out.display()
        ));
        return Exit::Failed;
    }
    for f in &files {
        if let Err(d) = write_atomic(&dir.join(&f.name), &f.contents) {
            term.diagnostics(&[*d], "some schemas were not written");
            return Exit::Invalid;
        }
    }
    term.out(&format!(
        "wrote {} schema files to {}\n",
        files.len(),
        args.out.display()
    ));
    Exit::Ok
}
