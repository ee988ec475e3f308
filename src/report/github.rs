//! GitHub Actions workflow commands: an `::error` annotation per failing or
//! erroring scenario (once, naming every failing requirement it serves), a
//! `::notice` per waived failure, a `::warning` per untested requirement and
//! per stale waiver, an `::error` per expired waiver; then a plain summary.

use std::fmt::Write;

use super::human::counts;
use super::{RegimeReport, Report, RequirementStatus, WaiverState};
use crate::evaluate::Status;

/// Renders the report as GitHub workflow commands.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for regime in &report.regimes {
        render_regime(&mut out, regime);
    }
    let _ = writeln!(
        out,
        "lexgate: {}: {}",
        if report.passed() { "ok" } else { "FAILED" },
        counts(&report.totals)
    );
    out
}

fn render_regime(out: &mut String, regime: &RegimeReport) {
    // Failing scenarios once each, in order of first appearance, with the
    // requirements they serve.
    let mut failing: Vec<(&super::ScenarioReport, Vec<&str>)> = Vec::new();
    for req in regime.groups.iter().flat_map(|g| &g.requirements) {
        if req.status == RequirementStatus::Untested {
            let why = req.note.as_deref().unwrap_or("no scenario exercises it");
            command(
                out,
                "warning",
                &regime.catalogue,
                req.line,
                &format!("{} {} is untested", regime.id, req.id),
                why,
            );
        }
        for s in req
            .scenarios
            .iter()
            .filter(|s| s.outcome.status != Status::Pass)
        {
            match failing.iter_mut().find(|(f, _)| f.name == s.name) {
                Some((_, reqs)) => reqs.push(&req.id),
                None => failing.push((s, vec![&req.id])),
            }
        }
    }
    for (s, reqs) in failing {
        let (level, what) = match s.outcome.status {
            _ if s.waived => ("notice", "waived"),
            Status::Error => ("error", "error"),
            _ => ("error", "failed"),
        };
        command(
            out,
            level,
            &s.file,
            s.line,
            &format!("{} {} {what}: {}", regime.id, reqs.join(", "), s.name),
            s.outcome.reason.as_deref().unwrap_or(""),
        );
    }
    for w in &regime.waivers {
        let (level, message) = match w.state {
            WaiverState::Active => continue,
            WaiverState::Expired => (
                "error",
                format!(
                    "the waiver for {} expired on {} (approved by {})",
                    w.target, w.expires, w.approver
                ),
            ),
            WaiverState::Stale => (
                "warning",
                format!("{} does not fail: the waiver is stale, remove it", w.target),
            ),
        };
        command(
            out,
            level,
            &w.file,
            w.line,
            &format!("{} waiver", regime.id),
            &message,
        );
    }
}

fn command(out: &mut String, level: &str, file: &str, line: usize, title: &str, message: &str) {
    let _ = writeln!(
        out,
        "::{level} file={},line={line},title={}::{}",
        property(file),
        property(title),
        data(message)
    );
}

/// Escapes a command's message, as GitHub's toolkit does.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value, as GitHub's toolkit does.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_toolkit() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a: b, c"), "a%3A b%2C c");
    }
}
