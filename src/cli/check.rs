//! `lexgate check`: evaluate and report, or compare with the baseline.

use lexgate::diagnostic::{Code, Diag};
use lexgate::report::{github, human, json, junit, markdown, sarif, Report};
use lexgate::RunOptions;

use super::args::{CheckArgs, FilterArgs, Format, GlobalArgs};
use super::baseline;
use super::terminal::Terminal;
use super::Exit;

/// The run options of a set of filters and the global options.
pub fn run_options(global: &GlobalArgs, filter: &FilterArgs) -> RunOptions {
    RunOptions {
        regimes: filter.regime.clone(),
        requirements: filter.requirement.clone(),
        scenarios: filter.scenario.clone(),
        as_of: filter.as_of.clone(),
        today: global.today.clone(),
    }
}

/// Runs `check`.
pub fn run(global: &GlobalArgs, args: &CheckArgs, term: &Terminal) -> Exit {
    if args.baseline.is_some() && args.format.is_some() && args.output.is_none() {
        let usage = Diag::new(
            Code::Usage,
            "with --baseline, standard output shows the difference from the baseline; --format needs -o FILE",
        )
        .with_help("add `-o FILE` to write the report in that format as well");
        term.diagnostics(&[usage], "nothing was evaluated");
        return Exit::Invalid;
    }
    let report = match lexgate::run(&global.root, &run_options(global, &args.filter)) {
        Ok(r) => r,
        Err(diags) => {
            term.diagnostics(&diags, "nothing was evaluated");
            return Exit::Invalid;
        }
    };
    let text = render(&report, args, term);
    match &args.output {
        Some(path) => {
            if let Err(d) = lexgate::output::write_atomic(path, &text) {
                term.diagnostics(&[*d], "the report was not written");
                return Exit::Invalid;
            }
        }
        None if args.baseline.is_none() => term.out(&text),
        None => {}
    }
    if let Some(dir) = &args.baseline {
        let narrowed = !args.filter.regime.is_empty();
        return baseline::check(global, dir, &report, narrowed, term);
    }
    if report.passed() {
        Exit::Ok
    } else {
        Exit::Failed
    }
}

fn render(report: &Report, args: &CheckArgs, term: &Terminal) -> String {
    match args.format.unwrap_or(Format::Human) {
        Format::Human => human::render(
            report,
            human::HumanOptions {
                color: args.output.is_none() && term.color_stdout(),
                verbose: args.verbose,
            },
        ),
        Format::Json => json::render(report),
        Format::Markdown => markdown::render(report),
        Format::Junit => junit::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
    }
}
