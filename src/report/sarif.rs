//! SARIF 2.1.0 for code-scanning tools: one result per failing or erroring
//! scenario (at its line in the YAML file, with the deciding and the expected
//! policies as related locations), a note per untested requirement (at its
//! line in the catalogue), and a result per expired or stale waiver. A waived
//! failure carries a SARIF suppression with the waiver's justification.
//!
//! Each requirement that has a result is a rule, `<regime>/<requirement>`.

use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, Region,
    ReportingDescriptor, Result as SarifResult, ResultKind, ResultLevel, Run, Sarif, Suppression,
    Tool, ToolComponent,
};

use super::{
    RegimeReport, Report, RequirementReport, RequirementStatus, ScenarioReport, WaiverState,
};
use crate::evaluate::Status;
use crate::waiver::Target;

/// The schema SARIF files name.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The rule of expired waivers.
pub const EXPIRED_WAIVER: &str = "lexgate/expired-waiver";
/// The rule of stale waivers.
pub const STALE_WAIVER: &str = "lexgate/stale-waiver";

/// Renders the report as a SARIF 2.1.0 log with one run.
pub fn render(report: &Report) -> String {
    let mut rules = Vec::new();
    let mut results = Vec::new();
    for regime in &report.regimes {
        for req in regime.groups.iter().flat_map(|g| &g.requirements) {
            let before = results.len();
            requirement_results(regime, req, &mut results);
            if results.len() > before {
                rules.push(requirement_rule(regime, req));
            }
        }
        for w in &regime.waivers {
            let (rule, level, text) = match w.state {
                WaiverState::Active => continue,
                WaiverState::Expired => (
                    EXPIRED_WAIVER,
                    ResultLevel::Error,
                    format!(
                        "{}: the waiver for {} expired on {} (approved by {})",
                        regime.id, w.target, w.expires, w.approver
                    ),
                ),
                WaiverState::Stale => (
                    STALE_WAIVER,
                    ResultLevel::Warning,
                    format!(
                        "{}: {} does not fail; the waiver is stale, remove it",
                        regime.id, w.target
                    ),
                ),
            };
            results.push(
                SarifResult::builder()
                    .rule_id(rule.to_string())
                    .level(level)
                    .kind(ResultKind::Fail)
                    .message(message(text))
                    .locations(vec![location(&w.file, w.line, None)])
                    .build(),
            );
        }
    }
    for (id, text) in [
        (EXPIRED_WAIVER, "A waiver has passed its expiry date."),
        (
            STALE_WAIVER,
            "A waiver covers something that does not fail.",
        ),
    ] {
        if results.iter().any(|r| r.rule_id.as_deref() == Some(id)) {
            rules.push(
                ReportingDescriptor::builder()
                    .id(id.to_string())
                    .short_description(text_string(text.to_string()))
                    .build(),
            );
        }
    }
    let driver = ToolComponent::builder()
        .name("lexgate".to_string())
        .semantic_version(env!("CARGO_PKG_VERSION").to_string())
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let sarif = Sarif::builder()
        .schema(SCHEMA.to_string())
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut text = serde_json::to_string_pretty(&sarif).expect("SARIF always serialises");
    text.push('\n');
    text
}

fn requirement_rule(regime: &RegimeReport, req: &RequirementReport) -> ReportingDescriptor {
    ReportingDescriptor::builder()
        .id(rule_id(regime, req))
        .name(req.id.clone())
        .short_description(text_string(req.summary.clone()))
        .full_description(text_string(format!(
            "{} — clause {}: {}",
            regime.title, req.clause, req.summary
        )))
        .build()
}

fn rule_id(regime: &RegimeReport, req: &RequirementReport) -> String {
    format!("{}/{}", regime.id, req.id)
}

fn requirement_results(
    regime: &RegimeReport,
    req: &RequirementReport,
    results: &mut Vec<SarifResult>,
) {
    if req.status == RequirementStatus::Untested {
        let why = req
            .note
            .clone()
            .unwrap_or_else(|| "no scenario exercises it".into());
        results.push(
            SarifResult::builder()
                .rule_id(rule_id(regime, req))
                .level(ResultLevel::Note)
                .kind(ResultKind::Open)
                .message(message(format!("{} is untested: {why}", req.id)))
                .locations(vec![location(&regime.catalogue, req.line, None)])
                .build(),
        );
    }
    for s in req
        .scenarios
        .iter()
        .filter(|s| s.outcome.status != Status::Pass)
    {
        let mut result = SarifResult::builder()
            .rule_id(rule_id(regime, req))
            .level(ResultLevel::Error)
            .kind(ResultKind::Fail)
            .message(message(format!(
                "{} (clause {}): `{}`: {}",
                req.id,
                req.clause,
                s.name,
                s.outcome.reason.as_deref().unwrap_or("")
            )))
            .locations(vec![location(&s.file, s.line, None)])
            .build();
        let related = related(regime, s);
        if !related.is_empty() {
            result.related_locations = Some(related);
        }
        if s.waived {
            result.suppressions = Some(vec![suppression(regime, req, s)]);
        }
        results.push(result);
    }
}

/// The policies that decided, then those expected to decide, at their lines.
fn related(regime: &RegimeReport, s: &ScenarioReport) -> Vec<Location> {
    let decided = s.outcome.decided_by.iter().map(|id| (id, "decided"));
    let expected = s
        .expect_decided_by
        .iter()
        .flatten()
        .filter(|id| !s.outcome.decided_by.contains(id))
        .map(|id| (id, "expected to decide"));
    decided
        .chain(expected)
        .filter_map(|(id, what)| {
            let p = regime.policies.iter().find(|p| &p.id == id)?;
            Some(location(
                &p.file,
                p.line,
                Some(format!("policy `{id}` ({what})")),
            ))
        })
        .collect()
}

fn suppression(regime: &RegimeReport, req: &RequirementReport, s: &ScenarioReport) -> Suppression {
    let waiver = regime.waivers.iter().find(|w| {
        w.state == WaiverState::Active
            && (w.target == Target::Scenario(s.name.clone())
                || w.target == Target::Requirement(req.id.clone()))
    });
    let mut sup = Suppression::builder()
        .kind(serde_json::json!("external"))
        .status(serde_json::json!("accepted"))
        .build();
    if let Some(w) = waiver {
        sup.justification = Some(format!(
            "{} (approved by {}, until {})",
            w.justification, w.approver, w.expires
        ));
        sup.location = Some(location(&w.file, w.line, None));
    }
    sup
}

fn message(text: String) -> Message {
    Message::builder().text(text).build()
}

fn text_string(text: String) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(text).build()
}

fn location(file: &str, line: usize, text: Option<String>) -> Location {
    let physical = PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(uri(file)).build())
        .region(Region::builder().start_line(line.max(1) as i64).build())
        .build();
    let mut loc = Location::builder().physical_location(physical).build();
    loc.message = text.map(message);
    loc
}

/// A relative path as a URI reference: every byte outside the unreserved
/// characters and `/` percent-encoded.
fn uri(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_encode_what_a_path_may_hold() {
        assert_eq!(uri("cases/demo/a b.yaml"), "cases/demo/a%20b.yaml");
        assert_eq!(uri("cases/ū.yaml"), "cases/%C5%AB.yaml");
    }
}
