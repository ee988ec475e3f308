//! SARIF 2.1.0 for code-scanning tools: a warning per surviving mutant at
//! the changed line; each operator with a survivor is a rule,
//! `lexgate/mutant/<operator>`.

use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, Region,
    ReportingDescriptor, Result as SarifResult, ResultKind, ResultLevel, Run, Sarif, Tool,
    ToolComponent,
};

use super::model::MutationReport;
use super::render::survivors;
use crate::report::sarif::SCHEMA;

/// Renders the survivors as a SARIF 2.1.0 log with one run.
pub fn render(report: &MutationReport) -> String {
    let mut operators = Vec::new();
    let mut results = Vec::new();
    for r in &report.regimes {
        for m in survivors(r) {
            if !operators.contains(&m.operator) {
                operators.push(m.operator);
            }
            let requirement = if m.requirements.is_empty() {
                String::new()
            } else {
                format!(" ({}, clause {})", m.requirements.join(", "), m.clause)
            };
            let mut text = format!(
                "{}: no scenario notices this change of `{}`{requirement}: {} → {} [{}]",
                r.regime, m.target, m.before, m.after, m.operator
            );
            if let Some(cx) = &m.witness {
                text.push_str(&format!(
                    "\nA scenario that kills it (found by the solver):\n{}",
                    cx.yaml
                ));
            }
            let physical = PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(m.file.clone()).build())
                .region(Region::builder().start_line(m.line.max(1) as i64).build())
                .build();
            results.push(
                SarifResult::builder()
                    .rule_id(format!("lexgate/mutant/{}", m.operator))
                    .level(ResultLevel::Warning)
                    .kind(ResultKind::Fail)
                    .message(Message::builder().text(text).build())
                    .locations(vec![Location::builder()
                        .physical_location(physical)
                        .build()])
                    .build(),
            );
        }
    }
    operators.sort();
    let rules = operators
        .into_iter()
        .map(|op| {
            ReportingDescriptor::builder()
                .id(format!("lexgate/mutant/{op}"))
                .short_description(
                    MultiformatMessageString::builder()
                        .text(format!(
                            "A mutant made by `{op}` survives: no scenario notices the change."
                        ))
                        .build(),
                )
                .build()
        })
        .collect::<Vec<_>>();
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
