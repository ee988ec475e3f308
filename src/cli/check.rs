//! `lexgate check`: evaluate and report.

use lexgate::report::{human, json, junit, markdown};
use lexgate::RunOptions;

use super::args::{CheckArgs, FilterArgs, Format, GlobalArgs};
use super::terminal::Terminal;
use super::Exit;

/// The run options of a set of filters.
pub fn run_options(filter: &FilterArgs) -> RunOptions {
    RunOptions {
        regimes: filter.regime.clone(),
        requirements: filter.requirement.clone(),
        scenarios: filter.scenario.clone(),
        as_of: filter.as_of.clone(),
    }
}

/// Runs `check`.
pub fn run(global: &GlobalArgs, args: &CheckArgs, term: &Terminal) -> Exit {
    let report = match lexgate::run(&global.root, &run_options(&args.filter)) {
        Ok(r) => r,
        Err(diags) => {
            term.diagnostics(&diags, "nothing was evaluated");
            return Exit::Invalid;
        }
    };
    let text = match args.format {
        Format::Human => human::render(
            &report,
            human::HumanOptions {
                color: args.output.is_none() && term.color_stdout(),
                verbose: args.verbose,
            },
        ),
        Format::Json => json::render(&report),
        Format::Markdown => markdown::render(&report),
        Format::Junit => junit::render(&report),
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
    if report.passed() {
        Exit::Ok
    } else {
        Exit::Failed
    }
}
