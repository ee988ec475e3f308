//! Lowering: a scenario file, interpreted through the regime's schema, becomes
//! Cedar entities (the fixtures, built once per file) and one Cedar request per
//! scenario (with the entities it adds or changes, applied to the fixtures only
//! when it is evaluated).
//!
//! Every check that Cedar would make silently or without a position (an id
//! that does not exist, a context value of the wrong type, a misspelled
//! attribute) is made here first, so that the diagnostic points at the YAML.

mod cedar;
mod entities;
mod value;

use std::borrow::Cow;
use std::collections::BTreeMap;

use cedar_policy::{Context, Entities, Entity, EntityUid, Request};
use serde_json::Value as Json;
use serde_yaml::Value;

pub use entities::PARENTS_KEY;
pub use value::{datetime, is_duration, Known, Ref};

use crate::catalogue::LoadedCatalogue;
use crate::derive::Derivations;
use crate::diagnostic::{did_you_mean, Code, Diag, Diagnostics};
use crate::policies::RegimePolicies;
use crate::scenario::{Expect, Scenario, ScenarioFile};
use crate::schema::RegimeSchema;
use crate::source::SourceFile;
use crate::yaml::{Path, YamlIndex};
use entities::EntitySpec;
use value::{key_text, Ctx};

/// The context attribute that `at:` fills.
pub const NOW: &str = "now";

/// A scenario file, lowered.
#[derive(Debug, Clone)]
pub struct LoweredFile {
    /// The file's display name.
    pub file: String,
    /// The fixtures as Cedar entities (with the schema's action entities).
    pub fixtures: Entities,
    /// Its scenarios, in file order.
    pub scenarios: Vec<LoweredScenario>,
}

/// What a scenario says, apart from its Cedar request: all that a report
/// needs once the scenario has been evaluated.
#[derive(Debug, Clone)]
pub struct ScenarioInfo {
    /// Its name.
    pub name: String,
    /// The file it is in.
    pub file: String,
    /// The line of its `name:`.
    pub line: usize,
    /// The requirement ids it exercises.
    pub requirements: Vec<String>,
    /// The expected decision.
    pub expect: Expect,
    /// The policies expected to decide, sorted, if pinned.
    pub decided_by: Option<Vec<String>>,
    /// The situation (assessments).
    pub situation: Option<String>,
    /// Readable request: principal, action, resource, moment.
    pub summary: RequestSummary,
}

/// One scenario, ready for the authorizer.
#[derive(Debug, Clone)]
pub struct LoweredScenario {
    /// What it says.
    pub info: ScenarioInfo,
    /// The Cedar request.
    pub request: Request,
    /// The entities it adds or changes (checked against the schema), applied
    /// to its file's fixtures only when it is evaluated: see
    /// [`LoweredScenario::entities`].
    pub overrides: Vec<Entity>,
    /// The context as Cedar received it (for `explain`).
    pub context: serde_json::Map<String, Json>,
}

impl LoweredScenario {
    /// The entities its request is evaluated against: its file's `fixtures`,
    /// with its overrides applied. Built on demand and dropped after use, so
    /// that a large suite does not keep a copy of the fixtures per scenario.
    pub fn entities<'a>(&self, fixtures: &'a Entities) -> Result<Cow<'a, Entities>, String> {
        if self.overrides.is_empty() {
            return Ok(Cow::Borrowed(fixtures));
        }
        fixtures
            .clone()
            .upsert_entities(self.overrides.iter().cloned(), None)
            .map(Cow::Owned)
            .map_err(|e| e.to_string())
    }
}

/// The request in the words of the case file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RequestSummary {
    /// `Type::id` of the principal.
    pub principal: String,
    /// The action's name.
    pub action: String,
    /// `Type::id` of the resource.
    pub resource: String,
    /// The moment (`context.now`), normalised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// What lowering checks names against.
pub struct Refs<'a> {
    /// The regime's catalogue, if it loaded.
    pub catalogue: Option<&'a LoadedCatalogue>,
    /// The regime's policies.
    pub policies: &'a RegimePolicies,
    /// The regime's derived dates, if it declares any.
    pub derivations: Option<&'a Derivations>,
    /// The moment for scenarios without `at:` (`--as-of`).
    pub as_of: Option<&'a str>,
}

/// Lowers one parsed scenario file. Problems go to `diags`; scenarios that
/// lower cleanly are returned even when others in the file do not.
pub fn lower_file(
    schema: &RegimeSchema,
    file: &SourceFile,
    parsed: &ScenarioFile,
    index: &YamlIndex,
    refs: &Refs<'_>,
    diags: &mut Diagnostics,
) -> Option<LoweredFile> {
    let ctx = Ctx {
        schema,
        file,
        index,
        derivations: refs.derivations,
    };
    let root = Path::root();
    let fixture_specs = entities::read_specs(&ctx, &parsed.entities, &root.key("entities"), diags);
    let known = entities::known_of(&fixture_specs);
    let mut fixture_json = Vec::new();
    let mut fixtures_ok = true;
    for spec in &fixture_specs {
        match entities::lower(&ctx, spec, &known) {
            Ok(j) => fixture_json.push(j),
            Err(d) => {
                diags.push(*d);
                fixtures_ok = false;
            }
        }
    }
    if !fixtures_ok {
        return None;
    }
    if let Some(problem) = entities::hierarchy_problem(&fixture_json.iter().collect::<Vec<_>>()) {
        diags.push(hierarchy_diag(&ctx, &fixture_specs, &problem));
        return None;
    }
    let values = cedar::Values::new(schema);
    let mut fixture_entities = Vec::with_capacity(fixture_json.len());
    for (spec, json) in fixture_specs.iter().zip(&fixture_json) {
        match values.entity(json) {
            Ok(e) => fixture_entities.push(e),
            Err(why) => {
                let d = Diag::new(Code::CedarEntity, why);
                diags.push(rejected_fixture(&ctx, d, Some(spec)));
                return None;
            }
        }
    }
    let fixtures = match Entities::from_entities(fixture_entities, Some(&schema.cedar)) {
        Ok(e) => e,
        Err(e) => {
            let d = Diag::from_foreign(Code::CedarEntity, &e, None);
            // Cedar names the entity (`Ns::Type::"id"`) but not where it is written.
            let named = fixture_specs.iter().find(|s| {
                d.message
                    .contains(&format!("{}::\"{}\"", schema.qualified(&s.r.ty), s.r.id))
            });
            diags.push(rejected_fixture(&ctx, d, named));
            return None;
        }
    };
    let by_ref: BTreeMap<Ref, EntitySpec> = fixture_specs
        .iter()
        .cloned()
        .map(|s| (s.r.clone(), s))
        .collect();
    let mut scenarios = Vec::new();
    for (i, scenario) in parsed.scenarios.iter().enumerate() {
        let path = root.key("scenarios").index(i);
        let lowering = ScenarioLowering {
            ctx: &ctx,
            fixture_json: &fixture_json,
            fixture_specs: &fixture_specs,
            refs,
            by_ref: &by_ref,
            values: &values,
            known: &known,
            path,
        };
        match lowering.lower(scenario, parsed.situation.as_deref()) {
            Ok(s) => scenarios.push(s),
            Err(d) => diags.push(*d),
        }
    }
    Some(LoweredFile {
        file: file.name.clone(),
        fixtures,
        scenarios,
    })
}

/// Cedar's rejection of the fixtures, at the entity it names when it names one.
fn rejected_fixture(ctx: &Ctx<'_>, d: Diag, spec: Option<&EntitySpec>) -> Diag {
    let d = match spec {
        Some(spec) => {
            Diag::new(d.code, d.message).at(ctx.file, ctx.index.key_span(&spec.path), "this entity")
        }
        None => d.in_file(ctx.file),
    };
    d.with_help("Cedar rejected the fixtures; check the entities named above against the schema")
}

/// A diagnostic for a cycle of `in` edges, at the first entity of the
/// cycle, or for a chain too deep, at the entity it starts from.
fn hierarchy_diag(ctx: &Ctx<'_>, specs: &[EntitySpec], problem: &entities::Hierarchy) -> Diag {
    let short = |uid: &str| {
        uid.strip_prefix(&format!("{}::", ctx.schema.namespace))
            .unwrap_or(uid)
            .to_string()
    };
    let (first, diag) = match problem {
        entities::Hierarchy::Cycle(cycle) => {
            let words: Vec<String> = cycle.iter().map(|u| short(u)).collect();
            let diag = Diag::new(
                Code::CedarEntity,
                format!(
                    "entities are `in` each other in a cycle: {}",
                    words.join(" in ")
                ),
            )
            .with_help(
                "an entity cannot be (indirectly) its own parent; remove one of the `in:` links",
            );
            (words[0].clone(), diag)
        }
        entities::Hierarchy::TooDeep { start, depth } => {
            let diag = Diag::new(
                Code::CedarEntity,
                format!(
                    "a chain of `in:` links {depth} entities long starts at {}; at most {} are accepted",
                    short(start),
                    entities::MAX_HIERARCHY_DEPTH
                ),
            )
            .with_help("legal hierarchies are a few levels deep: link each entity to the group it belongs to directly");
            (short(start), diag)
        }
    };
    match specs
        .iter()
        .find(|s| format!("{}::{}", s.r.ty, s.r.id) == first)
    {
        Some(spec) => diag.at(ctx.file, ctx.index.key_span(&spec.path), "this entity"),
        None => diag.in_file(ctx.file),
    }
}

struct ScenarioLowering<'a> {
    ctx: &'a Ctx<'a>,
    fixture_json: &'a [Json],
    fixture_specs: &'a [EntitySpec],
    refs: &'a Refs<'a>,
    by_ref: &'a BTreeMap<Ref, EntitySpec>,
    values: &'a cedar::Values<'a>,
    known: &'a Known,
    path: Path,
}

impl ScenarioLowering<'_> {
    fn lower(
        &self,
        sc: &Scenario,
        file_situation: Option<&str>,
    ) -> Result<LoweredScenario, Box<Diag>> {
        let ctx = self.ctx;
        let line = ctx
            .file
            .line_of(ctx.index.value_span(&self.path.key("name")).offset());
        let requirements = self.requirements(sc)?;
        let decided_by = self.decided_by(sc)?;

        let mut diags = Diagnostics::default();
        let overrides =
            entities::read_specs(ctx, &sc.entities, &self.path.key("entities"), &mut diags);
        if let Some(d) = diags.into_sorted().into_iter().next() {
            return Err(Box::new(d));
        }
        // Most scenarios add no entity: share the file's list of them.
        let mut known = Cow::Borrowed(self.known);
        for s in &overrides {
            if !known.get(&s.r.ty).is_some_and(|ids| ids.contains(&s.r.id)) {
                known
                    .to_mut()
                    .entry(s.r.ty.clone())
                    .or_default()
                    .insert(s.r.id.clone());
            }
        }
        let touched = entities::merge(self.by_ref, overrides);

        let action_name = sc.action.strip_prefix("Action::").unwrap_or(&sc.action);
        let Some(action) = ctx.schema.actions.get(action_name) else {
            return Err(ctx
                .at_value(
                    Code::UnknownAction,
                    format!("there is no action `{}` in the schema", sc.action),
                    &self.path.key("action"),
                    "unknown action",
                )
                .with_help(
                    did_you_mean(action_name, ctx.schema.actions.keys().map(String::as_str))
                        .unwrap_or_else(|| {
                            format!(
                                "the actions are: {}",
                                ctx.schema
                                    .actions
                                    .keys()
                                    .map(|a| format!("`{a}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }),
                )
                .boxed());
        };
        let principal = self.party(
            &sc.principal,
            &action.principals,
            "principal",
            action_name,
            &known,
        )?;
        let resource = self.party(
            &sc.resource,
            &action.resources,
            "resource",
            action_name,
            &known,
        )?;

        let at = self.moment(sc, action.context.attrs.contains_key(NOW))?;
        let mut pairs: Vec<(String, Value, Path)> = Vec::new();
        for (k, v) in &sc.context {
            let name = key_text(k);
            if name == NOW {
                return Err(ctx
                    .at_key(
                        Code::UnknownAttribute,
                        "the moment of a scenario is written `at:`, not `context.now`",
                        &self.path.key("context").key(NOW),
                        "use at:",
                    )
                    .boxed());
            }
            pairs.push((name.clone(), v.clone(), self.path.key("context").key(name)));
        }
        if let Some((value, path)) = &at {
            pairs.push((NOW.to_string(), Value::String(value.clone()), path.clone()));
        }
        let context_json = ctx.record(
            &pairs,
            &action.context,
            &self.path.key("context"),
            &format!("the context of `{action_name}`"),
            &known,
        )?;

        let mut touched_json = Vec::with_capacity(touched.len());
        for spec in &touched {
            touched_json.push(entities::lower(ctx, spec, &known)?);
        }
        self.check_cycles(&touched, &touched_json)?;
        let mut overrides = Vec::with_capacity(touched.len());
        for (spec, json) in touched.iter().zip(&touched_json) {
            let entity = self
                .values
                .entity(json)
                .map_err(|why| self.cedar_message(why, None, &spec.path))?;
            overrides.push(entity);
        }
        if !overrides.is_empty() {
            // Checked against the schema here, where a problem can point at
            // the YAML; applied to the fixtures when evaluated.
            Entities::from_entities(overrides.iter().cloned(), Some(&ctx.schema.cedar))
                .map_err(|e| self.cedar_error(&e, &self.path.key("entities")))?;
        }

        let action_uid = ctx.schema.action_uid(action_name);
        // Cedar checks the context against the schema in `Request::new`.
        let context = self
            .values
            .record_fields(&context_json)
            .map_err(|why| self.cedar_message(why, None, &self.path.key("context")))
            .and_then(|pairs| {
                Context::from_pairs(pairs)
                    .map_err(|e| self.cedar_error(&e, &self.path.key("context")))
            })?;
        let request = Request::new(
            self.uid(&principal),
            action_uid,
            self.uid(&resource),
            context,
            Some(&ctx.schema.cedar),
        )
        .map_err(|e| self.cedar_error(&e, &self.path.key("name")))?;
        Ok(LoweredScenario {
            info: ScenarioInfo {
                name: sc.name.clone(),
                file: ctx.file.name.clone(),
                line,
                requirements,
                expect: sc.expect,
                decided_by,
                situation: sc
                    .situation
                    .clone()
                    .or_else(|| file_situation.map(str::to_string)),
                summary: RequestSummary {
                    principal: format!("{}::{}", principal.ty, principal.id),
                    action: action_name.to_string(),
                    resource: format!("{}::{}", resource.ty, resource.id),
                    at: at.map(|(v, _)| value::datetime(&v).unwrap_or(v)),
                },
            },
            request,
            overrides,
            context: context_json,
        })
    }

    /// Overrides may link entities into a cycle that the fixtures did not have.
    fn check_cycles(&self, touched: &[EntitySpec], touched_json: &[Json]) -> Result<(), Box<Diag>> {
        if touched_json
            .iter()
            .all(|j| j["parents"].as_array().is_none_or(Vec::is_empty))
        {
            return Ok(());
        }
        let replaced: std::collections::BTreeSet<String> =
            touched_json.iter().map(|j| j["uid"].to_string()).collect();
        let all: Vec<&Json> = self
            .fixture_json
            .iter()
            .filter(|j| !replaced.contains(&j["uid"].to_string()))
            .chain(touched_json)
            .collect();
        match entities::hierarchy_problem(&all) {
            None => Ok(()),
            Some(problem) => {
                let specs: Vec<EntitySpec> =
                    touched.iter().chain(self.fixture_specs).cloned().collect();
                Err(Box::new(hierarchy_diag(self.ctx, &specs, &problem)))
            }
        }
    }

    fn requirements(&self, sc: &Scenario) -> Result<Vec<String>, Box<Diag>> {
        let ids = sc.requirements.to_vec();
        let path = self.path.key("requirements");
        if ids.is_empty() {
            return Err(self
                .ctx
                .at_key(
                    Code::UnknownRequirement,
                    format!("scenario `{}` names no requirement", sc.name),
                    &path,
                    "empty",
                )
                .with_help("every scenario exercises at least one requirement of the catalogue")
                .boxed());
        }
        if let Some(cat) = self.refs.catalogue {
            for (i, id) in ids.iter().enumerate() {
                if cat.requirement(id).is_none() {
                    let p = match sc.requirements {
                        crate::scenario::OneOrMany::One(_) => path.clone(),
                        crate::scenario::OneOrMany::Many(_) => path.index(i),
                    };
                    return Err(self
                        .ctx
                        .at_value(
                            Code::UnknownRequirement,
                            format!("requirement `{id}` is not in the catalogue"),
                            &p,
                            "unknown requirement",
                        )
                        .with_help_opt(cat.suggest(id))
                        .boxed());
                }
            }
        }
        Ok(ids)
    }

    fn decided_by(&self, sc: &Scenario) -> Result<Option<Vec<String>>, Box<Diag>> {
        let Some(ids) = &sc.decided_by else {
            return Ok(None);
        };
        for (i, id) in ids.iter().enumerate() {
            // With a broken policy file, a missing id is that file's fault, reported there.
            if !self.refs.policies.info.contains_key(id) && self.refs.policies.complete {
                return Err(self
                    .ctx
                    .at_value(
                        Code::UnknownPolicy,
                        format!("there is no policy with @id `{id}` in this regime"),
                        &self.path.key("decided_by").index(i),
                        "unknown policy",
                    )
                    .with_help_opt(self.refs.policies.suggest(id))
                    .boxed());
            }
        }
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        Ok(Some(sorted))
    }

    /// Resolves the principal or resource, explaining a type that does not
    /// fit the action.
    fn party(
        &self,
        text: &str,
        allowed: &[String],
        role: &str,
        action: &str,
        known: &Known,
    ) -> Result<Ref, Box<Diag>> {
        let path = self.path.key(role);
        self.ctx
            .reference(text, allowed, &path, known)
            .map_err(|d| {
                let elsewhere: Vec<&String> = known
                    .iter()
                    .filter(|(_, ids)| ids.contains(text))
                    .map(|(t, _)| t)
                    .collect();
                if d.code == Code::UnknownEntity && !elsewhere.is_empty() {
                    let allowed = allowed
                        .iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(" or ");
                    self.ctx
                        .at_value(
                            Code::WrongPrincipalOrResource,
                            format!(
                                "`{text}` is a `{}`, which cannot be the {role} of `{action}`",
                                elsewhere[0]
                            ),
                            &path,
                            "wrong type for this action",
                        )
                        .with_help(format!("the {role} of `{action}` must be {allowed}"))
                        .boxed()
                } else {
                    d
                }
            })
    }

    /// The scenario's moment and where it is written, or the `--as-of` one.
    fn moment(&self, sc: &Scenario, wants_now: bool) -> Result<Option<(String, Path)>, Box<Diag>> {
        let path = self.path.key("at");
        match (&sc.at, wants_now) {
            (Some(Value::String(s)), true) => Ok(Some((s.clone(), path))),
            (Some(other), true) => Err(self
                .ctx
                .at_value(
                    Code::BadDate,
                    format!("`at:` must be a date or a timestamp, found {other:?}"),
                    &path,
                    "not a date",
                )
                .with_help("write e.g. at: 2024-05-02 or at: 2024-05-02T10:00:00Z")
                .boxed()),
            (Some(_), false) => Err(self
                .ctx
                .at_key(
                    Code::UnknownAttribute,
                    format!(
                        "the action `{}` takes no moment: its context has no `now`",
                        sc.action
                    ),
                    &path,
                    "not used",
                )
                .with_help("remove `at:`, or declare `now: datetime` in the action's context")
                .boxed()),
            (None, true) => match self.refs.as_of {
                Some(moment) => Ok(Some((moment.to_string(), self.path.key("name")))),
                None => Err(self
                    .ctx
                    .at_key(
                        Code::MissingTime,
                        format!("scenario `{}` says nothing about when it happens", sc.name),
                        &self.path.key("name"),
                        "no `at:`",
                    )
                    .with_help("add `at: 2024-05-02` (or run with --as-of DATE)")
                    .boxed()),
            },
            (None, false) => Ok(None),
        }
    }

    fn uid(&self, r: &Ref) -> EntityUid {
        let ty = self
            .ctx
            .schema
            .type_name(&self.ctx.schema.qualified(&r.ty))
            .expect("types come from the parsed schema");
        EntityUid::from_type_name_and_id(ty, cedar_policy::EntityId::new(&r.id))
    }

    fn cedar_error(&self, err: &dyn miette::Diagnostic, path: &Path) -> Box<Diag> {
        let d = Diag::from_foreign(Code::CedarEntity, err, None);
        self.cedar_message(d.message, d.help, path)
    }

    fn cedar_message(&self, message: String, help: Option<String>, path: &Path) -> Box<Diag> {
        Diag::new(Code::CedarEntity, message)
            .at(
                self.ctx.file,
                self.ctx.index.key_span(path),
                "while building this",
            )
            .with_help_opt(help)
            .boxed()
    }
}
