//! `lexgate new`: scaffold a regime, then write the editor schemas.

use lexgate::case_schema::{self, schema_files};
use lexgate::output::write_atomic;
use lexgate::scaffold::create;

use super::args::{GlobalArgs, NewArgs};
use super::terminal::Terminal;
use super::Exit;

/// Runs `new`.
pub fn run(global: &GlobalArgs, args: &NewArgs, term: &Terminal) -> Exit {
    let files = match create(&global.root, &args.regime) {
        Ok(f) => f,
        Err(d) => {
            term.diagnostics(&[*d], "nothing was created");
            return Exit::Invalid;
        }
    };
    let mut text = format!("created regime `{}`:\n", args.regime);
    for f in &files {
        text.push_str(&format!("  {}\n", f.path));
    }
    text.push_str(&schemas(global));
    text.push_str(&format!(
        "next: replace the examples with the regime's schema, policies, requirements and scenarios, \
then run `lexgate check --regime {}`\n",
        args.regime
    ));
    term.out(&text);
    Exit::Ok
}

/// Writes the editor schemas (as `lexgate schema` does) and says what happened.
fn schemas(global: &GlobalArgs) -> String {
    let dir = global.root.join(case_schema::DIR);
    let written = schema_files(&global.root)
        .map_err(|diags| format!("{} problem(s) in the project", diags.len()))
        .and_then(|files| {
            files.iter().try_for_each(|f| {
                write_atomic(&dir.join(&f.name), &f.contents).map_err(|d| d.message.clone())
            })
        });
    match written {
        Ok(()) => format!("wrote the editor schemas to {}/\n", case_schema::DIR),
        Err(why) => format!(
            "the editor schemas were not written ({why}); run `lexgate schema` once `lexgate validate` passes\n"
        ),
    }
}
