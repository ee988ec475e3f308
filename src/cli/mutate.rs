//! `lexgate mutate`: mutation testing of the policies and derived dates,
//! optionally as a CI gate.

use std::time::Duration;

use lexgate::mutate::{self, render, sarif, MutateOptions};
use lexgate::verify::solver::{find_cvc5, SolverConfig, INSTALL_HELP};

use super::args::{GlobalArgs, MutateArgs, MutateFormat};
use super::terminal::Terminal;
use super::Exit;

/// Runs `mutate`.
pub fn run(global: &GlobalArgs, args: &MutateArgs, term: &Terminal) -> Exit {
    let solver = (!args.no_solver)
        .then(find_cvc5)
        .flatten()
        .map(|path| SolverConfig {
            path,
            timeout: Duration::from_secs(args.timeout.max(1)),
        });
    if solver.is_none() && !args.no_solver {
        term.err(&format!(
            "warning: cvc5 was not found, so equivalent mutants are not told apart from survivors; {INSTALL_HELP}\n"
        ));
    }
    let options = MutateOptions {
        regimes: args.regime.clone(),
        requirements: args.requirement.clone(),
        solver,
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
