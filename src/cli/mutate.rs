//! `lexgate mutate`: mutation testing of the policies and derived dates,
//! optionally as a CI gate.

use lexgate::mutate::{self, render, sarif, MutateOptions};

use super::args::{GlobalArgs, MutateArgs, MutateFormat};
use super::terminal::Terminal;
use super::Exit;

/// Runs `mutate`.
pub fn run(global: &GlobalArgs, args: &MutateArgs, term: &Terminal) -> Exit {
    let options = MutateOptions {
        regimes: args.regime.clone(),
        requirements: args.requirement.clone(),
    };
    let report = match mutate::run(&global.root, &options) {
        Ok(r) => r,
        Err(diags) => {
            term.diagnostics(&diags, "nothing was mutated");
            return Exit::Invalid;
        }
    };
    let text = match args.format {
        MutateFormat::Human => render::human(&report),
        MutateFormat::Json => render::json(&report),
        MutateFormat::Markdown => render::markdown(&report),
        MutateFormat::Sarif => sarif::render(&report),
    };
    match &args.output {
        Some(path) => {
            if let Err(d) = lexgate::output::write_atomic(path, &text) {
                term.diagnostics(&[*d], "the report was not written");
                return Exit::Invalid;
            }
        }
        None => term.out(&text),
    }
    let Some(min) = args.min_score else {
        return Exit::Ok;
    };
    let below = report.below(min);
    if below.is_empty() {
        Exit::Ok
    } else {
        term.err(&format!(
            "error: mutation score below {min}% in {}\n",
            below.join(", ")
        ));
        Exit::Failed
    }
}
