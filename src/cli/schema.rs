//! `lexgate schema`: write (or check) the JSON Schemas of case files.

use lexgate::case_schema::schema_files;

use super::args::{GlobalArgs, SchemaArgs};
use super::generated::check_or_write;
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
    check_or_write(
        term,
        &global.root,
        &args.out,
        &files,
        args.check,
        "schema",
        "lexgate schema",
    )
}
