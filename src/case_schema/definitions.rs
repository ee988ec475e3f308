//! What a regime's case schema is made from: the Cedar schema, the catalogue,
//! the policy ids and the derived attributes. Scenario files are not read, so
//! the schemas can be written while the cases are being edited (and broken).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::catalogue::LoadedCatalogue;
use crate::diagnostic::{Diag, Diagnostics};
use crate::discover::{discover, RegimeFiles};
use crate::load::definitions;
use crate::policies::PolicyInfo;
use crate::schema::RegimeSchema;
use crate::schema_docs::{attribute_docs, AttributeDocs};
use crate::source::SourceFile;

/// One regime's definitions.
#[derive(Debug)]
pub struct RegimeDefinitions {
    /// The regime's slug.
    pub name: String,
    /// Its Cedar schema, resolved.
    pub schema: RegimeSchema,
    /// Its catalogue.
    pub catalogue: LoadedCatalogue,
    /// Its policies by id.
    pub policies: BTreeMap<String, PolicyInfo>,
    /// Attributes lexgate derives (and a case must not write), by entity type.
    pub derived: BTreeMap<String, BTreeSet<String>>,
    /// What the schema's comments say each attribute means.
    pub docs: AttributeDocs,
}

/// Loads the definitions of every regime under `root`; on any problem in
/// them, returns every problem found.
pub fn load_all(root: &Path) -> Result<Vec<RegimeDefinitions>, Vec<Diag>> {
    let mut diags = Diagnostics::default();
    let found = discover(root, &mut diags);
    let regimes: Vec<RegimeDefinitions> = found
        .iter()
        .filter_map(|files| load_one(root, files, &mut diags))
        .collect();
    if diags.is_empty() {
        Ok(regimes)
    } else {
        Err(diags.into_sorted())
    }
}

fn load_one(
    root: &Path,
    files: &RegimeFiles,
    diags: &mut Diagnostics,
) -> Option<RegimeDefinitions> {
    let defs = definitions(root, files, diags);
    let schema = defs.schema?;
    let derivations = defs.derivations;
    let catalogue = defs.catalogue;
    let policies = defs.policies;
    let derived = schema
        .entities
        .keys()
        .filter_map(|ty| {
            let rules = derivations.as_ref()?.rules_for(ty);
            (!rules.is_empty()).then(|| {
                let names = rules.iter().map(|r| r.attribute.clone()).collect();
                (ty.clone(), names)
            })
        })
        .collect();
    // The schema files were read and parsed above; reading them again
    // cannot fail in a way that matters here (their comments are a bonus).
    let docs = files
        .schemas
        .iter()
        .filter_map(|p| SourceFile::read(root, p).ok())
        .flat_map(|f| attribute_docs(&f.text))
        .collect();
    Some(RegimeDefinitions {
        name: files.name.clone(),
        schema,
        catalogue: catalogue?,
        policies: policies.info,
        derived,
        docs,
    })
}
