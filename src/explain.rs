//! `explain`: one scenario in words a lawyer can follow — the request as
//! lowered, the entities involved, the decision, the policies that decided it
//! (with their clause and text) and, for a deny that no forbid decided, the
//! permits that could have allowed the action but whose conditions did not hold.

use std::collections::BTreeSet;
use std::fmt::Write;

use cedar_policy::{ActionConstraint, Entities, EntityUid};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::Value as Json;

use crate::catalogue::Requirement;
use crate::evaluate::{by_words, Outcome, Status};
use crate::filter::Matcher;
use crate::load::{Project, Regime};
use crate::lower::LoweredScenario;
use crate::policies::PolicyInfo;
use crate::scenario::Expect;

/// Everything `explain` says about one scenario.
#[derive(Debug)]
pub struct Explanation<'a> {
    /// The regime.
    pub regime: &'a Regime,
    /// The scenario.
    pub scenario: &'a LoweredScenario,
    /// Its requirements, from the catalogue.
    pub requirements: Vec<&'a Requirement>,
    /// Entities involved: `Type::id` and their attributes and parents, as text.
    pub entities: Vec<(String, String)>,
    /// What happened.
    pub outcome: Outcome,
    /// The deciding policies.
    pub deciding: Vec<&'a PolicyInfo>,
    /// For a deny no forbid decided: permits for this action that did not apply.
    pub unapplied_permits: Vec<&'a PolicyInfo>,
}

/// Explains every scenario whose name matches `pattern`.
pub fn explain<'a>(project: &'a Project, pattern: &Matcher) -> Vec<Explanation<'a>> {
    let mut out = Vec::new();
    for regime in &project.regimes {
        for file in &regime.files {
            for scenario in file
                .scenarios
                .iter()
                .filter(|s| pattern.matches(&s.info.name))
            {
                out.push(explain_one(regime, scenario, &file.fixtures));
            }
        }
    }
    out
}

fn explain_one<'a>(
    regime: &'a Regime,
    scenario: &'a LoweredScenario,
    fixtures: &Entities,
) -> Explanation<'a> {
    let outcome = crate::evaluate::run(regime, scenario, fixtures);
    // If the overrides cannot be applied, the outcome says so; the entities
    // shown are then the fixtures.
    let entities = scenario
        .entities(fixtures)
        .unwrap_or(std::borrow::Cow::Borrowed(fixtures));
    let info = |id: &String| regime.policies.info.get(id);
    let deciding: Vec<&PolicyInfo> = outcome.decided_by.iter().filter_map(info).collect();
    let forbid_decided = deciding.iter().any(|p| p.effect == "forbid");
    let unapplied_permits = if outcome.decision == Expect::Deny && !forbid_decided {
        let action = scenario.request.action().cloned();
        regime
            .policies
            .set
            .policies()
            .filter(|p| p.effect() == cedar_policy::Effect::Permit)
            .filter(|p| {
                action
                    .as_ref()
                    .is_some_and(|a| scope_allows_action(&p.action_constraint(), a))
            })
            .filter_map(|p| info(&p.id().to_string()))
            .collect()
    } else {
        Vec::new()
    };
    Explanation {
        regime,
        scenario,
        requirements: scenario
            .info
            .requirements
            .iter()
            .filter_map(|r| regime.catalogue.requirement(r))
            .collect(),
        entities: involved(
            scenario,
            &entities,
            regime.derivations.as_ref().map(|d| d.zone()),
        ),
        outcome,
        deciding,
        unapplied_permits,
    }
}

fn scope_allows_action(constraint: &ActionConstraint, action: &EntityUid) -> bool {
    match constraint {
        ActionConstraint::Any => true,
        ActionConstraint::Eq(a) => a == action,
        // An action group may contain the action; without the hierarchy at
        // hand, such permits are shown (they may apply).
        ActionConstraint::In(_) => true,
    }
}

/// The principal, the resource, the entities the context refers to, and the
/// entities their attributes refer to (one step), in that order.
fn involved(
    scenario: &LoweredScenario,
    entities: &Entities,
    zone: Option<&TimeZone>,
) -> Vec<(String, String)> {
    let mut queue: Vec<EntityUid> = Vec::new();
    queue.extend(scenario.request.principal().cloned());
    queue.extend(scenario.request.resource().cloned());
    for value in scenario.context.values() {
        collect_refs(value, &mut queue);
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut i = 0;
    let first_round = queue.len();
    while i < queue.len() {
        let uid = queue[i].clone();
        i += 1;
        if !seen.insert(uid.to_string()) {
            continue;
        }
        let Some(entity) = entities.get(&uid) else {
            continue;
        };
        let json = entity.to_json_value().unwrap_or(Json::Null);
        if i <= first_round {
            collect_refs(&json["attrs"], &mut queue);
        }
        out.push((short_uid(&uid), describe_entity(&json, zone)));
    }
    out
}

fn collect_refs(value: &Json, out: &mut Vec<EntityUid>) {
    match value {
        Json::Object(map) => {
            if let Some(Json::Object(e)) = map.get("__entity") {
                if let (Some(t), Some(id)) = (
                    e.get("type").and_then(Json::as_str),
                    e.get("id").and_then(Json::as_str),
                ) {
                    if let Ok(ty) = t.parse() {
                        out.push(EntityUid::from_type_name_and_id(
                            ty,
                            cedar_policy::EntityId::new(id),
                        ));
                    }
                }
                return;
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Json::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// `Person::jonas` for `Ns::Person::"jonas"`.
fn short_uid(uid: &EntityUid) -> String {
    let ty = uid.type_name().basename();
    format!("{ty}::{}", uid.id().unescaped())
}

fn describe_entity(json: &Json, zone: Option<&TimeZone>) -> String {
    let mut parts: Vec<String> = json["attrs"]
        .as_object()
        .map(|attrs| {
            attrs
                .iter()
                .map(|(k, v)| format!("{k} = {}", describe_value(v, zone)))
                .collect()
        })
        .unwrap_or_default();
    if let Some(parents) = json["parents"].as_array().filter(|p| !p.is_empty()) {
        let names: Vec<String> = parents.iter().map(describe_uid_json).collect();
        parts.push(format!("in {}", names.join(", ")));
    }
    if parts.is_empty() {
        "(no attributes)".into()
    } else {
        parts.join("; ")
    }
}

fn describe_uid_json(v: &Json) -> String {
    let ty = v["type"].as_str().unwrap_or("?");
    let short = ty.rsplit("::").next().unwrap_or(ty);
    format!("{short}::{}", v["id"].as_str().unwrap_or("?"))
}

/// A moment in UTC, followed — when the regime has a legal time zone — by
/// the same moment on the local clock:
/// `2024-03-15T21:59:59.999Z (23:59:59 Fri 15 Mar 2024, Europe/Vilnius)`.
pub fn moment_in_words(text: &str, zone: Option<&TimeZone>) -> String {
    let (Some(zone), Ok(at)) = (zone, text.parse::<Timestamp>()) else {
        return text.to_string();
    };
    let local = at.to_zoned(zone.clone());
    format!(
        "{text} ({}, {})",
        local.strftime("%H:%M:%S %a %-d %b %Y"),
        zone.iana_name().unwrap_or("local time")
    )
}

fn describe_value(v: &Json, zone: Option<&TimeZone>) -> String {
    match v {
        Json::Object(map) if map.contains_key("__entity") => describe_uid_json(&map["__entity"]),
        Json::Object(map) if map.contains_key("__extn") => {
            let extn = &map["__extn"];
            let arg = &extn["arg"];
            let text = arg
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| arg.to_string());
            if extn["fn"] == "datetime" {
                moment_in_words(&text, zone)
            } else {
                text
            }
        }
        Json::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}: {}", describe_value(v, zone)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        Json::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|v| describe_value(v, zone))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Json::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// Renders explanations as plain text.
pub fn render(explanations: &[Explanation<'_>]) -> String {
    let mut out = String::new();
    for (i, e) in explanations.iter().enumerate() {
        if i > 0 {
            out.push_str("\n────────────────────────────────────────\n\n");
        }
        render_one(&mut out, e);
    }
    out
}

fn render_one(out: &mut String, e: &Explanation<'_>) {
    let s = &e.scenario.info;
    let _ = writeln!(out, "Scenario: {}", s.name);
    let _ = writeln!(
        out,
        "  in {}:{} — regime `{}` ({})",
        s.file, s.line, e.regime.name, e.regime.catalogue.catalogue.title
    );
    for r in &e.requirements {
        let _ = writeln!(
            out,
            "  requirement {} (clause {}): {}",
            r.id,
            r.clause,
            one_line(&r.summary)
        );
    }
    let _ = writeln!(out, "\nThe request");
    let _ = writeln!(out, "  who:   {}", s.summary.principal);
    let _ = writeln!(out, "  does:  {}", s.summary.action);
    let _ = writeln!(out, "  on:    {}", s.summary.resource);
    let zone = e.regime.derivations.as_ref().map(|d| d.zone());
    if let Some(at) = &s.summary.at {
        let _ = writeln!(out, "  when:  {}", moment_in_words(at, zone));
    }
    for (k, v) in e
        .scenario
        .context
        .iter()
        .filter(|(k, _)| k.as_str() != crate::lower::NOW)
    {
        let _ = writeln!(out, "  context {k} = {}", describe_value(v, zone));
    }
    let _ = writeln!(out, "\nThe entities involved");
    for (uid, attrs) in &e.entities {
        let _ = writeln!(out, "  {uid}: {attrs}");
    }
    let verdict = match e.outcome.status {
        Status::Pass => "as expected",
        Status::Fail => "NOT as expected",
        Status::Error => "an evaluation ERROR",
    };
    let _ = writeln!(
        out,
        "\nDecision: {} ({}) — expected {}: {verdict}",
        e.outcome.decision.to_string().to_uppercase(),
        by_words(&e.outcome.decided_by),
        s.expect
    );
    if let Some(reason) = &e.outcome.reason {
        let _ = writeln!(out, "  {reason}");
    }
    if e.deciding.is_empty() && e.outcome.decision == Expect::Deny {
        let _ = writeln!(
            out,
            "  No policy permitted the request, so it is denied by default."
        );
    }
    for p in &e.deciding {
        policy(
            out,
            p,
            if p.effect == "forbid" {
                "Forbidden by"
            } else {
                "Permitted by"
            },
        );
    }
    if !e.unapplied_permits.is_empty() {
        let _ = writeln!(
            out,
            "\nThese permits could allow `{}`, but their conditions do not all hold here:",
            s.summary.action
        );
        for p in &e.unapplied_permits {
            policy(out, p, "Did not apply");
        }
    }
}

fn policy(out: &mut String, p: &PolicyInfo, heading: &str) {
    let _ = writeln!(
        out,
        "\n  {heading}: {} ({}), clause {}, requirement {} — {}:{}",
        p.id,
        p.effect,
        p.clause,
        p.requirements.join(", "),
        p.file,
        p.line
    );
    for line in p.text.lines() {
        let _ = writeln!(out, "    │ {line}");
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod moment_tests {
    use super::*;

    #[test]
    fn a_moment_is_also_given_on_the_regimes_clock() {
        let riga = TimeZone::get("Europe/Riga").unwrap();
        assert_eq!(
            moment_in_words("2026-11-24T22:00:00Z", Some(&riga)),
            "2026-11-24T22:00:00Z (00:00:00 Wed 25 Nov 2026, Europe/Riga)"
        );
        // Summer time: UTC+3.
        assert_eq!(
            moment_in_words("2026-07-01T20:59:59Z", Some(&riga)),
            "2026-07-01T20:59:59Z (23:59:59 Wed 1 Jul 2026, Europe/Riga)"
        );
        assert_eq!(
            moment_in_words("2026-07-01T20:59:59Z", None),
            "2026-07-01T20:59:59Z"
        );
        assert_eq!(moment_in_words("not a moment", Some(&riga)), "not a moment");
    }
}
