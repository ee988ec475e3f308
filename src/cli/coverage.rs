//! `lexgate coverage`: which requirements and policies the scenarios leave
//! unexercised, optionally as a CI gate.

use std::fmt::Write;

use lexgate::report::{CoverageSummary, Report};
use lexgate::RunOptions;

use super::args::{CoverageArgs, GlobalArgs};
use super::terminal::Terminal;
use super::Exit;

/// Runs `coverage`.
pub fn run(global: &GlobalArgs, args: &CoverageArgs, term: &Terminal) -> Exit {
    let options = RunOptions {
        regimes: args.regime.clone(),
        ..RunOptions::default()
    };
    let report = match lexgate::run(&global.root, &options) {
        Ok(r) => r,
        Err(diags) => {
            term.diagnostics(&diags, "no coverage was computed");
            return Exit::Invalid;
        }
    };
    let (text, below) = render(&report, args.min, args.min_policies);
    term.out(&text);
    if below.is_empty() {
        Exit::Ok
    } else {
        term.err(&format!(
            "error: coverage below the minimum in {}\n",
            below.join(", ")
        ));
        Exit::Failed
    }
}

/// The coverage text, and the regimes below a minimum.
fn render(report: &Report, min: Option<f64>, min_policies: Option<f64>) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut below = Vec::new();
    for r in &report.regimes {
        let c = &r.coverage;
        let _ = writeln!(
            out,
            "{}: {} of {} requirements exercised both ways ({:.0}%); {} of {} policies decide a scenario ({:.0}%)",
            r.id,
            c.both_ways,
            c.requirements,
            c.requirement_percent(),
            c.policies - c.never_deciding.len(),
            c.policies,
            c.policy_percent()
        );
        list(&mut out, "untested", &c.untested);
        list(&mut out, "only allow scenarios", &c.only_allow);
        list(&mut out, "only deny scenarios", &c.only_deny);
        list(
            &mut out,
            "policies that never decide a scenario",
            &c.never_deciding,
        );
        let _ = writeln!(
            out,
            "  policies without a requirement: none (every policy must name one to load)"
        );
        if fails(c, min, min_policies) {
            below.push(r.id.clone());
        }
    }
    (out, below)
}

fn fails(c: &CoverageSummary, min: Option<f64>, min_policies: Option<f64>) -> bool {
    min.is_some_and(|m| c.requirement_percent() < m)
        || min_policies.is_some_and(|m| c.policy_percent() < m)
}

fn list(out: &mut String, label: &str, ids: &[String]) {
    if !ids.is_empty() {
        let _ = writeln!(out, "  {label}: {}", ids.join(", "));
    }
}
