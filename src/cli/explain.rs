//! `lexgate explain`: one or more scenarios in words.

use lexgate::diagnostic::{did_you_mean, Code, Diag};
use lexgate::explain::{explain, render};
use lexgate::filter::Matcher;
use lexgate::load::load;
use lexgate::RunOptions;

use super::args::{ExplainArgs, GlobalArgs};
use super::terminal::Terminal;
use super::Exit;

/// Runs `explain`.
pub fn run(global: &GlobalArgs, args: &ExplainArgs, term: &Terminal) -> Exit {
    let options = RunOptions {
        regimes: args.regime.clone(),
        as_of: args.as_of.clone(),
        ..RunOptions::default()
    };
    let pattern = match Matcher::new(&args.scenario) {
        Ok(m) => m,
        Err(e) => {
            term.diagnostics(&[Diag::new(Code::Usage, e)], "nothing was explained");
            return Exit::Invalid;
        }
    };
    let project = match options
        .resolve()
        .and_then(|resolved| load(&global.root, &resolved.load))
    {
        Ok(p) => p,
        Err(diags) => {
            term.diagnostics(&diags, "nothing was explained");
            return Exit::Invalid;
        }
    };
    let explanations = explain(&project, &pattern);
    if explanations.is_empty() {
        let names = project
            .regimes
            .iter()
            .flat_map(|r| &r.files)
            .flat_map(|f| &f.scenarios)
            .map(|s| s.info.name.as_str());
        let diag = Diag::new(
            Code::Usage,
            format!("no scenario is named like `{}`", args.scenario),
        )
        .with_help(
            did_you_mean(&args.scenario, names)
                .unwrap_or_else(|| "run `lexgate check -v` to list the scenarios".into()),
        );
        term.diagnostics(&[diag], "nothing was explained");
        return Exit::Invalid;
    }
    term.out(&render(&explanations));
    Exit::Ok
}
