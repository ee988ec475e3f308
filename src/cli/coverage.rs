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
    let (mut text, below) = render(&report, args.min, args.min_policies, args.strict);
    let mut with_gaps = Vec::new();
    if args.clauses {
        with_gaps = clauses(&mut text, &report);
    }
    term.out(&text);
    let mut exit = Exit::Ok;
    if !below.is_empty() {
        let what = if args.strict {
            "coverage below the minimum, or deny scenarios not pinned to their forbid,"
        } else {
            "coverage below the minimum"
        };
        term.err(&format!("error: {what} in {}\n", below.join(", ")));
        exit = Exit::Failed;
    }
    if args.fail_on_gaps && !with_gaps.is_empty() {
        term.err(&format!(
            "error: the clause map has gaps in {}\n",
            with_gaps.join(", ")
        ));
        exit = Exit::Failed;
    }
    exit
}

/// The clause map of every regime: counts, then each gap. Returns the
/// regimes with a gap or without a map.
fn clauses(out: &mut String, report: &Report) -> Vec<String> {
    let mut with_gaps = Vec::new();
    let _ = writeln!(out, "\nclause map");
    for r in &report.regimes {
        let Some(map) = &r.clause_map else {
            let _ = writeln!(
                out,
                "{}: no clause map (add `provisions:` to {})",
                r.id, r.catalogue
            );
            with_gaps.push(r.id.clone());
            continue;
        };
        let _ = writeln!(
            out,
            "{}: {} provisions: {} encoded, {} with no rule to encode, {} {}",
            r.id,
            map.provisions,
            map.encoded,
            map.no_rule,
            map.gaps,
            if map.gaps == 1 { "gap" } else { "gaps" }
        );
        for gap in map.gap_entries() {
            let partly = if gap.requirements.is_empty() {
                String::new()
            } else {
                format!(" (in part: {})", gap.requirements.join(", "))
            };
            let _ = writeln!(
                out,
                "  gap {}: {}{partly} — {}",
                gap.clause,
                gap.summary,
                gap.reason.as_deref().unwrap_or("")
            );
        }
        if map.gaps > 0 {
            with_gaps.push(r.id.clone());
        }
    }
    with_gaps
}

/// The coverage text, and the regimes below a minimum.
fn render(
    report: &Report,
    min: Option<f64>,
    min_policies: Option<f64>,
    strict: bool,
) -> (String, Vec<String>) {
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
        if !c.denied_by_default.is_empty() {
            let _ = writeln!(
                out,
                "  denied, but not by the rule they test (no policy applied): pin `decided_by` to the forbid meant, or `decided_by: []` when no permit applying is the rule"
            );
            for s in &c.denied_by_default {
                let _ = writeln!(out, "    {s}");
            }
        }
        if fails(c, min, min_policies) || (strict && !c.denied_by_default.is_empty()) {
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
