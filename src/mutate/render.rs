//! Human, JSON and Markdown renderings of a mutation run: pure functions of
//! the model.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::{MutantResult, MutantStatus, MutationReport, RegimeMutations};
use crate::verify::model::Confirmation;

/// What the human and Markdown outputs say about equivalent mutants.
fn equivalent_note(report: &MutationReport) -> &'static str {
    if report.equivalence_checked {
        "cvc5 compared every surviving policy mutant with the original for every request: `equivalent` ones decide every request alike and are left out of the score; each other survivor comes with a scenario that kills it (its `expect` is what the policies decide today: check it against the source before pasting it into a case file)."
    } else {
        "Equivalent mutants were not told apart (no solver: install cvc5, or `--no-solver` was given), so survivors may include changes that cannot alter any decision."
    }
}

/// The label of derived-date mutants among the requirements.
const DERIVED: &str = "(derived dates)";

/// Longest before/after text shown on a terminal.
const MAX_SHOWN: usize = 200;

/// The summary table, then the survivors by regime and requirement.
pub fn human(report: &MutationReport) -> String {
    let mut out = String::new();
    let width = report
        .regimes
        .iter()
        .map(|r| r.regime.len())
        .chain(["regime".len()])
        .max()
        .unwrap_or(6);
    let _ = writeln!(
        out,
        "{:<width$}  mutants  killed  survived  equivalent  invalid   score",
        "regime"
    );
    for r in &report.regimes {
        let c = &r.counts;
        let _ = writeln!(
            out,
            "{:<width$}  {:>7}  {:>6}  {:>8}  {:>10}  {:>7}  {:>6}",
            r.regime,
            c.mutants,
            c.killed,
            c.survived,
            c.equivalent,
            c.invalid,
            c.score_text()
        );
    }
    let _ = writeln!(out, "\n{}", equivalent_note(report));
    for r in &report.regimes {
        let survivors: Vec<&MutantResult> = survivors(r).collect();
        if survivors.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{}: {} surviving mutant{} (no scenario notices the change)",
            r.regime,
            survivors.len(),
            if survivors.len() == 1 { "" } else { "s" }
        );
        for (requirement, ms) in by_requirement(&survivors) {
            let _ = writeln!(out, "  {requirement}");
            for m in ms {
                let clause = if m.clause.is_empty() {
                    String::new()
                } else {
                    format!(" (clause {})", m.clause)
                };
                let _ = writeln!(
                    out,
                    "    {}{clause}  {}:{}  {}",
                    m.target, m.file, m.line, m.operator
                );
                let _ = writeln!(out, "      - {}", shorten(&m.before));
                let _ = writeln!(out, "      + {}", shorten(&m.after));
                if let Some(why) = &m.reason {
                    let _ = writeln!(out, "      {why}");
                }
                if let Some(cx) = &m.witness {
                    let _ = writeln!(
                        out,
                        "      a scenario that kills it ({}):",
                        confirmation(&cx.confirmation)
                    );
                    for line in cx.yaml.lines() {
                        let _ = writeln!(out, "      {line}");
                    }
                }
            }
        }
    }
    out
}

/// The whole model as pretty JSON, every mutant with its status.
pub fn json(report: &MutationReport) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("the model always serialises");
    text.push('\n');
    text
}

/// A Markdown table per run and the survivors per regime and requirement.
pub fn markdown(report: &MutationReport) -> String {
    let mut out = String::from("# Mutation testing\n\n");
    out.push_str("| regime | mutants | killed | survived | equivalent | invalid | score |\n");
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for r in &report.regimes {
        let c = &r.counts;
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            r.regime,
            c.mutants,
            c.killed,
            c.survived,
            c.equivalent,
            c.invalid,
            c.score_text()
        );
    }
    let _ = writeln!(out, "\n{}", equivalent_note(report));
    for r in &report.regimes {
        let survivors: Vec<&MutantResult> = survivors(r).collect();
        if survivors.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {}: surviving mutants\n", r.regime);
        for (requirement, ms) in by_requirement(&survivors) {
            let _ = writeln!(out, "### {requirement}\n");
            for m in ms {
                let clause = if m.clause.is_empty() {
                    String::new()
                } else {
                    format!(", clause {}", m.clause)
                };
                let _ = writeln!(
                    out,
                    "- `{}`{clause}, `{}:{}`, {}: `{}` → `{}`",
                    m.target,
                    m.file,
                    m.line,
                    m.operator,
                    code(&m.before),
                    code(&m.after)
                );
                if let Some(why) = &m.reason {
                    let _ = writeln!(out, "  - {why}");
                }
                if let Some(cx) = &m.witness {
                    let _ = writeln!(
                        out,
                        "\n  A scenario that kills it ({}):\n\n  ```yaml\n{}  ```\n",
                        confirmation(&cx.confirmation),
                        indent(&cx.yaml, "  ")
                    );
                }
            }
            out.push('\n');
        }
    }
    out
}

/// The surviving mutants of a regime, in order.
pub fn survivors(r: &RegimeMutations) -> impl Iterator<Item = &MutantResult> {
    r.mutants
        .iter()
        .filter(|m| m.status == MutantStatus::Survived)
}

/// Survivors grouped under each requirement their policy serves (derived
/// dates under their own heading, last).
fn by_requirement<'a>(survivors: &[&'a MutantResult]) -> Vec<(String, Vec<&'a MutantResult>)> {
    let mut groups: BTreeMap<(bool, String), Vec<&MutantResult>> = BTreeMap::new();
    for m in survivors {
        if m.requirements.is_empty() {
            groups
                .entry((true, DERIVED.to_string()))
                .or_default()
                .push(m);
        }
        for r in &m.requirements {
            groups.entry((false, r.clone())).or_default().push(m);
        }
    }
    groups.into_iter().map(|((_, k), v)| (k, v)).collect()
}

/// How far Cedar's authorizer bears a witness out, in words.
fn confirmation(c: &Confirmation) -> String {
    match c {
        Confirmation::Confirmed => "confirmed by Cedar's authorizer".to_string(),
        Confirmation::NeedsReview(why) => format!("needs review: {why}"),
        Confirmation::VerifierFault(why) => format!("NOT confirmed, a verifier fault: {why}"),
    }
}

fn indent(text: &str, by: &str) -> String {
    text.lines().map(|l| format!("{by}{l}\n")).collect()
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_SHOWN {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX_SHOWN).collect();
        format!("{cut}…")
    }
}

fn code(text: &str) -> String {
    text.replace('`', "'").replace('|', "\\|")
}
