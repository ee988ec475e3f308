//! The Markdown report, for people: a summary, then per group a table of
//! requirements, then per requirement its scenarios and the deciding policies.
//! For assessments, a scorecard (met X of Y per area) comes first.

use std::fmt::Write;

use super::{RegimeReport, Report, RequirementReport, RequirementStatus, Scorecard, WaiverState};
use crate::catalogue::{Priority, ProvisionStatus};
use crate::evaluate::Status;

/// Renders every regime of the report, one after the other.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for (i, regime) in report.regimes.iter().enumerate() {
        if i > 0 {
            out.push_str("\n---\n\n");
        }
        render_regime(&mut out, regime);
    }
    out
}

/// Renders one regime.
pub fn render_regime(out: &mut String, r: &RegimeReport) {
    let t = &r.totals;
    let _ = writeln!(out, "# {}\n", cell(&r.title));
    let _ = writeln!(out, "- Source: {}", cell(&r.source));
    let _ = writeln!(
        out,
        "- Regime: `{}` (Cedar namespace `{}`)",
        r.id, r.namespace
    );
    let waived = |n: usize| {
        if n > 0 {
            format!(", {n} waived")
        } else {
            String::new()
        }
    };
    let _ = writeln!(
        out,
        "- Requirements: {} — {} pass, {} fail{}, {} untested",
        t.requirements.total,
        t.requirements.pass,
        t.requirements.fail,
        waived(t.requirements.waived),
        t.requirements.untested
    );
    let _ = writeln!(
        out,
        "- Scenarios: {} — {} pass, {} fail, {} error{}\n",
        t.scenarios.total,
        t.scenarios.pass,
        t.scenarios.fail,
        t.scenarios.error,
        waived(t.scenarios.waived)
    );
    for card in &r.scorecards {
        scorecard(out, r, card);
    }
    reported_figures(out, r);
    summary(out, r);
    waivers(out, r);
    coverage(out, r);
    clause_map(out, r);
    for g in &r.groups {
        let _ = writeln!(out, "## {}\n", cell(&g.title));
        let _ = writeln!(
            out,
            "| Requirement | Clause | Kind | Status | Scenarios (allow / deny) | Policies |"
        );
        let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
        for req in &g.requirements {
            let _ = writeln!(
                out,
                "| [{id}](#{anchor}) | {clause} | {kind} | {status} | {n} ({a} / {d}) | {policies} |",
                id = req.id,
                anchor = anchor(&req.id),
                clause = cell(&req.clause),
                kind = serde_plain(&req.kind),
                status = status_badge(req.status),
                n = req.scenarios.len(),
                a = req.coverage.allow,
                d = req.coverage.deny,
                policies = code_list(&req.policies),
            );
        }
        out.push('\n');
        for req in &g.requirements {
            requirement(out, req);
        }
    }
}

/// The table of groups; a Waived column only when a requirement is waived.
fn summary(out: &mut String, r: &RegimeReport) {
    let with_waived = r.totals.requirements.waived > 0;
    let _ = writeln!(out, "## Summary by group\n");
    if with_waived {
        let _ = writeln!(out, "| Group | Pass | Fail | Waived | Untested | Total |");
        let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: |");
    } else {
        let _ = writeln!(out, "| Group | Pass | Fail | Untested | Total |");
        let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: |");
    }
    for g in &r.groups {
        let waived = if with_waived {
            format!(" {} |", g.tally.waived)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} |{waived} {} | {} |",
            cell(&g.title),
            g.tally.pass,
            g.tally.fail,
            g.tally.untested,
            g.tally.total
        );
    }
    out.push('\n');
}

/// The waivers and what became of them.
fn waivers(out: &mut String, r: &RegimeReport) {
    if r.waivers.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Waivers\n");
    let _ = writeln!(
        out,
        "| Waiver for | Justification | Approver | Expires | State |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
    for w in &r.waivers {
        let state = match w.state {
            WaiverState::Active => "🟡 active",
            WaiverState::Stale => "⚠️ stale: what it covers does not fail",
            WaiverState::Expired => "❌ expired",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&w.target.to_string()),
            cell(&w.justification),
            cell(&w.approver),
            w.expires,
            state
        );
    }
    out.push('\n');
}

fn coverage(out: &mut String, r: &RegimeReport) {
    let c = &r.coverage;
    let _ = writeln!(out, "## Coverage\n");
    let _ = writeln!(
        out,
        "- Requirements with both an allow and a deny scenario: {} of {} ({:.0}%)",
        c.both_ways,
        c.requirements,
        c.requirement_percent()
    );
    let _ = writeln!(
        out,
        "- Policies that decide at least one scenario: {} of {} ({:.0}%)",
        c.policies - c.never_deciding.len(),
        c.policies,
        c.policy_percent()
    );
    for (label, ids) in [
        ("Untested", &c.untested),
        ("Only allow scenarios", &c.only_allow),
        ("Only deny scenarios", &c.only_deny),
        ("Policies that never decide a scenario", &c.never_deciding),
        (
            "Denied, but not by the rule they test (pin `decided_by`)",
            &c.denied_by_default,
        ),
    ] {
        if !ids.is_empty() {
            let _ = writeln!(out, "- {label}: {}", code_list(ids));
        }
    }
    out.push('\n');
}

/// The source's own figures against the scorecard that must reproduce them.
fn reported_figures(out: &mut String, r: &RegimeReport) {
    let Some(first) = r.reported_figures.first() else {
        return;
    };
    let _ = writeln!(
        out,
        "## The source's own figures — {}\n",
        cell(&first.situation)
    );
    let _ = writeln!(out, "| Group | Reported | Encoded | |");
    let _ = writeln!(out, "| --- | ---: | ---: | --- |");
    for f in &r.reported_figures {
        let encoded = f
            .encoded
            .map(|e| format!("{} / {}", e.met, e.total))
            .unwrap_or_else(|| "–".to_string());
        let _ = writeln!(
            out,
            "| {} | {} / {} | {encoded} | {} |",
            cell(&f.title),
            f.reported.met,
            f.reported.total,
            if f.matches() { "✅" } else { "❌ differs" }
        );
    }
    out.push('\n');
}

/// The clause map: every provision and how it is accounted for.
fn clause_map(out: &mut String, r: &RegimeReport) {
    let Some(map) = &r.clause_map else {
        let _ = writeln!(
            out,
            "## Clause map\n\nThe catalogue has no clause map: which provisions of the source are encoded is not stated.\n"
        );
        return;
    };
    let _ = writeln!(out, "## Clause map\n");
    let _ = writeln!(
        out,
        "- Provisions: {} — {} encoded, {} with no rule to encode, {} {}\n",
        map.provisions,
        map.encoded,
        map.no_rule,
        map.gaps,
        if map.gaps == 1 { "gap" } else { "gaps" }
    );
    let _ = writeln!(
        out,
        "| Provision | About | Status | Requirements | Reason |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
    for e in &map.entries {
        let status = match e.status {
            ProvisionStatus::Encoded => "encoded",
            ProvisionStatus::NoRule => "no rule",
            ProvisionStatus::Gap => "❌ gap",
        };
        let requirements = e
            .requirements
            .iter()
            .map(|id| format!("[{id}](#{})", anchor(id)))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "| {} | {} | {status} | {requirements} | {} |",
            cell(&e.clause),
            cell(&e.summary),
            cell(e.reason.as_deref().unwrap_or(""))
        );
    }
    out.push('\n');
}

fn scorecard(out: &mut String, r: &RegimeReport, card: &Scorecard) {
    let _ = writeln!(out, "## Scorecard — {}\n", cell(&card.situation));
    let _ = writeln!(out, "| Area | Met | Of |");
    let _ = writeln!(out, "| --- | ---: | ---: |");
    for g in card.groups.iter().filter(|g| g.total > 0) {
        let _ = writeln!(out, "| {} | {} | {} |", cell(&g.title), g.met, g.total);
    }
    let _ = writeln!(
        out,
        "| **Total** | **{}** | **{}** |\n",
        card.met, card.total
    );
    if !card.blocks.is_empty() {
        let _ = writeln!(out, "| Block | Met | Of |");
        let _ = writeln!(out, "| --- | ---: | ---: |");
        for b in &card.blocks {
            let _ = writeln!(out, "| {} | {} | {} |", cell(&b.block), b.met, b.total);
        }
        out.push('\n');
    }
    for d in &card.decisions {
        let _ = writeln!(
            out,
            "**[{}](#{}): {}** — {}\n",
            d.requirement,
            anchor(&d.requirement),
            if d.met { "yes" } else { "no" },
            one_line(&d.summary)
        );
    }
    if card.outstanding.is_empty() {
        let _ = writeln!(out, "Every assessed requirement is met.\n");
        return;
    }
    let _ = writeln!(out, "Outstanding requirements:\n");
    for id in &card.outstanding {
        let Some(req) = r
            .groups
            .iter()
            .flat_map(|g| &g.requirements)
            .find(|q| &q.id == id)
        else {
            continue;
        };
        let rec = req
            .recommendation
            .as_ref()
            .map(|rec| {
                let priority = match rec.priority {
                    Some(Priority::Key) => " (key priority)",
                    Some(Priority::Monitoring) => " (continued monitoring)",
                    None => "",
                };
                format!(
                    " — recommendation {}{priority}: {}",
                    rec.number,
                    one_line(&rec.summary)
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- [{}](#{}) ({}): {}{}",
            req.id,
            anchor(&req.id),
            cell(&req.clause),
            one_line(&req.summary),
            rec
        );
    }
    out.push('\n');
}

fn requirement(out: &mut String, req: &RequirementReport) {
    let _ = writeln!(out, "### {}\n", req.id);
    let _ = writeln!(
        out,
        "Clause {} · {} · **{}**\n",
        req.clause,
        serde_plain(&req.kind),
        serde_plain(&req.status)
    );
    let _ = writeln!(out, "{}\n", one_line(&req.summary));
    if let Some(note) = &req.note {
        let _ = writeln!(out, "> Note: {}\n", one_line(note));
    }
    if let Some(rec) = &req.recommendation {
        let _ = writeln!(
            out,
            "> Recommendation {}: {}\n",
            rec.number,
            one_line(&rec.summary)
        );
    }
    if req.scenarios.is_empty() {
        let _ = writeln!(out, "No scenario exercises this requirement.\n");
        return;
    }
    let _ = writeln!(
        out,
        "| Scenario | Expected | Decision | Decided by | Result |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
    for s in &req.scenarios {
        let expected = match &s.expect_decided_by {
            Some(by) => format!(
                "{} by {}",
                s.expect,
                if by.is_empty() {
                    "no policy".to_string()
                } else {
                    code_list(by)
                }
            ),
            None => s.expect.to_string(),
        };
        let decided = if s.outcome.decided_by.is_empty() {
            "no policy applied".to_string()
        } else {
            code_list(&s.outcome.decided_by)
        };
        let result = match s.outcome.status {
            _ if s.waived => format!(
                "🟡 waived {}: {}",
                serde_plain(&s.outcome.status),
                cell(s.outcome.reason.as_deref().unwrap_or(""))
            ),
            Status::Pass => "✅ pass".to_string(),
            Status::Fail => format!(
                "❌ fail: {}",
                cell(s.outcome.reason.as_deref().unwrap_or(""))
            ),
            Status::Error => format!(
                "⚠️ error: {}",
                cell(s.outcome.reason.as_deref().unwrap_or(""))
            ),
        };
        let situation = s
            .situation
            .as_ref()
            .map(|x| format!(" _({})_", cell(x)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {}{} | {} | {} | {} | {} |",
            cell(&s.name),
            situation,
            expected,
            s.outcome.decision,
            decided,
            result
        );
    }
    out.push('\n');
}

fn status_badge(s: RequirementStatus) -> &'static str {
    match s {
        RequirementStatus::Pass => "✅ pass",
        RequirementStatus::Fail => "❌ fail",
        RequirementStatus::Waived => "🟡 waived",
        RequirementStatus::Untested => "⚪ untested",
    }
}

fn serde_plain<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn code_list(ids: &[String]) -> String {
    ids.iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// GitHub's heading anchor for a requirement id heading.
fn anchor(id: &str) -> String {
    id.to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}
