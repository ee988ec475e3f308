//! The decision diff as text: for a terminal or a CI log, as Markdown for a
//! pull-request comment, and as JSON.

use std::fmt::Write;

use super::{Decision, DecisionDiff, ScenarioDiff};
use crate::evaluate::{by_words, Status};

/// Renders the diff for a terminal or a CI log.
pub fn text(diff: &DecisionDiff) -> String {
    let mut out = format!("decisions: {} → {}\n", diff.old, diff.new);
    for regime in &diff.regimes {
        let _ = writeln!(out, "{}", regime.id);
        for req in &regime.requirements {
            let _ = writeln!(
                out,
                "  {} (clause {})  {}",
                req.id,
                req.clause,
                one_line(&req.summary)
            );
            for s in &req.scenarios {
                let (mark, place) = match (&s.old, &s.new) {
                    (Some(_), Some(_)) => ("~", format!("  {}:{}", s.file, s.line)),
                    (None, _) => ("+", format!("  {}:{}", s.file, s.line)),
                    (_, None) => ("-", String::new()),
                };
                let _ = writeln!(out, "    {mark} {}{place}", s.name);
                let _ = writeln!(out, "        {}", change(s));
            }
        }
    }
    let _ = writeln!(out, "{}", summary(diff));
    out
}

/// Renders the diff as Markdown, for a pull-request comment.
pub fn markdown(diff: &DecisionDiff) -> String {
    let mut out = format!(
        "## Decision changes: `{}` → `{}`\n\n{}\n",
        diff.old,
        diff.new,
        summary(diff)
    );
    for regime in &diff.regimes {
        let _ = writeln!(out, "\n### {}\n", regime.id);
        let _ = writeln!(out, "| Requirement | Scenario | Old | New |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for req in &regime.requirements {
            for s in &req.scenarios {
                let _ = writeln!(
                    out,
                    "| {} (clause {}) | {} | {} | {} |",
                    req.id,
                    req.clause.replace('|', "\\|"),
                    one_line(&s.name).replace('|', "\\|"),
                    cell(&s.old),
                    cell(&s.new)
                );
            }
        }
    }
    out
}

/// Renders the diff as pretty JSON with a trailing newline.
pub fn json(diff: &DecisionDiff) -> String {
    let mut text = serde_json::to_string_pretty(diff).expect("the diff always serialises");
    text.push('\n');
    text
}

/// "allow, decided by a → deny, no policy applied (now fails)".
fn change(s: &ScenarioDiff) -> String {
    let fails = |d: &Decision| d.status != Status::Pass;
    match (&s.old, &s.new) {
        (Some(o), Some(n)) => {
            let verdict = match (fails(o), fails(n)) {
                (false, true) => " (now fails)",
                (true, false) => " (now passes)",
                (true, true) => " (still fails)",
                (false, false) => "",
            };
            format!("{} → {}{verdict}", decision(o), decision(n))
        }
        (None, Some(n)) => format!(
            "new: {}{}",
            decision(n),
            if fails(n) { " (fails)" } else { "" }
        ),
        (Some(o), None) => format!("removed; was {}", decision(o)),
        (None, None) => String::new(),
    }
}

fn decision(d: &Decision) -> String {
    format!("{}, {}", d.decision, by_words(&d.decided_by))
}

/// A Markdown table cell for a decision, marked when the scenario fails.
fn cell(d: &Option<Decision>) -> String {
    match d {
        None => "—".into(),
        Some(d) => format!(
            "{}{}",
            decision(d).replace('|', "\\|"),
            if d.status == Status::Pass { "" } else { " ❌" }
        ),
    }
}

fn summary(diff: &DecisionDiff) -> String {
    if diff.is_empty() {
        return format!(
            "no decision changed ({} scenarios evaluated in both versions)",
            diff.scenarios
        );
    }
    let (changed, added, removed) = diff.counts();
    let requirements: usize = diff.regimes.iter().map(|r| r.requirements.len()).sum();
    format!(
        "{changed} changed, {added} added, {removed} removed, under {requirements} requirement{} of {} regime{}",
        if requirements == 1 { "" } else { "s" },
        diff.regimes.len(),
        if diff.regimes.len() == 1 { "" } else { "s" },
    )
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
