//! A regime's legal invariants: `policies/<regime>/invariants.cedar`.
//!
//! Each invariant is a Cedar `permit` that states one rule of the source
//! across every policy of the regime; its `@kind` says how it is compared
//! with the regime's policies. The file is not an ordinary policy file (the
//! loader skips it), but it is checked the same way: `@id`, `@clause`,
//! `@requirement` against the catalogue, and strict validation against the
//! regime's schema.

use cedar_policy::{Effect, Policy, PolicyId, PolicySet, ValidationMode, Validator};

use crate::catalogue::LoadedCatalogue;
use crate::diagnostic::{Code, Diag, Diagnostics};
use crate::schema::RegimeSchema;
use crate::source::SourceFile;

/// The file name of a regime's invariants, beside its policies.
pub const FILE_NAME: &str = crate::discover::INVARIANTS_FILE_NAME;

/// How an invariant is compared with the regime's policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Whatever the policies allow, the invariant allows (policies ⊆ invariant).
    Upper,
    /// Whatever the invariant allows, the policies allow (invariant ⊆ policies).
    Lower,
    /// No request the invariant describes is ever allowed (policies ∩ invariant = ∅).
    Never,
}

impl Kind {
    /// The annotation value.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Upper => "upper",
            Kind::Lower => "lower",
            Kind::Never => "never",
        }
    }
}

/// One invariant.
#[derive(Debug, Clone)]
pub struct Invariant {
    /// Its `@id`.
    pub id: String,
    /// Its `@clause`.
    pub clause: String,
    /// The requirement ids of `@requirement`.
    pub requirements: Vec<String>,
    /// Its `@summary`.
    pub summary: String,
    /// Its `@kind`.
    pub kind: Kind,
    /// The file it is in.
    pub file: String,
    /// The line of its `@id`.
    pub line: usize,
    /// The policy, renamed after its `@id`.
    pub policy: Policy,
    /// A permit of every request outside the invariant's scope: an upper
    /// invariant speaks only of the requests its scope names.
    pub outside_scope: Policy,
}

/// Parses and checks an invariants file; every problem goes to `diags`.
pub fn load(
    file: &SourceFile,
    schema: &RegimeSchema,
    catalogue: &LoadedCatalogue,
    diags: &mut Diagnostics,
) -> Vec<Invariant> {
    let parsed: PolicySet = match file.text.parse() {
        Ok(set) => set,
        Err(errs) => {
            let errs: cedar_policy::ParseErrors = errs;
            for e in errs.iter() {
                diags.push(Diag::from_foreign(Code::PolicyParse, e, Some(file)));
            }
            return Vec::new();
        }
    };
    let mut out: Vec<Invariant> = Vec::new();
    for policy in parsed.policies() {
        let Some(inv) = read_one(policy, file, catalogue, diags) else {
            continue;
        };
        if out.iter().any(|o| o.id == inv.id) {
            diags.push(
                Diag::new(
                    Code::DuplicateId,
                    format!("invariant id `{}` is used twice", inv.id),
                )
                .in_file(file),
            );
            continue;
        }
        out.push(inv);
    }
    let result = Validator::new(schema.cedar.clone()).validate(&parsed, ValidationMode::Strict);
    for e in result.validation_errors() {
        diags.push(Diag::from_foreign(Code::PolicyValidation, e, Some(file)));
    }
    out.sort_by_key(|a| a.line);
    out
}

fn read_one(
    policy: &Policy,
    file: &SourceFile,
    catalogue: &LoadedCatalogue,
    diags: &mut Diagnostics,
) -> Option<Invariant> {
    let annotation = |key: &str| {
        policy
            .annotation(key)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let Some(id) = annotation("id") else {
        diags.push(
            Diag::new(Code::PolicyAnnotation, "an invariant has no @id")
                .in_file(file)
                .with_help("add @id(\"regime-inv-short-name\") above it"),
        );
        return None;
    };
    let needle = format!("\"{id}\"");
    let span: miette::SourceSpan = match file.text.find(&needle) {
        Some(at) => (at, needle.len()).into(),
        None => (0, 0).into(),
    };
    let line = file.line_of(span.offset());
    let mut ok = true;
    let mut need = |key: &str, help: &str| match annotation(key) {
        Some(v) => v.to_string(),
        None => {
            ok = false;
            diags.push(
                Diag::new(
                    Code::PolicyAnnotation,
                    format!("invariant `{id}` has no @{key}"),
                )
                .at(file, span, "this invariant")
                .with_help(help.to_string()),
            );
            String::new()
        }
    };
    let clause = need("clause", "add @clause(\"4\") naming the clause it states");
    let requirement = need(
        "requirement",
        "add @requirement(\"ID\") naming the requirement(s) it is evidence for",
    );
    let summary = need("summary", "add @summary(\"...\"): the rule in plain words");
    let kind_text = need(
        "kind",
        "add @kind(\"upper\"), @kind(\"lower\") or @kind(\"never\")",
    );
    let kind = match kind_text.as_str() {
        "upper" => Some(Kind::Upper),
        "lower" => Some(Kind::Lower),
        "never" => Some(Kind::Never),
        "" => None,
        other => {
            diags.push(
                Diag::new(
                    Code::PolicyAnnotation,
                    format!("invariant `{id}` has @kind(\"{other}\")"),
                )
                .at(file, span, "this invariant")
                .with_help("the kind is upper, lower or never"),
            );
            None
        }
    };
    if policy.effect() != Effect::Permit {
        ok = false;
        diags.push(
            Diag::new(
                Code::PolicyAnnotation,
                format!("invariant `{id}` is a forbid"),
            )
            .at(file, span, "this invariant")
            .with_help("write an invariant as a permit describing the requests it is about"),
        );
    }
    let requirements: Vec<String> = requirement
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    for r in &requirements {
        if catalogue.requirement(r).is_none() {
            ok = false;
            diags.push(
                Diag::new(
                    Code::UnknownRequirement,
                    format!(
                        "invariant `{id}` is evidence for `{r}`, which is not in the catalogue"
                    ),
                )
                .at(file, span, "this invariant")
                .with_help_opt(catalogue.suggest(r)),
            );
        }
    }
    let kind = kind?;
    let outside_scope = match outside_scope(policy, id) {
        Ok(p) => p,
        Err(why) => {
            diags.push(
                Diag::new(Code::PolicyParse, format!("invariant `{id}`: {why}")).at(
                    file,
                    span,
                    "this invariant",
                ),
            );
            return None;
        }
    };
    ok.then(|| Invariant {
        id: id.to_string(),
        clause,
        requirements,
        summary,
        kind,
        file: file.name.clone(),
        line,
        policy: policy.new_id(PolicyId::new(id)),
        outside_scope,
    })
}

/// `permit (principal, action, resource) unless { <the scope of policy> };`
fn outside_scope(policy: &Policy, id: &str) -> Result<Policy, String> {
    use cedar_policy::{ActionConstraint, PrincipalConstraint, ResourceConstraint};
    let mut terms = Vec::new();
    match policy.principal_constraint() {
        PrincipalConstraint::Any => {}
        PrincipalConstraint::In(e) => terms.push(format!("principal in {e}")),
        PrincipalConstraint::Eq(e) => terms.push(format!("principal == {e}")),
        PrincipalConstraint::Is(t) => terms.push(format!("principal is {t}")),
        PrincipalConstraint::IsIn(t, e) => terms.push(format!("principal is {t} in {e}")),
    }
    match policy.action_constraint() {
        ActionConstraint::Any => {}
        ActionConstraint::Eq(a) => terms.push(format!("action == {a}")),
        ActionConstraint::In(list) => terms.push(format!(
            "action in [{}]",
            list.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    match policy.resource_constraint() {
        ResourceConstraint::Any => {}
        ResourceConstraint::In(e) => terms.push(format!("resource in {e}")),
        ResourceConstraint::Eq(e) => terms.push(format!("resource == {e}")),
        ResourceConstraint::Is(t) => terms.push(format!("resource is {t}")),
        ResourceConstraint::IsIn(t, e) => terms.push(format!("resource is {t} in {e}")),
    }
    let condition = if terms.is_empty() {
        "true".to_string()
    } else {
        terms.join(" && ")
    };
    let text = format!("permit (principal, action, resource) unless {{ {condition} }};");
    Policy::parse(Some(PolicyId::new(format!("{id}--outside-scope"))), text)
        .map_err(|e| format!("its scope cannot be restated: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = "namespace T { entity P { ok: Bool }; action read appliesTo { principal: [P], resource: [P], context: {} }; }";
    const CATALOGUE: &str = "regime: t\ntitle: T\nsource: test\nnamespace: T\ngroups:\n  - id: I\n    title: I\nrequirements:\n  - id: R\n    clause: \"1\"\n    group: I\n    kind: access\n    summary: s\n";

    fn load_text(text: &str) -> (Vec<Invariant>, Vec<Diag>) {
        let schema = RegimeSchema::parse(&SourceFile::from_text("s.cedarschema", SCHEMA)).unwrap();
        let mut d = Diagnostics::default();
        let catalogue =
            LoadedCatalogue::load(SourceFile::from_text("r.yaml", CATALOGUE), "t", &mut d).unwrap();
        let file = SourceFile::from_text("invariants.cedar", text);
        let out = load(&file, &schema, &catalogue, &mut d);
        (out, d.into_sorted())
    }

    #[test]
    fn an_invariant_keeps_its_annotations_and_its_scope() {
        let (inv, d) = load_text(
            "@id(\"i\") @clause(\"1\") @requirement(\"R\") @summary(\"s\") @kind(\"upper\")\npermit (principal, action == T::Action::\"read\", resource is T::P) when { principal.ok };",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(inv[0].kind, Kind::Upper);
        assert_eq!(inv[0].requirements, ["R"]);
        let outside = inv[0].outside_scope.to_string();
        assert!(outside.contains("unless"), "{outside}");
        assert!(outside.contains("resource is T::P"), "{outside}");
    }

    #[test]
    fn missing_annotations_a_forbid_and_unknown_requirements_are_reported() {
        let (inv, d) = load_text(
            "@id(\"i\") @clause(\"1\") @requirement(\"NOPE\") @kind(\"sideways\")\nforbid (principal, action, resource) when { principal.okk };",
        );
        assert!(inv.is_empty());
        let text: Vec<String> = d.iter().map(|d| d.message.clone()).collect();
        for needle in [
            "no @summary",
            "@kind(\"sideways\")",
            "is a forbid",
            "`NOPE`",
        ] {
            assert!(
                text.iter().any(|t| t.contains(needle)),
                "{needle}: {text:?}"
            );
        }
        assert!(
            d.iter().any(|d| d.code == Code::PolicyValidation),
            "{text:?}"
        );
    }
}
