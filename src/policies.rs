//! A regime's Cedar policies: parsed file by file, renamed after their `@id`
//! (Cedar numbers policies `policy0, policy1, …` per parse, so files would
//! clash), checked for the annotations that tie them to the law, and validated
//! in strict mode against the regime's schema.

use std::collections::BTreeMap;

use cedar_policy::{Effect, PolicyId, PolicySet, ValidationMode, Validator};
use serde::Serialize;

use crate::catalogue::LoadedCatalogue;
use crate::diagnostic::{did_you_mean, Code, Diag, Diagnostics};
use crate::schema::RegimeSchema;
use crate::source::SourceFile;
use crate::yaml::token_span;

/// What lexgate knows about one policy besides its Cedar text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PolicyInfo {
    /// The `@id`, which is also the Cedar policy id.
    pub id: String,
    /// `permit` or `forbid`.
    pub effect: &'static str,
    /// The `@clause`.
    pub clause: String,
    /// The requirement ids of `@requirement`.
    pub requirements: Vec<String>,
    /// The file it is in.
    pub file: String,
    /// The line of its `@id`.
    pub line: usize,
    /// Its source text.
    #[serde(skip)]
    pub text: String,
}

/// A regime's policies, ready for the authorizer.
#[derive(Debug, Clone, Default)]
pub struct RegimePolicies {
    /// The merged policy set.
    pub set: PolicySet,
    /// Metadata by policy id.
    pub info: BTreeMap<String, PolicyInfo>,
    /// False when a policy failed to parse or clashed, so that a missing id
    /// may be a consequence rather than a mistake of its own.
    pub complete: bool,
}

impl RegimePolicies {
    /// Parses every file, checks annotations against `catalogue`, and
    /// validates strictly against `schema`. Problems go to `diags`; the
    /// policies that parsed are kept so that later checks still run.
    pub fn load(
        files: &[SourceFile],
        schema: Option<&RegimeSchema>,
        catalogue: Option<&LoadedCatalogue>,
        diags: &mut Diagnostics,
    ) -> Self {
        let mut out = Self {
            complete: true,
            ..Self::default()
        };
        let mut file_of: BTreeMap<String, &SourceFile> = BTreeMap::new();
        for file in files {
            let parsed: PolicySet = match file.text.parse() {
                Ok(set) => set,
                Err(errs) => {
                    out.complete = false;
                    let errs: cedar_policy::ParseErrors = errs;
                    for e in errs.iter() {
                        diags.push(Diag::from_foreign(Code::PolicyParse, e, Some(file)));
                    }
                    continue;
                }
            };
            if parsed.templates().next().is_some() {
                diags.push(
                    Diag::new(Code::PolicyParse, "policy templates are not supported")
                        .in_file(file)
                        .with_help("write each policy out in full"),
                );
            }
            for policy in parsed.policies() {
                let Some(info) = annotations(policy, file, catalogue, diags) else {
                    out.complete = false;
                    continue;
                };
                if let Some(first) = out.info.get(&info.id) {
                    diags.push(
                        Diag::new(
                            Code::DuplicateId,
                            format!("policy id `{}` is used twice", info.id),
                        )
                        .at(file, id_span(file, &info.id), "second use")
                        .with_help(format!(
                            "the first is in {} line {}",
                            first.file, first.line
                        )),
                    );
                    continue;
                }
                let renamed = policy.new_id(PolicyId::new(&info.id));
                if out.set.add(renamed).is_ok() {
                    file_of.insert(info.id.clone(), file);
                    out.info.insert(info.id.clone(), info);
                }
            }
        }
        if let Some(schema) = schema {
            let validator = Validator::new(schema.cedar.clone());
            let result = validator.validate(&out.set, ValidationMode::Strict);
            for e in result.validation_errors() {
                let file = file_of.get(e.policy_id().to_string().as_str()).copied();
                diags.push(Diag::from_foreign(Code::PolicyValidation, e, file));
            }
        }
        out
    }

    /// "did you mean" for an unknown policy id.
    pub fn suggest(&self, id: &str) -> Option<String> {
        did_you_mean(id, self.info.keys().map(String::as_str))
    }
}

fn annotations(
    policy: &cedar_policy::Policy,
    file: &SourceFile,
    catalogue: Option<&LoadedCatalogue>,
    diags: &mut Diagnostics,
) -> Option<PolicyInfo> {
    let text = policy.to_string();
    let Some(id) = policy.annotation("id").filter(|s| !s.trim().is_empty()) else {
        let at = file
            .text
            .find(text.lines().next().unwrap_or(""))
            .unwrap_or(0);
        diags.push(
            Diag::new(Code::PolicyAnnotation, "a policy has no @id")
                .at(file, token_span(&file.text, at), "this policy")
                .with_help(
                    "add @id(\"regime-short-name\") above it; the id names it in every report",
                ),
        );
        return None;
    };
    let span = id_span(file, id);
    let line = file.line_of(span.offset());
    let missing = |what: &str, help: &str| {
        Diag::new(
            Code::PolicyAnnotation,
            format!("policy `{id}` has no @{what}"),
        )
        .at(file, span, "this policy")
        .with_help(help.to_string())
    };
    let clause = match policy.annotation("clause").filter(|s| !s.trim().is_empty()) {
        Some(c) => c.to_string(),
        None => {
            diags.push(missing(
                "clause",
                "add @clause(\"4\") naming the clause it encodes",
            ));
            String::new()
        }
    };
    let requirements: Vec<String> = policy
        .annotation("requirement")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if requirements.is_empty() {
        diags.push(missing(
            "requirement",
            "add @requirement(\"ID\") naming the catalogue requirement(s) it serves",
        ));
    }
    if let Some(cat) = catalogue {
        for r in &requirements {
            if cat.requirement(r).is_none() {
                diags.push(
                    Diag::new(
                        Code::UnknownRequirement,
                        format!(
                            "policy `{id}` serves requirement `{r}`, which is not in the catalogue"
                        ),
                    )
                    .at(file, span, "this policy")
                    .with_help_opt(cat.suggest(r)),
                );
            }
        }
    }
    Some(PolicyInfo {
        id: id.to_string(),
        effect: match policy.effect() {
            Effect::Permit => "permit",
            Effect::Forbid => "forbid",
        },
        clause,
        requirements,
        file: file.name.clone(),
        line,
        text,
    })
}

/// The span of `@id("<id>")` in the file, or the file's start.
fn id_span(file: &SourceFile, id: &str) -> miette::SourceSpan {
    let needle = format!("\"{id}\"");
    match file.text.find(&needle) {
        Some(at) => (at, needle.len()).into(),
        None => (0, 0).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = "namespace Demo { entity Person { ok: Bool }; action view appliesTo { principal: [Person], resource: [Person], context: {} }; }";

    fn load(texts: &[&str]) -> (RegimePolicies, Vec<Diag>) {
        let schema = RegimeSchema::parse(&SourceFile::from_text("s.cedarschema", SCHEMA)).unwrap();
        let files: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| SourceFile::from_text(format!("p{i}.cedar"), *t))
            .collect();
        let mut d = Diagnostics::default();
        let p = RegimePolicies::load(&files, Some(&schema), None, &mut d);
        (p, d.into_sorted())
    }

    #[test]
    fn renames_policies_after_their_id_across_files() {
        let a = "@id(\"a\") @clause(\"1\") @requirement(\"R\") permit(principal, action == Demo::Action::\"view\", resource) when { principal.ok };";
        let b = "@id(\"b\") @clause(\"2\") @requirement(\"R, S\") forbid(principal, action, resource) when { !resource.ok };";
        let (p, d) = load(&[a, b]);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(p.info.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(p.info["b"].requirements, ["R", "S"]);
        assert_eq!(p.info["b"].effect, "forbid");
    }

    #[test]
    fn duplicate_and_missing_annotations_are_reported() {
        let a =
            "@id(\"a\") @clause(\"1\") @requirement(\"R\") permit(principal, action, resource);";
        let b = "@id(\"a\") permit(principal, action, resource);";
        let (_, d) = load(&[a, b]);
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert!(codes.contains(&Code::DuplicateId), "{codes:?}");
        assert!(codes.contains(&Code::PolicyAnnotation), "{codes:?}");
    }

    #[test]
    fn strict_validation_errors_name_the_file() {
        let a = "@id(\"a\") @clause(\"1\") @requirement(\"R\") permit(principal, action, resource) when { principal.okk };";
        let (_, d) = load(&[a]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, Code::PolicyValidation);
        assert_eq!(d[0].file.as_ref().unwrap().name, "p0.cedar");
        assert!(!d[0].labels.is_empty());
    }
}
