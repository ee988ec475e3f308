//! JSON Schemas for case files, so that an editor (VS Code with
//! yaml-language-server) completes and checks them as a lawyer types.
//!
//! Three kinds of file are written to `schemas/`: a generic schema for
//! scenario files, one for requirement catalogues, and one per regime that
//! knows the regime's entity types, attributes, actions, requirement ids and
//! policy ids. A case file names its schema on its first line:
//!
//! ```yaml
//! # yaml-language-server: $schema=../../schemas/mano-vmi.cases.schema.json
//! ```

mod definitions;
mod generic;
mod regime;
mod types;

use std::path::Path;

use serde_json::Value as Json;

pub use types::{DATETIME_PATTERN, DURATION_PATTERN};

use crate::diagnostic::Diag;
use crate::output::ReportFile;
use definitions::{load_all, RegimeDefinitions};

/// The folder of the schemas, relative to the project root.
pub const DIR: &str = "schemas";

/// The generic scenario-file schema's file name.
pub const SCENARIO_FILE: &str = "scenario-file.schema.json";

/// The catalogue schema's file name.
pub const CATALOGUE: &str = "catalogue.schema.json";

/// The file name of a regime's scenario-file schema.
pub fn regime_file(regime: &str) -> String {
    format!("{regime}.cases.schema.json")
}

/// The first line of a case file in `cases/<regime>/` that names its schema
/// (`file_name`) in `schemas/` beside `cases/`.
pub fn modeline(file_name: &str) -> String {
    format!("# yaml-language-server: $schema=../../{DIR}/{file_name}")
}

/// Every schema file of the project under `root`: the generic ones, then one
/// per regime, in regime order.
pub fn schema_files(root: &Path) -> Result<Vec<ReportFile>, Vec<Diag>> {
    let regimes = load_all(root)?;
    let mut files = generic_files();
    files.extend(regimes.iter().map(regime_schema_file));
    Ok(files)
}

/// The generic schemas: scenario file and catalogue.
fn generic_files() -> Vec<ReportFile> {
    vec![
        file(SCENARIO_FILE, &generic::scenario_file()),
        file(CATALOGUE, &generic::catalogue()),
    ]
}

/// The scenario-file schema of one regime.
fn regime_schema_file(def: &RegimeDefinitions) -> ReportFile {
    file(&regime_file(&def.name), &regime::scenario_file(def))
}

fn file(name: &str, schema: &Json) -> ReportFile {
    let mut contents =
        serde_json::to_string_pretty(schema).expect("a JSON value always serialises");
    contents.push('\n');
    ReportFile {
        name: name.to_string(),
        contents,
    }
}
