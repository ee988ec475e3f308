//! The terminal report: one line per requirement, the failing scenarios with
//! their file and line, expected and actual decision and the deciding
//! policies; every scenario with `--verbose`.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::{RegimeReport, Report, RequirementStatus, Totals, WaiverState};
use crate::evaluate::Status;

/// How to render for a terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// List passing scenarios too.
    pub verbose: bool,
}

struct Paint {
    on: bool,
}

impl Paint {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.on {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

fn green() -> Style {
    Style::new().fg_color(Some(AnsiColor::Green.into())).bold()
}
fn red() -> Style {
    Style::new().fg_color(Some(AnsiColor::Red.into())).bold()
}
fn yellow() -> Style {
    Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold()
}
fn dim() -> Style {
    Style::new().dimmed()
}
fn bold() -> Style {
    Style::new().bold()
}

/// Renders the report for a terminal.
pub fn render(report: &Report, options: HumanOptions) -> String {
    let p = Paint { on: options.color };
    let mut out = String::new();
    for regime in &report.regimes {
        render_regime(&mut out, regime, options, &p);
    }
    let verdict = if report.passed() {
        p.paint(green(), "ok")
    } else {
        p.paint(red(), "FAILED")
    };
    let expired = report.expired_waivers().count();
    let mismatches = report.figure_mismatches().count();
    let _ = writeln!(
        out,
        "{verdict}: {}, {}{}{}",
        count(report.regimes.len(), "regime"),
        counts(&report.totals),
        if expired > 0 {
            format!("; {} expired", count(expired, "waiver"))
        } else {
            String::new()
        },
        if mismatches > 0 {
            format!(
                "; {} of the source not reproduced",
                count(mismatches, "figure")
            )
        } else {
            String::new()
        }
    );
    out
}

/// "4 requirements: 3 pass, 0 fail, 1 untested; 6 scenarios: …", with the
/// waived counts when there are any.
pub(super) fn counts(t: &Totals) -> String {
    let waived = |n: usize| {
        if n > 0 {
            format!(", {n} waived")
        } else {
            String::new()
        }
    };
    format!(
        "{}: {} pass, {} fail{}, {} untested; {}: {} pass, {} fail, {} error{}",
        count(t.requirements.total, "requirement"),
        t.requirements.pass,
        t.requirements.fail,
        waived(t.requirements.waived),
        t.requirements.untested,
        count(t.scenarios.total, "scenario"),
        t.scenarios.pass,
        t.scenarios.fail,
        t.scenarios.error,
        waived(t.scenarios.waived),
    )
}

fn render_regime(out: &mut String, r: &RegimeReport, options: HumanOptions, p: &Paint) {
    let _ = writeln!(out, "{} — {}", p.paint(bold(), &r.id), r.title);
    let width = r
        .groups
        .iter()
        .flat_map(|g| &g.requirements)
        .map(|q| q.id.len())
        .max()
        .unwrap_or(0);
    for g in &r.groups {
        let _ = writeln!(out, "  {}", p.paint(bold(), &g.title));
        for req in &g.requirements {
            let (badge, style) = match req.status {
                RequirementStatus::Pass => ("pass    ", green()),
                RequirementStatus::Fail => ("FAIL    ", red()),
                RequirementStatus::Waived => ("waived  ", yellow()),
                RequirementStatus::Untested => ("untested", yellow()),
            };
            let scenarios = match req.scenarios.len() {
                0 => req
                    .note
                    .as_deref()
                    .map(|n| format!("no scenario — {}", first_sentence(n)))
                    .unwrap_or_else(|| "no scenario".into()),
                1 => "1 scenario".into(),
                n => format!("{n} scenarios"),
            };
            let _ = writeln!(
                out,
                "    {} {:<width$}  {}  {}",
                p.paint(style, badge),
                req.id,
                p.paint(dim(), &format!("clause {}", req.clause)),
                p.paint(dim(), &scenarios),
            );
            for s in &req.scenarios {
                let failing = s.outcome.status != Status::Pass;
                if !failing && !options.verbose {
                    continue;
                }
                let mark = match s.outcome.status {
                    _ if s.waived => p.paint(yellow(), "~"),
                    Status::Pass => p.paint(green(), "✓"),
                    Status::Fail => p.paint(red(), "✗"),
                    Status::Error => p.paint(red(), "!"),
                };
                let _ = writeln!(
                    out,
                    "        {mark} {}  {}",
                    s.name,
                    p.paint(dim(), &format!("{}:{}", s.file, s.line))
                );
                if failing {
                    let at = s
                        .request
                        .at
                        .as_ref()
                        .map(|a| format!(" at {a}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "            {} {} {}{at}",
                        s.request.principal, s.request.action, s.request.resource
                    );
                    let _ = writeln!(
                        out,
                        "            {}{}",
                        s.outcome.reason.as_deref().unwrap_or(""),
                        if s.waived { " (waived)" } else { "" }
                    );
                }
            }
        }
    }
    let _ = writeln!(out, "  {}", counts(&r.totals));
    if !r.waivers.is_empty() {
        let _ = writeln!(out, "  {}", p.paint(bold(), "Waivers"));
    }
    for w in &r.waivers {
        let place = p.paint(dim(), &format!("{}:{}", w.file, w.line));
        let _ = match w.state {
            WaiverState::Active => writeln!(
                out,
                "    {} {}  until {}, approved by {}: {}  {place}",
                p.paint(yellow(), "waived  "),
                w.target,
                w.expires,
                w.approver,
                first_sentence(&w.justification),
            ),
            WaiverState::Stale => writeln!(
                out,
                "    {} {} does not fail: the waiver is stale, remove it  {place}",
                p.paint(yellow(), "warning:"),
                w.target,
            ),
            WaiverState::Expired => writeln!(
                out,
                "    {} the waiver for {} expired on {} (approved by {})  {place}",
                p.paint(red(), "EXPIRED "),
                w.target,
                w.expires,
                w.approver,
            ),
        };
    }
    out.push('\n');
    for card in &r.scorecards {
        let _ = writeln!(
            out,
            "  scorecard — {}: met {} of {}",
            card.situation, card.met, card.total
        );
        for g in card.groups.iter().filter(|g| g.total > 0) {
            let _ = writeln!(out, "    {:>3} of {:<3} {}", g.met, g.total, g.title);
        }
        for b in &card.blocks {
            let _ = writeln!(out, "    {:>3} of {:<3} {} in all", b.met, b.total, b.block);
        }
        for d in &card.decisions {
            let _ = writeln!(
                out,
                "    {} {}: {}",
                if d.met {
                    p.paint(green(), "yes")
                } else {
                    p.paint(yellow(), "no ")
                },
                d.requirement,
                first_sentence(&d.summary)
            );
        }
        out.push('\n');
    }
    for f in r.reported_figures.iter().filter(|f| !f.matches()) {
        let encoded = f
            .encoded
            .map(|e| format!("{} of {}", e.met, e.total))
            .unwrap_or_else(|| "no scenario".to_string());
        let _ = writeln!(
            out,
            "  {} the source reports {} of {} for {} ({}), the scorecard of '{}' gives {encoded}",
            p.paint(red(), "error:"),
            f.reported.met,
            f.reported.total,
            f.title,
            f.group,
            f.situation,
        );
    }
    if let Some(map) = r.clause_map.as_ref().filter(|m| m.gaps > 0) {
        let _ = writeln!(
            out,
            "  {} {} of {} provisions of the source {} (lexgate coverage --clauses lists them)",
            p.paint(yellow(), "warning:"),
            map.gaps,
            map.provisions,
            if map.gaps == 1 {
                "is a gap"
            } else {
                "are gaps"
            }
        );
    }
}

/// "1 scenario", "3 scenarios".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn first_sentence(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one.find(". ") {
        Some(i) => one[..=i].to_string(),
        None => one,
    }
}
