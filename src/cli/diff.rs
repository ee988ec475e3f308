//! `lexgate diff`: the decisions that changed between two versions.

use lexgate::decision_diff::{render, DecisionDiff};
use lexgate::report::Report;
use lexgate::revision::{checkout, Checkout};

use super::args::{DiffArgs, DiffFormat, GlobalArgs};
use super::check::run_options;
use super::terminal::Terminal;
use super::Exit;

/// Runs `diff`.
pub fn run(global: &GlobalArgs, args: &DiffArgs, term: &Terminal) -> Exit {
    let old = match checkout(&args.old, &global.root) {
        Ok(c) => c,
        Err(d) => {
            term.diagnostics(&[*d], "nothing was compared");
            return Exit::Invalid;
        }
    };
    let new = match &args.new {
        Some(spec) => match checkout(spec, &global.root) {
            Ok(c) => c,
            Err(d) => {
                term.diagnostics(&[*d], "nothing was compared");
                return Exit::Invalid;
            }
        },
        None => Checkout::folder(&global.root.display().to_string(), &global.root),
    };
    if args.symbolic {
        return super::verify::symbolic_diff(args, &old, &new, term);
    }
    let (Some(old_report), Some(new_report)) = (
        evaluate(global, args, &old, "old", term),
        evaluate(global, args, &new, "new", term),
    ) else {
        return Exit::Invalid;
    };
    let diff = DecisionDiff::between(&old_report, &new_report, &old.label, &new.label);
    term.out(&match args.format {
        DiffFormat::Text => render::text(&diff),
        DiffFormat::Markdown => render::markdown(&diff),
        DiffFormat::Json => render::json(&diff),
    });
    if diff.is_empty() {
        Exit::Ok
    } else {
        Exit::Failed
    }
}

fn evaluate(
    global: &GlobalArgs,
    args: &DiffArgs,
    version: &Checkout,
    which: &str,
    term: &Terminal,
) -> Option<Report> {
    lexgate::run(&version.root, &run_options(global, &args.filter))
        .map_err(|diags| {
            term.diagnostics(
                &diags,
                &format!(
                    "the {which} version ({}) cannot be evaluated",
                    version.label
                ),
            )
        })
        .ok()
}
