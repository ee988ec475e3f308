//! The serde model of a scenario file (`cases/<regime>/*.yaml`): fixtures
//! shared by the file, and the scenarios that use them. Values stay as YAML
//! here; [`crate::lower`] interprets them through the schema.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_yaml::{Mapping, Value};

use crate::diagnostic::{Code, Diag};
use crate::source::SourceFile;
use crate::yaml::{self, YamlIndex};

/// One scenario file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// What the file is about.
    #[serde(default)]
    pub description: Option<String>,
    /// Default situation of the file's scenarios (assessments).
    #[serde(default)]
    pub situation: Option<String>,
    /// Fixtures: entities by type, then by id.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub entities: Mapping,
    /// The scenarios.
    #[serde(default)]
    pub scenarios: Vec<Scenario>,
}

impl ScenarioFile {
    /// Parses a scenario file; an empty or comment-only file is a problem
    /// (a truncated file must not turn its requirements untested quietly).
    pub fn parse(file: &SourceFile) -> Result<(Self, YamlIndex), Box<Diag>> {
        let (parsed, index) = yaml::parse::<Self>(file)?;
        if index.is_empty() {
            return Err(Diag::new(
                Code::EmptyFile,
                "this case file holds no scenarios: it is empty or only comments",
            )
            .in_file(file)
            .with_help("add its fixtures and scenarios, or delete the file")
            .boxed());
        }
        Ok((parsed, index))
    }
}

/// One situation to evaluate, with its expectation.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A unique, readable name.
    pub name: String,
    /// The requirement ids it exercises.
    pub requirements: OneOrMany,
    /// The moment of the request (becomes `context.now`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub at: Option<Value>,
    /// Who acts.
    pub principal: String,
    /// What they do.
    pub action: String,
    /// On what.
    pub resource: String,
    /// Other context attributes.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub context: Mapping,
    /// Entities added or changed for this scenario only.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub entities: Mapping,
    /// The expected decision.
    pub expect: Expect,
    /// The policy ids expected to decide, if pinned.
    #[serde(default)]
    pub decided_by: Option<Vec<String>>,
    /// The situation (assessments); defaults to the file's.
    #[serde(default)]
    pub situation: Option<String>,
}

/// One string or a list of strings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single id.
    One(String),
    /// Several ids.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The ids, in order.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// A decision: what a scenario expects, or what Cedar decided.
#[derive(
    Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// Permitted.
    Allow,
    /// Not permitted.
    Deny,
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Expect::Allow => "allow",
            Expect::Deny => "deny",
        })
    }
}
