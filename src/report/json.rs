//! The JSON report: the model as it is, pretty-printed, with a trailing newline.

use super::Report;

/// Renders the report as stable, versioned JSON.
pub fn render(report: &Report) -> String {
    let mut text =
        serde_json::to_string_pretty(report).expect("the report model always serialises");
    text.push('\n');
    text
}
