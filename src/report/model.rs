//! The one report model. Every output (terminal, Markdown, JSON, JUnit) is a
//! pure function of it, and it holds nothing that changes between runs on the
//! same input: no timestamps, no absolute paths, no line numbers in what is
//! serialised (a line added above a scenario must not look like a legal change).

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use serde::Serialize;

use crate::catalogue::{Catalogue, Figure, Kind, ProvisionStatus, Recommendation};
use crate::evaluate::{Outcome, RegimeOutcomes, Status};
use crate::filter::Selection;
use crate::load::{Project, Regime};
use crate::lower::RequestSummary;
use crate::policies::PolicyInfo;
use crate::scenario::Expect;
use crate::waiver::{Target, Waiver};
use crate::yaml::Path;

/// The name of the JSON format, written into every JSON report.
pub const FORMAT: &str = "lexgate-report";
/// The version of the JSON format; bumped on any incompatible change.
pub const VERSION: u32 = 1;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// Always [`VERSION`].
    pub version: u32,
    /// Counts over every regime.
    pub totals: Totals,
    /// The regimes, by name.
    pub regimes: Vec<RegimeReport>,
}

/// One regime's report.
#[derive(Debug, Clone, Serialize)]
pub struct RegimeReport {
    /// Its slug.
    pub id: String,
    /// The act's title.
    pub title: String,
    /// The source document.
    pub source: String,
    /// The Cedar namespace.
    pub namespace: String,
    /// True for assessments.
    pub assessment: bool,
    /// Counts.
    pub totals: Totals,
    /// For assessments: met / total per group, per situation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scorecards: Vec<Scorecard>,
    /// For assessments: the source's own figures against the scorecard of
    /// the catalogue's `reported_situation`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reported_figures: Vec<FigureCheck>,
    /// The clause map: how every provision of the source is accounted for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause_map: Option<ClauseMap>,
    /// How well the scenarios exercise the requirements and policies.
    pub coverage: CoverageSummary,
    /// Requirements by group, in catalogue order.
    pub groups: Vec<GroupReport>,
    /// The waivers of the reported scenarios and requirements, in file order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverReport>,
    /// The catalogue file (not serialised: it is always
    /// `cases/<regime>/requirements.yaml`).
    #[serde(skip)]
    pub catalogue: String,
    /// Every policy of the regime.
    pub policies: Vec<PolicyInfo>,
}

/// One group (chapter, block) of requirements.
#[derive(Debug, Clone, Serialize)]
pub struct GroupReport {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// For assessments: its block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block: Option<String>,
    /// For assessments: false for decisions beside the scorecard.
    #[serde(skip_serializing_if = "is_true")]
    pub scored: bool,
    /// Its requirements' statuses, counted.
    pub tally: Tally,
    /// Its requirements.
    pub requirements: Vec<RequirementReport>,
}

/// One requirement and the evidence for its status.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementReport {
    /// Its id.
    pub id: String,
    /// The clause.
    pub clause: String,
    /// Its kind.
    pub kind: Kind,
    /// Our summary.
    pub summary: String,
    /// A note (why untested, an ambiguity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The source's recommendation, for assessments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Recommendation>,
    /// pass, fail, waived or untested.
    pub status: RequirementStatus,
    /// The policies that serve it (by `@requirement`).
    pub policies: Vec<String>,
    /// How many of its scenarios expect allow and deny.
    pub coverage: Coverage,
    /// Its scenarios, in file order.
    pub scenarios: Vec<ScenarioReport>,
    /// The line of its `id:` in the catalogue (not serialised).
    #[serde(skip)]
    pub line: usize,
}

/// How many scenarios of a requirement expect each decision.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Coverage {
    /// Scenarios expecting allow.
    pub allow: usize,
    /// Scenarios expecting deny.
    pub deny: usize,
}

/// The status of a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RequirementStatus {
    /// Every scenario passes.
    Pass,
    /// A scenario fails or errors.
    Fail,
    /// It fails, but every failure is covered by a waiver that holds.
    Waived,
    /// No scenario exercises it.
    Untested,
}

/// One scenario's evidence.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioReport {
    /// Its name.
    pub name: String,
    /// Its file.
    pub file: String,
    /// Its line (not serialised: see the module docs).
    #[serde(skip)]
    pub line: usize,
    /// The situation, for assessments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub situation: Option<String>,
    /// The request.
    pub request: RequestSummary,
    /// The expected decision.
    pub expect: Expect,
    /// The expected deciding policies, if pinned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect_decided_by: Option<Vec<String>>,
    /// What happened.
    pub outcome: Outcome,
    /// True when it fails or errors and a waiver that holds covers it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub waived: bool,
}

/// A waiver, with what became of it in this run.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverReport {
    /// What it covers.
    #[serde(flatten)]
    pub target: Target,
    /// Why the failure is accepted.
    pub justification: String,
    /// Who accepted it.
    pub approver: String,
    /// The last day it holds (YYYY-MM-DD).
    pub expires: String,
    /// active, stale or expired.
    pub state: WaiverState,
    /// The waiver file.
    pub file: String,
    /// The line of the waiver (not serialised: see the module docs).
    #[serde(skip)]
    pub line: usize,
}

/// What became of a waiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WaiverState {
    /// It covers a failure and holds.
    Active,
    /// What it covers passes: it can go.
    Stale,
    /// Its last day has passed: the run fails.
    Expired,
}

/// How well a regime's scenarios exercise its requirements and policies.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct CoverageSummary {
    /// Requirements in the report.
    pub requirements: usize,
    /// Requirements with at least one allow and one deny scenario.
    pub both_ways: usize,
    /// Requirements without any scenario.
    pub untested: Vec<String>,
    /// Requirements whose scenarios all expect allow.
    pub only_allow: Vec<String>,
    /// Requirements whose scenarios all expect deny.
    pub only_deny: Vec<String>,
    /// Policies of the regime.
    pub policies: usize,
    /// Policies that decide no scenario (never among the deciding policies).
    pub never_deciding: Vec<String>,
    /// Deny scenarios of a requirement that has a forbid policy, denied by
    /// default (no policy applied) and without `decided_by`: they would
    /// pass whatever the reason (`REQUIREMENT: scenario`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub denied_by_default: Vec<String>,
}

impl CoverageSummary {
    /// Percentage of requirements exercised both ways (100 when there are none).
    pub fn requirement_percent(&self) -> f64 {
        percent(self.both_ways, self.requirements)
    }

    /// Percentage of policies that decide at least one scenario.
    pub fn policy_percent(&self) -> f64 {
        percent(self.policies - self.never_deciding.len(), self.policies)
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn coverage(
    groups: &[GroupReport],
    policies: &BTreeMap<String, PolicyInfo>,
    deciding: &BTreeSet<String>,
) -> CoverageSummary {
    let mut c = CoverageSummary {
        policies: policies.len(),
        ..CoverageSummary::default()
    };
    for r in groups.iter().flat_map(|g| &g.requirements) {
        let has_forbid = r
            .policies
            .iter()
            .any(|id| policies.get(id).is_some_and(|p| p.effect == "forbid"));
        if has_forbid {
            c.denied_by_default.extend(
                r.scenarios
                    .iter()
                    .filter(|s| {
                        s.expect == Expect::Deny
                            && s.expect_decided_by.is_none()
                            && s.outcome.decided_by.is_empty()
                    })
                    .map(|s| format!("{}: {}", r.id, s.name)),
            );
        }
        c.requirements += 1;
        match (r.coverage.allow > 0, r.coverage.deny > 0) {
            (true, true) => c.both_ways += 1,
            (true, false) => c.only_allow.push(r.id.clone()),
            (false, true) => c.only_deny.push(r.id.clone()),
            (false, false) => c.untested.push(r.id.clone()),
        }
    }
    c.never_deciding = policies
        .keys()
        .filter(|id| !deciding.contains(*id))
        .cloned()
        .collect();
    c
}

/// Counts of requirements and scenarios.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    /// Requirements.
    pub requirements: Tally,
    /// Scenarios (each counted once, even when linked to several requirements).
    pub scenarios: ScenarioTally,
}

/// Requirement statuses, counted.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Tally {
    /// Passing.
    pub pass: usize,
    /// Failing.
    pub fail: usize,
    /// Untested.
    pub untested: usize,
    /// Failing, with every failure waived.
    #[serde(skip_serializing_if = "is_zero")]
    pub waived: usize,
    /// All.
    pub total: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn is_true(b: &bool) -> bool {
    *b
}

/// The clause map of a regime, with its counts.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseMap {
    /// Provisions listed.
    pub provisions: usize,
    /// Provisions fully encoded by requirements.
    pub encoded: usize,
    /// Provisions that decide nothing.
    pub no_rule: usize,
    /// Provisions not encoded, or only in part.
    pub gaps: usize,
    /// Every provision, in source order.
    pub entries: Vec<ProvisionReport>,
}

/// One provision of the clause map.
#[derive(Debug, Clone, Serialize)]
pub struct ProvisionReport {
    /// The clause.
    pub clause: String,
    /// What it is about.
    pub summary: String,
    /// encoded, no_rule or gap.
    pub status: ProvisionStatus,
    /// The requirements that encode it (in part, for a gap).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
    /// Why it decides nothing, or what is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ClauseMap {
    /// The map of a catalogue, if it has one.
    pub fn of(catalogue: &Catalogue) -> Option<Self> {
        let provisions = catalogue.provisions.as_ref()?;
        let entries: Vec<ProvisionReport> = provisions
            .iter()
            .map(|p| ProvisionReport {
                clause: p.clause.trim().to_string(),
                summary: one_line(&p.summary),
                status: p.status(),
                requirements: p.requirements.clone(),
                reason: p.gap.as_ref().or(p.no_rule.as_ref()).map(|r| one_line(r)),
            })
            .collect();
        let count = |s: ProvisionStatus| entries.iter().filter(|e| e.status == s).count();
        Some(Self {
            provisions: entries.len(),
            encoded: count(ProvisionStatus::Encoded),
            no_rule: count(ProvisionStatus::NoRule),
            gaps: count(ProvisionStatus::Gap),
            entries,
        })
    }

    /// The provisions that are gaps.
    pub fn gap_entries(&self) -> impl Iterator<Item = &ProvisionReport> {
        self.entries
            .iter()
            .filter(|e| e.status == ProvisionStatus::Gap)
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The source's own figure for a group against the encoded scorecard.
#[derive(Debug, Clone, Serialize)]
pub struct FigureCheck {
    /// The group id.
    pub group: String,
    /// The group title.
    pub title: String,
    /// The situation whose scorecard is compared.
    pub situation: String,
    /// What the source says.
    pub reported: Figure,
    /// What the encoded scorecard gives (absent when the situation has no
    /// scenario).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoded: Option<Figure>,
}

impl FigureCheck {
    /// True when the scorecard reproduces the source's figure.
    pub fn matches(&self) -> bool {
        self.encoded == Some(self.reported)
    }
}

/// Scenario statuses, counted.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct ScenarioTally {
    /// Passing.
    pub pass: usize,
    /// Failing.
    pub fail: usize,
    /// Erroring.
    pub error: usize,
    /// Failing or erroring, and waived.
    #[serde(skip_serializing_if = "is_zero")]
    pub waived: usize,
    /// All.
    pub total: usize,
}

/// An assessment's scorecard for one situation.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    /// The situation (`as reported`, `what if …`).
    pub situation: String,
    /// Met / total per group.
    pub groups: Vec<GroupScore>,
    /// Requirements met.
    pub met: usize,
    /// Requirements assessed.
    pub total: usize,
    /// The requirements not met, in catalogue order.
    pub outstanding: Vec<String>,
    /// Met / total per block, in order of first appearance.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<BlockScore>,
    /// The decisions beside the scorecard (groups with `scored: false`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<DecisionScore>,
}

/// Met / total for one block of groups.
#[derive(Debug, Clone, Serialize)]
pub struct BlockScore {
    /// The block's name.
    pub block: String,
    /// Requirements met.
    pub met: usize,
    /// Requirements assessed.
    pub total: usize,
}

/// A decision beside an assessment's scorecard, in one situation.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionScore {
    /// The requirement.
    pub requirement: String,
    /// Its summary.
    pub summary: String,
    /// True when every scenario of the situation allows it.
    pub met: bool,
}

/// Met / total for one group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupScore {
    /// The group id.
    pub id: String,
    /// The group title.
    pub title: String,
    /// Requirements met.
    pub met: usize,
    /// Requirements assessed in this situation.
    pub total: usize,
}

impl Tally {
    fn add(&mut self, s: RequirementStatus) {
        match s {
            RequirementStatus::Pass => self.pass += 1,
            RequirementStatus::Fail => self.fail += 1,
            RequirementStatus::Waived => self.waived += 1,
            RequirementStatus::Untested => self.untested += 1,
        }
        self.total += 1;
    }

    fn absorb(&mut self, other: &Tally) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.waived += other.waived;
        self.untested += other.untested;
        self.total += other.total;
    }
}

impl ScenarioTally {
    fn add(&mut self, s: Status, waived: bool) {
        match s {
            _ if waived => self.waived += 1,
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Error => self.error += 1,
        }
        self.total += 1;
    }

    fn absorb(&mut self, other: &ScenarioTally) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.error += other.error;
        self.waived += other.waived;
        self.total += other.total;
    }
}

impl Report {
    /// Builds the report from a project and its outcomes; waivers expire
    /// against `today`.
    pub fn build(
        project: &Project,
        outcomes: Vec<RegimeOutcomes>,
        selection: &Selection,
        today: Date,
    ) -> Self {
        let regimes: Vec<RegimeReport> = project
            .regimes
            .iter()
            .zip(outcomes)
            .map(|(regime, outs)| regime_report(regime, outs, selection, today))
            .collect();
        let mut totals = Totals::default();
        for r in &regimes {
            totals.requirements.absorb(&r.totals.requirements);
            totals.scenarios.absorb(&r.totals.scenarios);
        }
        Self {
            format: FORMAT,
            version: VERSION,
            totals,
            regimes,
        }
    }

    /// True when no requirement fails, every failing scenario is waived, and
    /// no waiver has expired.
    pub fn passed(&self) -> bool {
        self.totals.requirements.fail == 0
            && self.totals.scenarios.fail == 0
            && self.totals.scenarios.error == 0
            && self.expired_waivers().next().is_none()
            && self.figure_mismatches().next().is_none()
    }

    /// The source's figures that the scorecard does not reproduce.
    pub fn figure_mismatches(&self) -> impl Iterator<Item = (&RegimeReport, &FigureCheck)> {
        self.regimes.iter().flat_map(|r| {
            r.reported_figures
                .iter()
                .filter(|f| !f.matches())
                .map(move |f| (r, f))
        })
    }

    /// The expired waivers, with their regime.
    pub fn expired_waivers(&self) -> impl Iterator<Item = (&RegimeReport, &WaiverReport)> {
        self.regimes.iter().flat_map(|r| {
            r.waivers
                .iter()
                .filter(|w| w.state == WaiverState::Expired)
                .map(move |w| (r, w))
        })
    }
}

fn regime_report(
    regime: &Regime,
    outcomes: RegimeOutcomes,
    selection: &Selection,
    today: Date,
) -> RegimeReport {
    let deciding: BTreeSet<String> = outcomes
        .iter()
        .flat_map(|(_, o)| o.decided_by.iter().cloned())
        .collect();
    let cat = &regime.catalogue.catalogue;
    let holds = |target: &Target| {
        regime
            .waivers
            .iter()
            .any(|w| &w.target == target && !w.expired(today))
    };
    let mut by_requirement: BTreeMap<String, Vec<ScenarioReport>> = BTreeMap::new();
    let mut totals = Totals::default();
    for (mut scenario, outcome) in outcomes {
        let waived = outcome.status != Status::Pass
            && (holds(&Target::Scenario(scenario.name.clone()))
                || scenario
                    .requirements
                    .iter()
                    .all(|r| holds(&Target::Requirement(r.clone()))));
        totals.scenarios.add(outcome.status, waived);
        let requirements = std::mem::take(&mut scenario.requirements);
        let report = ScenarioReport {
            name: scenario.name,
            file: scenario.file,
            line: scenario.line,
            situation: scenario.situation,
            request: scenario.summary,
            expect: scenario.expect,
            expect_decided_by: scenario.decided_by,
            outcome,
            waived,
        };
        // One copy per requirement it exercises (nearly always one).
        if let Some((last, others)) = requirements.split_last() {
            for req in others {
                by_requirement
                    .entry(req.clone())
                    .or_default()
                    .push(report.clone());
            }
            by_requirement.entry(last.clone()).or_default().push(report);
        }
    }
    let groups: Vec<GroupReport> = cat
        .groups
        .iter()
        .map(|g| {
            let mut tally = Tally::default();
            let requirements: Vec<RequirementReport> = cat
                .requirements
                .iter()
                .enumerate()
                .filter(|(_, r)| r.group == g.id && selection.requirement(&r.id))
                .filter_map(|(i, r)| {
                    let scenarios = by_requirement.remove(r.id.as_str()).unwrap_or_default();
                    if scenarios.is_empty() && selection.narrows_scenarios() {
                        return None;
                    }
                    let status = status_of(&scenarios, holds(&Target::Requirement(r.id.clone())));
                    tally.add(status);
                    totals.requirements.add(status);
                    let coverage = Coverage {
                        allow: scenarios
                            .iter()
                            .filter(|s| s.expect == Expect::Allow)
                            .count(),
                        deny: scenarios
                            .iter()
                            .filter(|s| s.expect == Expect::Deny)
                            .count(),
                    };
                    let id_span = regime
                        .catalogue
                        .index
                        .value_span(&Path::root().key("requirements").index(i).key("id"));
                    Some(RequirementReport {
                        id: r.id.clone(),
                        clause: r.clause.clone(),
                        kind: r.kind,
                        summary: r.summary.trim().to_string(),
                        note: r.note.as_ref().map(|n| n.trim().to_string()),
                        recommendation: r.recommendation.clone(),
                        status,
                        policies: regime
                            .policies
                            .info
                            .values()
                            .filter(|p| p.requirements.contains(&r.id))
                            .map(|p| p.id.clone())
                            .collect(),
                        coverage,
                        scenarios,
                        line: regime.catalogue.file.line_of(id_span.offset()),
                    })
                })
                .collect();
            GroupReport {
                id: g.id.clone(),
                title: g.title.clone(),
                block: g.block.clone(),
                scored: g.scored,
                tally,
                requirements,
            }
        })
        .filter(|g| !g.requirements.is_empty())
        .collect();
    let scorecards = if cat.assessment {
        scorecards(&groups)
    } else {
        Vec::new()
    };
    let reported_figures = if selection.requirements.is_empty() && !selection.narrows_scenarios() {
        reported_figures(cat, &scorecards)
    } else {
        Vec::new()
    };
    let coverage = coverage(&groups, &regime.policies.info, &deciding);
    let waivers = regime
        .waivers
        .iter()
        .filter_map(|w| waiver_report(w, &groups, today))
        .collect();
    RegimeReport {
        id: regime.name.clone(),
        title: cat.title.clone(),
        source: cat.source.clone(),
        namespace: cat.namespace.clone(),
        assessment: cat.assessment,
        totals,
        scorecards,
        reported_figures,
        clause_map: ClauseMap::of(cat),
        coverage,
        groups,
        waivers,
        catalogue: regime.catalogue.file.name.clone(),
        policies: regime.policies.info.values().cloned().collect(),
    }
}

/// The state of a waiver in this run; `None` when what it covers is not in
/// the report (filtered out).
fn waiver_report(w: &Waiver, groups: &[GroupReport], today: Date) -> Option<WaiverReport> {
    let requirements = groups.iter().flat_map(|g| &g.requirements);
    let failing = match &w.target {
        Target::Scenario(name) => requirements
            .flat_map(|r| &r.scenarios)
            .find(|s| &s.name == name)
            .map(|s| s.outcome.status != Status::Pass)?,
        Target::Requirement(id) => requirements
            .filter(|r| &r.id == id)
            .map(|r| r.scenarios.iter().any(|s| s.outcome.status != Status::Pass))
            .next()?,
    };
    let state = if w.expired(today) {
        WaiverState::Expired
    } else if failing {
        WaiverState::Active
    } else {
        WaiverState::Stale
    };
    Some(WaiverReport {
        target: w.target.clone(),
        justification: w.justification.clone(),
        approver: w.approver.clone(),
        expires: w.expires.to_string(),
        state,
        file: w.file.clone(),
        line: w.line,
    })
}

/// A requirement's status from its scenarios and whether a waiver of the
/// requirement itself holds.
fn status_of(scenarios: &[ScenarioReport], waived: bool) -> RequirementStatus {
    let failing = || {
        scenarios
            .iter()
            .filter(|s| s.outcome.status != Status::Pass)
    };
    if scenarios.is_empty() {
        RequirementStatus::Untested
    } else if failing().next().is_none() {
        RequirementStatus::Pass
    } else if waived || failing().all(|s| s.waived) {
        RequirementStatus::Waived
    } else {
        RequirementStatus::Fail
    }
}

/// Met / total per group for every situation, in order of first appearance.
/// A requirement is met in a situation when every scenario of that situation
/// linked to it is allowed; it is assessed when it has at least one.
fn scorecards(groups: &[GroupReport]) -> Vec<Scorecard> {
    let mut situations: Vec<String> = Vec::new();
    for s in groups
        .iter()
        .flat_map(|g| &g.requirements)
        .flat_map(|r| &r.scenarios)
    {
        if let Some(sit) = &s.situation {
            if !situations.contains(sit) {
                situations.push(sit.clone());
            }
        }
    }
    situations
        .into_iter()
        .map(|situation| {
            let mut card = Scorecard {
                situation: situation.clone(),
                groups: Vec::new(),
                met: 0,
                total: 0,
                outstanding: Vec::new(),
                blocks: Vec::new(),
                decisions: Vec::new(),
            };
            for g in groups {
                let mut score = GroupScore {
                    id: g.id.clone(),
                    title: g.title.clone(),
                    met: 0,
                    total: 0,
                };
                for r in &g.requirements {
                    let decisions: Vec<Expect> = r
                        .scenarios
                        .iter()
                        .filter(|s| s.situation.as_deref() == Some(situation.as_str()))
                        .map(|s| s.outcome.decision)
                        .collect();
                    if decisions.is_empty() {
                        continue;
                    }
                    let met = decisions.iter().all(|d| *d == Expect::Allow);
                    if !g.scored {
                        card.decisions.push(DecisionScore {
                            requirement: r.id.clone(),
                            summary: r.summary.clone(),
                            met,
                        });
                        continue;
                    }
                    score.total += 1;
                    if met {
                        score.met += 1;
                    } else {
                        card.outstanding.push(r.id.clone());
                    }
                }
                if !g.scored {
                    continue;
                }
                card.met += score.met;
                card.total += score.total;
                if let Some(block) = &g.block {
                    match card.blocks.iter_mut().find(|b| &b.block == block) {
                        Some(b) => {
                            b.met += score.met;
                            b.total += score.total;
                        }
                        None => card.blocks.push(BlockScore {
                            block: block.clone(),
                            met: score.met,
                            total: score.total,
                        }),
                    }
                }
                card.groups.push(score);
            }
            card
        })
        .collect()
}

/// The source's own figures against the scorecard of `reported_situation`.
fn reported_figures(cat: &Catalogue, scorecards: &[Scorecard]) -> Vec<FigureCheck> {
    let Some(situation) = &cat.reported_situation else {
        return Vec::new();
    };
    let card = scorecards.iter().find(|c| &c.situation == situation);
    cat.groups
        .iter()
        .filter_map(|g| {
            let reported = g.reported?;
            let encoded = card.and_then(|c| {
                c.groups.iter().find(|s| s.id == g.id).map(|s| Figure {
                    met: s.met,
                    total: s.total,
                })
            });
            Some(FigureCheck {
                group: g.id.clone(),
                title: g.title.clone(),
                situation: situation.clone(),
                reported,
                encoded,
            })
        })
        .collect()
}
