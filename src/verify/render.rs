//! The verify report as text: for people (grouped by regime, property and
//! clause), JSON, SARIF 2.1.0 (findings at the policy's file and line) and
//! JUnit. Pure functions of the model; nothing here depends on timing.

use std::fmt::Write as _;

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, PhysicalLocation, Region, ReportingDescriptor,
    Result as SarifResult, ResultKind, ResultLevel, Run, Sarif, Suppression, Tool, ToolComponent,
};

use super::model::{
    Check, Confirmation, LintFinding, Outcome, Property, RegimeResult, Severity, VerifyReport,
};

/// For a terminal.
pub fn human(report: &VerifyReport) -> String {
    let mut out = String::new();
    for r in &report.regimes {
        let _ = writeln!(
            out,
            "{} ({} request environments)",
            r.regime, r.environments
        );
        section(&mut out, "never errors", &r.never_errors, true);
        section(&mut out, "legal invariants", &r.invariants, false);
        if !r.lint.is_empty() || !r.lint_unknown.is_empty() {
            let _ = writeln!(out, "  lint");
            for f in &r.lint {
                let state = match (&f.acknowledged, f.severity) {
                    (Some(_), _) => "acknowledged",
                    (None, Severity::Error) => "error",
                    (None, Severity::Warning) => "warning",
                };
                let _ = writeln!(
                    out,
                    "    {state:<12} {} [{}] clause {} ({}:{}): {}",
                    f.policy,
                    f.kind.name(),
                    f.clause,
                    f.file,
                    f.line,
                    f.message
                );
                if let Some(why) = &f.acknowledged {
                    let _ = writeln!(out, "                 @lint_ok: {why}");
                }
            }
            for u in &r.lint_unknown {
                let _ = writeln!(out, "    unknown      {u}");
            }
        }
        if !r.proved.is_empty() {
            let _ = writeln!(out, "  requirements with proved invariants");
            for (req, ids) in &r.proved {
                let _ = writeln!(out, "    {req}: {}", ids.join(", "));
            }
        }
        out.push('\n');
    }
    let (proved, failed, unknown) = totals(report);
    let lint_errors = report
        .regimes
        .iter()
        .flat_map(|r| &r.lint)
        .filter(|f| f.severity == Severity::Error && f.acknowledged.is_none())
        .count();
    let _ = writeln!(
        out,
        "{proved} proved, {failed} failed, {unknown} unknown; {lint_errors} lint error(s) standing"
    );
    out
}

fn section(out: &mut String, title: &str, checks: &[Check], only_problems: bool) {
    if checks.is_empty() {
        return;
    }
    let proved = checks
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Proved))
        .count();
    let _ = writeln!(out, "  {title}: {proved} of {} proved", checks.len());
    let mut sorted: Vec<&Check> = checks.iter().collect();
    sorted.sort_by(|a, b| (&a.clause, &a.id).cmp(&(&b.clause, &b.id)));
    for c in sorted {
        if only_problems && matches!(c.outcome, Outcome::Proved) {
            continue;
        }
        let kind = c.kind.map(|k| format!(" {}", k.name())).unwrap_or_default();
        let _ = writeln!(
            out,
            "    {:<8} {}{kind} — clause {} ({}:{})",
            c.outcome.status(),
            c.id,
            c.clause,
            c.file,
            c.line
        );
        if !c.summary.is_empty() {
            let _ = writeln!(out, "             {}", c.summary);
        }
        match &c.outcome {
            Outcome::Proved => {}
            Outcome::Unknown {
                environment,
                reason,
            } => {
                let _ = writeln!(out, "             in {environment}: {reason}");
            }
            Outcome::Failed {
                environment,
                reason,
                counterexample,
            } => {
                let _ = writeln!(out, "             in {environment}: {reason}");
                if let Some(cx) = counterexample {
                    let state = match &cx.confirmation {
                        Confirmation::Confirmed => "confirmed by Cedar's authorizer".to_string(),
                        Confirmation::NeedsReview(why) => format!("NEEDS REVIEW: {why}"),
                        Confirmation::VerifierFault(why) => {
                            format!("VERIFIER FAULT (not a legal finding): {why}")
                        }
                    };
                    let _ = writeln!(out, "             counterexample ({state}):");
                    for line in cx.yaml.lines() {
                        let _ = writeln!(out, "             {line}");
                    }
                }
            }
        }
    }
}

fn totals(report: &VerifyReport) -> (usize, usize, usize) {
    let mut t = (0, 0, 0);
    for c in report
        .regimes
        .iter()
        .flat_map(|r| r.never_errors.iter().chain(&r.invariants))
    {
        match c.outcome {
            Outcome::Proved => t.0 += 1,
            Outcome::Failed { .. } => t.1 += 1,
            Outcome::Unknown { .. } => t.2 += 1,
        }
    }
    t
}

/// The model as JSON.
pub fn json(report: &VerifyReport) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        format!(
            "{{\"error\": {}}}",
            serde_json::Value::String(e.to_string())
        )
    });
    text.push('\n');
    text
}

/// SARIF 2.1.0: a result per failed or unknown property and per lint finding.
pub fn sarif(report: &VerifyReport) -> String {
    let mut results = Vec::new();
    let mut rules: Vec<&'static str> = Vec::new();
    for r in &report.regimes {
        for c in r.never_errors.iter().chain(&r.invariants) {
            let (level, text) = match &c.outcome {
                Outcome::Proved => continue,
                Outcome::Failed {
                    environment,
                    reason,
                    ..
                } => (
                    ResultLevel::Error,
                    format!("{}: `{}` fails in {environment}: {reason}", r.regime, c.id),
                ),
                Outcome::Unknown {
                    environment,
                    reason,
                } => (
                    ResultLevel::Warning,
                    format!(
                        "{}: `{}` is unknown in {environment}: {reason}",
                        r.regime, c.id
                    ),
                ),
            };
            let rule = match c.property {
                Property::NeverErrors => "lexgate/verify/never-errors",
                Property::Invariant => "lexgate/verify/invariant",
            };
            if !rules.contains(&rule) {
                rules.push(rule);
            }
            results.push(
                SarifResult::builder()
                    .rule_id(rule.to_string())
                    .level(level)
                    .kind(ResultKind::Fail)
                    .message(message(text))
                    .locations(vec![location(&c.file, c.line)])
                    .build(),
            );
        }
        for f in &r.lint {
            results.push(lint_result(r, f, &mut rules));
        }
    }
    rules.sort_unstable();
    let driver = ToolComponent::builder()
        .name("lexgate".to_string())
        .semantic_version(env!("CARGO_PKG_VERSION").to_string())
        .rules(
            rules
                .iter()
                .map(|id| ReportingDescriptor::builder().id(id.to_string()).build())
                .collect::<Vec<_>>(),
        )
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let sarif = Sarif::builder()
        .schema(crate::report::sarif::SCHEMA.to_string())
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut text = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    text.push('\n');
    text
}

fn lint_result(r: &RegimeResult, f: &LintFinding, rules: &mut Vec<&'static str>) -> SarifResult {
    let rule = match f.kind.name() {
        "vacuous" => "lexgate/lint/vacuous",
        "shadowed" => "lexgate/lint/shadowed",
        "redundant" => "lexgate/lint/redundant",
        _ => "lexgate/lint/equivalent",
    };
    if !rules.contains(&rule) {
        rules.push(rule);
    }
    let mut result = SarifResult::builder()
        .rule_id(rule.to_string())
        .level(match f.severity {
            Severity::Error => ResultLevel::Error,
            Severity::Warning => ResultLevel::Warning,
        })
        .kind(ResultKind::Fail)
        .message(message(format!("{}: {}", r.regime, f.message)))
        .locations(vec![location(&f.file, f.line)])
        .build();
    if let Some(why) = &f.acknowledged {
        let mut sup = Suppression::builder()
            .kind(serde_json::json!("inSource"))
            .build();
        sup.justification = Some(why.clone());
        result.suppressions = Some(vec![sup]);
    }
    result
}

fn message(text: String) -> Message {
    Message::builder().text(text).build()
}

fn location(file: &str, line: usize) -> Location {
    let physical = PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(file.to_string()).build())
        .region(Region::builder().start_line(line.max(1) as i64).build())
        .build();
    Location::builder().physical_location(physical).build()
}

/// JUnit XML: per regime a suite of properties and a suite of lint findings.
pub fn junit(report: &VerifyReport) -> String {
    let mut junit = quick_junit::Report::new("lexgate-verify");
    for r in &report.regimes {
        let mut suite = TestSuite::new(format!("{}::verify", r.regime));
        for c in r.never_errors.iter().chain(&r.invariants) {
            let status = match &c.outcome {
                Outcome::Proved => TestCaseStatus::success(),
                Outcome::Failed {
                    environment,
                    reason,
                    counterexample,
                } => {
                    let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    st.set_message(format!("in {environment}: {reason}"));
                    if let Some(cx) = counterexample {
                        st.set_description(cx.yaml.clone());
                    }
                    st
                }
                Outcome::Unknown {
                    environment,
                    reason,
                } => {
                    let mut st = TestCaseStatus::non_success(NonSuccessKind::Error);
                    st.set_message(format!("unknown in {environment}: {reason}"));
                    st
                }
            };
            let prefix = match c.property {
                Property::NeverErrors => "never-errors",
                Property::Invariant => "invariant",
            };
            let mut case = TestCase::new(format!("{prefix} {}", c.id), status);
            case.set_classname(format!("{}.{}", r.regime, c.file));
            suite.add_test_case(case);
        }
        for f in &r.lint {
            let status = match (&f.acknowledged, f.severity) {
                (Some(why), _) => {
                    let mut st = TestCaseStatus::skipped();
                    st.set_message(format!("acknowledged: {why}"));
                    st
                }
                (None, Severity::Warning) => {
                    let mut st = TestCaseStatus::skipped();
                    st.set_message(format!("warning: {}", f.message));
                    st
                }
                (None, Severity::Error) => {
                    let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    st.set_message(f.message.clone());
                    st
                }
            };
            let mut case = TestCase::new(format!("lint {} {}", f.kind.name(), f.policy), status);
            case.set_classname(format!("{}.{}", r.regime, f.file));
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    let mut text = junit.to_string().unwrap_or_default();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
